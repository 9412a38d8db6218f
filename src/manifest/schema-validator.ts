import type { SchemaValidator } from './schema-check.js';

let cached: SchemaValidator | undefined;

/**
 * The manifest's schema validator. The build compiles it ahead of time into
 * dist/manifest/schema-validator.cjs (loading that is several times faster than compiling the
 * schema on every run); from the TypeScript sources, as in unit tests, it is compiled here.
 */
export async function loadSchemaValidator(): Promise<SchemaValidator> {
  if (cached) return cached;
  const compiled = new URL('./schema-validator.cjs', import.meta.url);
  try {
    const module = (await import(compiled.href)) as { default: SchemaValidator };
    cached = module.default;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    const { compileSchemaValidator } = await import('./schema-compile.js');
    cached = compileSchemaValidator();
  }
  return cached;
}
