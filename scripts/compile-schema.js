// Compiles schemas/rollout.v1.schema.json into a standalone validator module at build time, so
// `validate` loads generated code instead of compiling the schema on every run. The ajv options
// come from dist/manifest/schema-compile.js, the same ones the run-time fallback uses. Then it
// saves a V8 code cache of that module for the Node running the build (see
// src/manifest/code-cache.ts): about 10 ms less on every command that reads a manifest.
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { codeCacheData, codeCachePath, runCommonJs } from '../dist/manifest/code-cache.js';
import { createAjv, readSchema } from '../dist/manifest/schema-compile.js';

const ajv = createAjv({ standalone: true });
const validate = ajv.compile(readSchema());
const toCode = standaloneCode.default ?? standaloneCode;
const folder = new URL('../dist/manifest/', import.meta.url);
const target = fileURLToPath(new URL('schema-validator.cjs', folder));

/** Writes through a temporary file, so a command running during a rebuild never reads half a file. */
function writeAtomically(path, data) {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, data);
  renameSync(temp, path);
}

const code = toCode(ajv, validate);
writeAtomically(target, code);

// Caches made by earlier builds are for older code (or another Node): V8 would reject them.
for (const name of readdirSync(folder)) {
  if (name.startsWith('schema-validator.cjs.') && name.endsWith('.cache')) rmSync(new URL(name, folder));
}
// V8 caches what it has compiled, so run the validator first: on every bundled example (the
// paths of a valid manifest) and on an empty object (the paths that report errors).
const { exports, script } = runCommonJs(target, code);
const compiled = exports.default ?? exports;
const examples = new URL('../examples/', import.meta.url);
for (const entry of readdirSync(examples, { withFileTypes: true })) {
  const manifest = new URL(`${entry.name}/rollout.json`, examples);
  if (entry.isDirectory() && existsSync(manifest)) compiled(JSON.parse(readFileSync(manifest, 'utf8')));
}
compiled({});
writeAtomically(codeCachePath(target), codeCacheData(code, script));
