import { fileURLToPath } from 'node:url';
import { requireWithCodeCache } from './code-cache.js';
import type { SchemaValidator } from './schema-check.js';

let cached: SchemaValidator | undefined;

/**
 * The manifest's schema validator. The build compiles it ahead of time into
 * dist/manifest/schema-validator.cjs (loading that is several times faster than compiling the
 * schema on every run), with a V8 code cache beside it (src/manifest/code-cache.ts); from the
 * TypeScript sources, as in unit tests, it is compiled here.
 */
export async function loadSchemaValidator(): Promise<SchemaValidator> {
  if (cached) return cached;
  try {
    // Run as CommonJS, not import()ed: importing CommonJS from ESM runs Node's export scanner
    // over the whole 250 kB module first. The path works from dist/manifest/ and dist/bundle/.
    const module = requireWithCodeCache(fileURLToPath(new URL('../manifest/schema-validator.cjs', import.meta.url))).exports as {
      default?: SchemaValidator;
    } & SchemaValidator;
    cached = module.default ?? module;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const { compileSchemaValidator } = await import('./schema-compile.js');
    cached = compileSchemaValidator();
  }
  return cached;
}
