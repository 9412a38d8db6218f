import { dirname, isAbsolute, join, relative, sep } from 'node:path';

/** Where this package's schema is, and its `$id`. */
export interface PackageSchema {
  /** The package's root folder. */
  root: string;
  /** Absolute path of schemas/rollout.v1.schema.json. */
  path: string;
  /** The schema's `$id` (a URL). */
  id: string;
}

/** The schema's path inside an installed copy of this package. */
export const INSTALLED_SCHEMA = join('node_modules', 'agent-rollout', 'schemas', 'rollout.v1.schema.json');

function inside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function relativeReference(from: string, to: string): string {
  const rel = relative(from, to).split(sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

/**
 * The nearest installed copy of this package's schema at or above `dir`
 * (`<folder>/node_modules/agent-rollout/schemas/rollout.v1.schema.json`), as Node would resolve
 * the package from there; undefined when no folder up to the root has one. `exists` is passed in
 * so this stays pure.
 */
export function installedSchemaAbove(dir: string, exists: (path: string) => boolean): string | undefined {
  for (let folder = dir; ; folder = dirname(folder)) {
    const candidate = join(folder, INSTALLED_SCHEMA);
    if (exists(candidate)) return candidate;
    if (dirname(folder) === folder) return undefined;
  }
}

/**
 * The `"$schema"` a new manifest gets, relative to the manifest's folder wherever a copy of the
 * schema moves with the project:
 * 1. the nearest `node_modules/agent-rollout/schemas/…` at or above the manifest's folder (the
 *    package installed in the project, at its root or in a workspace: `agents/coder/rollout.json`
 *    gets `../../node_modules/…`);
 * 2. else this package's own schema when the manifest is inside this package (a checkout, its
 *    examples);
 * 3. else (a global install, npx, nothing installed nearby) the schema's `$id` URL.
 */
export function schemaReference(manifestDir: string, schema: PackageSchema, exists: (path: string) => boolean = () => false): string {
  const installed = installedSchemaAbove(manifestDir, exists);
  if (installed !== undefined) return relativeReference(manifestDir, installed);
  if (inside(manifestDir, schema.root)) return relativeReference(manifestDir, schema.path);
  return schema.id;
}
