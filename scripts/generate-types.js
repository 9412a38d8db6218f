// Generates src/manifest/schema-types.ts from schemas/rollout.v1.schema.json, the single source of
// the manifest's shape. `npm run gen:types` rewrites the file; test/unit/schema-types.test.ts fails
// when the committed file differs from a fresh generation, so the two cannot drift.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compile } from 'json-schema-to-typescript';

const root = new URL('../', import.meta.url);
const target = fileURLToPath(new URL('src/manifest/schema-types.ts', root));

const DROPPED = new Set(['title', 'x-messages', 'x-rule', 'allOf', 'anyOf', 'oneOf', 'if', 'then', 'else', 'not']);

/** Names each $defs entry after its key and drops the titles that would otherwise name every leaf. */
function prepare(node, defName) {
  if (Array.isArray(node)) return node.map((item) => prepare(item));
  if (node === null || typeof node !== 'object') return node;
  // A $ref's sibling title/description would make a new named type; keep the $ref alone.
  if (typeof node.$ref === 'string') return { $ref: node.$ref };
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    // Titles would name every leaf; x- keywords are ours; the combinators only add constraints
    // (required/forbidden properties) that TypeScript cannot express and the validator enforces.
    if (DROPPED.has(key)) continue;
    if (key === '$defs') {
      out.$defs = Object.fromEntries(Object.entries(value).map(([name, def]) => [name, prepare(def, name)]));
    } else {
      out[key] = prepare(value);
    }
  }
  if (defName) out.title = defName.charAt(0).toUpperCase() + defName.slice(1);
  return out;
}

export async function generateTypes() {
  const schema = JSON.parse(readFileSync(new URL('schemas/rollout.v1.schema.json', root), 'utf8'));
  const prepared = prepare(schema);
  prepared.title = 'Manifest';
  return compile(prepared, 'Manifest', {
    bannerComment: '/* Generated from schemas/rollout.v1.schema.json by `npm run gen:types`. Do not edit by hand. */',
    additionalProperties: false,
    unreachableDefinitions: true,
    strictIndexSignatures: true,
    style: { singleQuote: true, printWidth: 110 },
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(target, await generateTypes());
  console.log(`wrote ${target}`);
}
