// biome-ignore lint/style/noRestrictedImports: reads agent-rollout's own build output (package.json, dist/), never input
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { _, Ajv2020 } from 'ajv/dist/2020.js';
import type { Format } from 'ajv/dist/2020.js';
import type { SchemaValidator } from './schema-check.js';

/** The one schema of the manifest's shape. */
export const SCHEMA_URL = new URL('../../schemas/rollout.v1.schema.json', import.meta.url);

/** Where the checks behind the schema's "format" keywords live, from src/manifest/ and dist/manifest/. */
const FORMATS_PATH = '../../schemas/formats.cjs';

/** The schema as JSON. */
export function readSchema(): Record<string, unknown> {
  return JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as Record<string, unknown>;
}

/**
 * An ajv instance set up for the manifest schema. Used at build time to emit the standalone
 * validator (scripts/compile-schema.js) and at run time only when that file is missing.
 */
export function createAjv(options: { standalone: boolean }): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true,
    verbose: true,
    strict: true,
    strictRequired: false,
    strictTypes: false,
    // The generated validator sits in dist/manifest/ too, so the same relative path finds the formats.
    code: options.standalone ? { source: true, esm: false, formats: _`require(${FORMATS_PATH})` } : {},
  });
  const formats = createRequire(import.meta.url)(FORMATS_PATH) as Record<string, Format>;
  for (const [name, format] of Object.entries(formats)) ajv.addFormat(name, format);
  // Our annotations: x-messages words a combinator's failure, x-rule gives it a rule id.
  ajv.addKeyword({ keyword: 'x-messages', schemaType: 'object' });
  ajv.addKeyword({ keyword: 'x-rule', schemaType: 'string' });
  return ajv;
}

/** Compiles the schema at run time. */
export function compileSchemaValidator(): SchemaValidator {
  return createAjv({ standalone: false }).compile(readSchema()) as SchemaValidator;
}
