// Tokenize a file with a TextMate grammar, as VS Code does (vscode-textmate
// with the Oniguruma regex engine): `node tokenize.mjs GRAMMAR.json FILE`
// prints one JSON object per token: {"line": 1, "text": "say", "scopes": [...]}.
// Used by tests/editors.rs for editors/vscode/syntaxes/flow.tmLanguage.json.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import vsctm from 'vscode-textmate';
import oniguruma from 'vscode-oniguruma';

const [grammarPath, filePath] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));

const registry = new vsctm.Registry({
  onigLib: Promise.resolve({
    createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
    createOnigString: (s) => new oniguruma.OnigString(s),
  }),
  loadGrammar: async () => vsctm.parseRawGrammar(readFileSync(grammarPath, 'utf8'), grammarPath),
});
const grammar = await registry.loadGrammar('source.flow');
if (!grammar) {
  console.error('the grammar did not load');
  process.exit(2);
}
let stack = vsctm.INITIAL;
readFileSync(filePath, 'utf8')
  .split('\n')
  .forEach((line, i) => {
    const result = grammar.tokenizeLine(line, stack);
    for (const t of result.tokens) {
      const text = line.slice(t.startIndex, t.endIndex);
      if (text.trim() !== '') {
        console.log(JSON.stringify({ line: i + 1, text, scopes: t.scopes }));
      }
    }
    stack = result.ruleStack;
  });
