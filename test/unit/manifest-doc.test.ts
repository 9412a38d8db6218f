import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSchema } from '../../src/manifest/schema-compile.js';
import { ROOT } from '../helpers/cli.js';

const DOC = readFileSync(join(ROOT, 'docs', 'manifest.md'), 'utf8');

/** The part of the doc under a `## heading`, up to the next one. */
function section(heading: string): string {
  const start = DOC.indexOf(`\n## ${heading}\n`);
  expect(start, `docs/manifest.md has "## ${heading}"`).toBeGreaterThan(-1);
  const end = DOC.indexOf('\n## ', start + 1);
  return DOC.slice(start, end === -1 ? undefined : end);
}

/** The `code` spans of a table cell. */
function codeSpans(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string);
}

type Node = Record<string, unknown>;

/**
 * Each object of the schema that requires something, by its path in the manifest (`[]` a list
 * entry, `*` a map entry): what it always requires, and what it requires in some branch
 * (if/then, oneOf, anyOf, allOf).
 */
function schemaRequirements(): Map<string, { always: string[]; depending: Set<string> }> {
  const schema = readSchema() as Node;
  const defs = schema['$defs'] as Record<string, Node>;
  const found = new Map<string, { always: string[]; depending: Set<string> }>();
  const entry = (path: string) => {
    let e = found.get(path);
    if (!e) found.set(path, (e = { always: [], depending: new Set() }));
    return e;
  };
  const visit = (node: unknown, path: string, branch: boolean, seen: ReadonlySet<string>): void => {
    if (!node || typeof node !== 'object') return;
    const n = node as Node;
    if (typeof n['$ref'] === 'string') {
      const name = (n['$ref'] as string).split('/').at(-1) as string;
      if (!seen.has(name)) visit(defs[name], path, branch, new Set([...seen, name]));
    }
    if (Array.isArray(n['required']))
      for (const name of n['required'] as string[])
        if (branch) entry(path).depending.add(name);
        else entry(path).always.push(name);
    for (const key of ['allOf', 'anyOf', 'oneOf'])
      if (Array.isArray(n[key])) for (const b of n[key] as unknown[]) visit(b, path, true, seen);
    // An `if` is a condition and a `not` a refusal: neither requires anything.
    if (n['then']) visit(n['then'], path, true, seen);
    if (n['else']) visit(n['else'], path, true, seen);
    const properties = n['properties'] as Record<string, unknown> | undefined;
    for (const [key, value] of Object.entries(properties ?? {})) visit(value, path === '' ? key : `${path}.${key}`, false, seen);
    if (n['items']) visit(n['items'], `${path}[]`, false, seen);
    if (n['additionalProperties'] && typeof n['additionalProperties'] === 'object')
      visit(n['additionalProperties'], `${path}.*`, false, seen);
  };
  visit(schema, '', false, new Set());
  for (const [path, e] of found) if (e.always.length === 0 && e.depending.size === 0) found.delete(path);
  return found;
}

describe('docs/manifest.md says what the schema requires', () => {
  it("its table of required properties is the schema's required lists, object by object", () => {
    const rows = section('Required properties')
      .split('\n')
      .filter((line) => line.startsWith('| ') && !line.startsWith('| object') && !line.startsWith('| ---'))
      .map((line) => line.split(' | ').map((cell) => cell.replace(/^\| ?| ?\|$/g, '').trim()));
    const documented = new Map(
      rows.map(([object, required, depending]) => [
        object === 'the manifest' ? '' : (codeSpans(object ?? '')[0] ?? object),
        { always: codeSpans(required ?? ''), depending: new Set(codeSpans(depending ?? '')) },
      ]),
    );
    const schema = schemaRequirements();
    expect([...documented.keys()].sort()).toEqual([...schema.keys()].sort());
    for (const [path, { always, depending }] of schema) {
      const doc = documented.get(path)!;
      expect(doc.always, `required of ${path || 'the manifest'}`).toEqual(always);
      // Every property required in some branch is named in the third column.
      expect(
        [...depending].filter((name) => !doc.depending.has(name)),
        `depending of ${path}`,
      ).toEqual([]);
    }
    // The probe row that was missing its id, as a reader sees it.
    expect(documented.get('rollback.verify[]')?.always).toEqual(['id', 'expect']);
  });

  it('the rollback.verify[] row of the extensions table says a probe needs an id and an expect', () => {
    const row = DOC.split('\n').find((line) => line.startsWith('| `rollback.verify[]` | `id` (required'));
    expect(row).toContain('`expect` (required');
  });
});
