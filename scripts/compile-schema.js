// Compiles schemas/rollout.v1.schema.json into a standalone validator module at build time, so
// `validate` loads generated code instead of compiling the schema on every run. The ajv options
// come from dist/manifest/schema-compile.js, the same ones the run-time fallback uses.
import { renameSync, writeFileSync } from 'node:fs';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { createAjv, readSchema } from '../dist/manifest/schema-compile.js';

const ajv = createAjv({ standalone: true });
const validate = ajv.compile(readSchema());
const toCode = standaloneCode.default ?? standaloneCode;
const target = new URL('../dist/manifest/schema-validator.cjs', import.meta.url);
// Through a temporary file, so a command running during a rebuild never loads half a module.
const temp = new URL(`../dist/manifest/.schema-validator.${process.pid}.tmp`, import.meta.url);
writeFileSync(temp, toCode(ajv, validate));
renameSync(temp, target);
