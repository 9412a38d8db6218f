import { isAbsolute, relative, sep } from 'node:path';

/** Where this package's schema is, and its `$id`. */
export interface PackageSchema {
  /** The package's root folder. */
  root: string;
  /** Absolute path of schemas/rollout.v1.schema.json. */
  path: string;
  /** The schema's `$id` (a URL). */
  id: string;
}

function inside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * The `"$schema"` a new manifest gets. A relative path to this package's schema when the two
 * live in one tree that moves together: the manifest is inside this package (its examples, a
 * checkout), or this package is installed inside the manifest's project (node_modules). Anywhere
 * else (a global install, npx) a relative path would point at one machine's folders, so the
 * schema's `$id` is used. Pure.
 */
export function schemaReference(manifestDir: string, schema: PackageSchema): string {
  if (!inside(manifestDir, schema.root) && !inside(schema.root, manifestDir)) return schema.id;
  const rel = relative(manifestDir, schema.path).split(sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}
