// Usage: node schema-validate.mjs SCHEMA FILE...  — validates JSON documents
// against a JSON Schema (draft-07, ajv 8). callflow's provider schemas live in
// tests/schemas/ and are written from the providers' reference documents.
// Exits 1 and prints every error when a file does not conform.
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';

const [schemaFile, ...files] = process.argv.slice(2);
if (!schemaFile || files.length === 0) {
  console.error('usage: node schema-validate.mjs SCHEMA FILE...');
  process.exit(2);
}
const schema = JSON.parse(readFileSync(schemaFile, 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: true });
addFormats(ajv);
const validate = ajv.compile(schema);

let failed = 0;
for (const file of files) {
  let doc;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    failed++;
    console.error(`${file}: not JSON: ${e.message}`);
    continue;
  }
  if (validate(doc)) {
    console.log(`${file}: valid`);
  } else {
    failed++;
    console.error(`${file}:`);
    for (const e of validate.errors) console.error(`  ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
  }
}
process.exit(failed ? 1 : 0);
