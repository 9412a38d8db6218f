import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readBoundedText } from '../files/bounded-read.js';
import type { PackageSchema } from '../init/schema-ref.js';

/** This package's schema file: schemas/ beside dist/ (from dist/<folder>/ and dist/bundle/ alike). */
export const SCHEMA_FILE_URL = new URL('../../schemas/rollout.v1.schema.json', import.meta.url);

/** Where this package's schema is, its text and its `$id`. */
export async function packageSchema(): Promise<PackageSchema & { text: string }> {
  const path = fileURLToPath(SCHEMA_FILE_URL);
  const text = await readBoundedText(path, { maxBytes: 4 * 1024 * 1024 });
  const schema = JSON.parse(text) as { $id: string };
  return { root: resolve(dirname(path), '..'), path, id: schema.$id, text };
}
