// Usage: node parse.mjs FILE...  — exits 1 and names the file when Mermaid's
// own parser rejects one. Mermaid needs a DOM (for sanitising labels), which
// jsdom provides; nothing is rendered.
import { JSDOM } from 'jsdom';
import { readFileSync } from 'node:fs';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');

let failed = 0;
for (const file of process.argv.slice(2)) {
  try {
    const result = await mermaid.parse(readFileSync(file, 'utf8'));
    console.log(`${file}: ok (${result.diagramType})`);
  } catch (e) {
    failed++;
    console.error(`${file}: ${e.message ?? e}`);
  }
}
process.exit(failed ? 1 : 0);
