import { createRequire } from 'node:module';
import type { SchemaValidator } from './schema-check.js';

let cached: SchemaValidator | undefined;

/**
 * The manifest's schema validator. The build compiles it ahead of time into
 * dist/manifest/schema-validator.cjs (loading that is several times faster than compiling the
 * schema on every run); from the TypeScript sources, as in unit tests, it is compiled here.
 */
export async function loadSchemaValidator(): Promise<SchemaValidator> {
  if (cached) return cached;
  try {
    // require, not import(): importing CommonJS from ESM runs Node's export scanner over the
    // whole 250 kB module first, which cost more than the validation itself. The path works from
    // dist/manifest/ and from the bundle in dist/bundle/.
    const module = createRequire(import.meta.url)('../manifest/schema-validator.cjs') as { default?: SchemaValidator } & SchemaValidator;
    cached = module.default ?? module;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    const { compileSchemaValidator } = await import('./schema-compile.js');
    cached = compileSchemaValidator();
  }
  return cached;
}
