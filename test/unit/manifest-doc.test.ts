import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ANSWERS } from '../../src/init/answers.js';
import { buildManifest } from '../../src/init/template.js';
import { blastRadius } from '../../src/inventory/blast-radius.js';
import { parseManifest } from '../../src/manifest/load.js';
import { readSchema } from '../../src/manifest/schema-compile.js';
import { loadSchemaValidator } from '../../src/manifest/schema-validator.js';
import type { Manifest } from '../../src/manifest/types.js';
import { validateLoaded } from '../../src/manifest/validate.js';
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

/** Adds a fragment to a manifest: objects by key, lists of entries by `id`; any other value replaces. */
function addTo(base: unknown, fragment: unknown): unknown {
  if (Array.isArray(base) && Array.isArray(fragment) && fragment.every((f) => f && typeof f === 'object' && 'id' in f)) {
    const merged = base.map((b) => {
      const match = fragment.find((f) => (f as Node)['id'] === (b as Node)['id']);
      return match ? addTo(b, match) : b;
    });
    for (const f of fragment) if (!base.some((b) => (b as Node)['id'] === (f as Node)['id'])) merged.push(f);
    return merged;
  }
  if (base && fragment && typeof base === 'object' && typeof fragment === 'object' && !Array.isArray(base) && !Array.isArray(fragment)) {
    const merged: Node = { ...(base as Node) };
    for (const [key, value] of Object.entries(fragment as Node)) merged[key] = key in merged ? addTo(merged[key], value) : value;
    return merged;
  }
  return fragment;
}

describe('docs/manifest.md: read in the pilot, write in a later stage', () => {
  const fence = /```json\n([\s\S]*?)```/.exec(section('Read in the pilot, write in a later stage'))?.[1];
  const example = JSON.parse(fence ?? 'null') as Node;
  const manifest = addTo(buildManifest(DEFAULT_ANSWERS, 'https://agent-rollout.dev/schemas/rollout.v1.schema.json'), example) as Manifest;

  async function findings(document: unknown) {
    const loaded = parseManifest('rollout.json', new TextEncoder().encode(JSON.stringify(document, null, 2)));
    return validateLoaded(loaded, await loadSchemaValidator()).diagnostics.map((d) => `${d.severity} ${d.rule} ${d.message}`);
  }

  it("added to init's manifest, the example validates with no finding at all (no AR107); the pilot cannot use the write tool", async () => {
    expect(fence).toBeDefined();
    const found = await findings(manifest);
    expect(found).toEqual([]);
    const [pilot, beta] = blastRadius(manifest);
    expect(pilot?.tools.map((t) => t.tool)).toContain('tickets-read');
    expect(pilot?.toolsWithoutCredential.map((t) => t.tool)).toContain('tickets-write');
    expect(beta?.tools.map((t) => t.tool)).toEqual(expect.arrayContaining(['tickets-read', 'tickets-write']));
    expect(pilot?.write.map((c) => c.dataClass)).toEqual([]);
    expect(beta?.write.map((c) => c.dataClass)).toEqual(['tickets']);
  });

  it('the same example with the write credential held in the pilot is AR107, as the doc says', async () => {
    const stages = manifest.stages.map((s, i) => (i === 0 ? { ...s, credentials: [...(s.credentials ?? []), 'tickets-rw'] } : s));
    expect((await findings({ ...manifest, stages })).filter((f) => f.includes('AR107'))).toEqual([
      'warning AR107 the first stage, "internal-pilot", holds credential "tickets-rw" with write access',
    ]);
  });
});
