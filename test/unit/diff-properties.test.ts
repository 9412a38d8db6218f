import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffManifests } from '../../src/diff/diff.js';
import type { DiffResult } from '../../src/diff/model.js';
import { EXAMPLES } from '../helpers/cli.js';
import { seededRandom } from '../helpers/seeded-random.js';
import { fuzzRuns } from '../helpers/run-counts.js';

const EXAMPLE_DOCS = ['support-triage', 'finance-ledger'].map((name) =>
  JSON.parse(readFileSync(join(EXAMPLES, name, 'rollout.json'), 'utf8')),
);

function diff(a: unknown, b: unknown): DiffResult {
  return diffManifests({ base: { label: 'a', document: a }, head: { label: 'b', document: b } });
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** Lists whose order means nothing: id-keyed lists and sets of values. Stages and everything in rollback run in order. */
const UNORDERED = new Set([
  'inventory/credentials',
  'inventory/tools',
  'inventory/dataClasses',
  'inventory/triggers',
  'metrics/alerts',
  'stages/[]/exitCriteria',
  'inventory/credentials/[]/scopes',
  'inventory/tools/[]/dataClasses',
  'stages/[]/credentials',
  'stages/[]/audience/orgs',
  'stages/[]/audience/users',
  'guardrails/output/dataClasses',
  'guardrails/boundaries/refuse',
]);

/** A copy with every unordered list shuffled and every object's keys (maps included) in a new order. */
function shuffleManifest(value: unknown, random: () => number, path = ''): unknown {
  if (Array.isArray(value)) {
    const items = value.map((item) => shuffleManifest(item, random, path === '' ? '[]' : `${path}/[]`));
    return UNORDERED.has(path) ? shuffled(items, random) : items;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([key, item]) => {
      const logical = ['metrics/sources', 'metrics/signals', 'state/orgs'].includes(path)
        ? `${path}/*`
        : path === ''
          ? key
          : `${path}/${key}`;
      return [key, shuffleManifest(item, random, logical)] as const;
    });
    return Object.fromEntries(shuffled(entries, random));
  }
  return value;
}

/**
 * A manifest in a form where only meaning is left: unordered lists sorted, object keys sorted,
 * and a list left out the same as an empty one (except a tool's dataClasses, where it means "unknown").
 */
function normalForm(value: unknown, path = ''): string {
  if (Array.isArray(value)) {
    const items = value.map((item) => normalForm(item, path === '' ? '[]' : `${path}/[]`));
    return `[${(UNORDERED.has(path) || path === 'stages/[]/exitCriteria' ? items.sort() : items).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([key, item]) => {
        const logical = path === '' ? key : `${path}/${key}`;
        return !(Array.isArray(item) && item.length === 0 && UNORDERED.has(logical) && logical !== 'inventory/tools/[]/dataClasses');
      })
      .map(([key, item]) => {
        const logical = ['metrics/sources', 'metrics/signals', 'state/orgs'].includes(path)
          ? `${path}/*`
          : path === ''
            ? key
            : `${path}/${key}`;
        return `${JSON.stringify(key)}:${normalForm(item, logical)}`;
      });
    return `{${entries.sort().join(',')}}`;
  }
  return JSON.stringify(value);
}

const id = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
const scope = fc.stringMatching(/^[a-z]{1,6}[:.](read|write|admin|list)$/);
const access = fc.constantFrom('read', 'write', 'admin');
const duration = fc.constantFrom('30s', '10m', '1h', '7d', '14d', '2w');

/** Manifests with many lists, maps and sets to match (valid or not: the diff never requires validity). */
const manifest = fc.record({
  version: fc.constant(1),
  agent: fc.record({ id, name: fc.string(), owner: id, model: fc.constantFrom('a/b', 'c/d') }),
  inventory: fc.record({
    credentials: fc.uniqueArray(
      fc.record(
        { id, kind: fc.constantFrom('api-token', 'oauth-client'), scopes: fc.uniqueArray(scope, { maxLength: 4 }), access },
        { requiredKeys: ['id', 'kind'] },
      ),
      { selector: (c) => c.id, maxLength: 8 },
    ),
    tools: fc.uniqueArray(
      fc.record(
        { id, kind: fc.constantFrom('mcp-server', 'http-api'), access, dataClasses: fc.uniqueArray(id, { maxLength: 3 }) },
        { requiredKeys: ['id', 'kind', 'access'] },
      ),
      { selector: (t) => t.id, maxLength: 8 },
    ),
    dataClasses: fc.uniqueArray(
      fc.record(
        { id, access: fc.constantFrom('read', 'write', 'read-write'), sensitive: fc.boolean() },
        { requiredKeys: ['id', 'access'] },
      ),
      { selector: (d) => d.id, maxLength: 5 },
    ),
    triggers: fc.uniqueArray(fc.record({ kind: fc.constantFrom('webhook', 'queue'), source: id }), {
      selector: (t) => `${t.kind} ${t.source}`,
      maxLength: 4,
    }),
  }),
  metrics: fc.record({
    signals: fc.dictionary(fc.stringMatching(/^[a-z_]{1,8}$/), fc.record({ source: id, query: fc.string() }), { maxKeys: 5 }),
    alerts: fc.uniqueArray(
      fc.record(
        {
          signal: fc.stringMatching(/^[a-z_]{1,8}$/),
          max: fc.double({ min: 0, max: 1, noNaN: true }),
          for: duration,
          action: fc.constantFrom('disable', 'pause', 'page', 'notify'),
        },
        { requiredKeys: ['signal', 'action'] },
      ),
      { selector: (a) => a.signal, maxLength: 4 },
    ),
  }),
  stages: fc.uniqueArray(
    fc.record(
      {
        id,
        audience: fc.record(
          {
            percent: fc.integer({ min: 0, max: 100 }),
            orgs: fc.uniqueArray(id, { maxLength: 3 }),
            users: fc.uniqueArray(fc.emailAddress(), { maxLength: 3 }),
          },
          { requiredKeys: [] },
        ),
        credentials: fc.uniqueArray(id, { maxLength: 3 }),
        governanceMode: fc.constantFrom('observe', 'enforce'),
        minDuration: duration,
        exitCriteria: fc.uniqueArray(
          fc.record(
            { id, signal: fc.stringMatching(/^[a-z_]{1,8}$/), max: fc.integer({ min: 0, max: 10 }), for: duration, observe: fc.boolean() },
            { requiredKeys: ['id'] },
          ),
          { selector: (c) => c.id, maxLength: 4 },
        ),
      },
      { requiredKeys: ['id', 'audience', 'governanceMode'] },
    ),
    { selector: (s) => s.id, minLength: 1, maxLength: 4 },
  ),
  rollback: fc.record({
    window: duration,
    steps: fc.uniqueArray(fc.record({ id, run: fc.array(fc.string(), { minLength: 1, maxLength: 3 }) }), {
      selector: (s) => s.id,
      minLength: 1,
      maxLength: 4,
    }),
    verify: fc.uniqueArray(
      fc.record({
        id,
        run: fc.array(fc.string(), { minLength: 1, maxLength: 2 }),
        expect: fc.record({ exitCode: fc.integer({ min: 0, max: 3 }) }),
      }),
      { selector: (p) => p.id, maxLength: 4 },
    ),
  }),
  state: fc.record({
    enabled: fc.boolean(),
    stage: id,
    orgs: fc.dictionary(
      id,
      fc.record({ enabled: fc.boolean(), governanceMode: fc.constantFrom('observe', 'enforce') }, { requiredKeys: [] }),
      { maxKeys: 4 },
    ),
  }),
});

describe('diff properties', () => {
  it('diff(a, a) is empty', () => {
    fc.assert(
      fc.property(manifest, (a) => {
        expect(diff(a, structuredClone(a)).changes).toEqual([]);
      }),
      { numRuns: fuzzRuns(0.2) },
    );
  });

  it('shuffling every id-keyed list, set and map (and every object key) gives no change', () => {
    fc.assert(
      fc.property(manifest, fc.integer(), (a, seed) => {
        const result = diff(a, shuffleManifest(a, seededRandom(seed)));
        expect(result.changes).toEqual([]);
        expect(result.summary.changes).toBe(0);
      }),
      { numRuns: fuzzRuns(0.2) },
    );
  });

  it('the bundled examples, shuffled any way, give no change', () => {
    fc.assert(
      fc.property(fc.constantFrom(...EXAMPLE_DOCS), fc.integer(), (a, seed) => {
        expect(diff(a, shuffleManifest(a, seededRandom(seed))).changes).toEqual([]);
      }),
      { numRuns: fuzzRuns(0.1) },
    );
  });

  it('diff(b, a) mirrors diff(a, b): what one adds the other removes, and the same things changed', () => {
    const tally = (result: DiffResult) => {
      const count = { added: 0, removed: 0, changed: 0 };
      for (const change of result.changes) count[change.kind]++;
      return count;
    };
    fc.assert(
      fc.property(manifest, manifest, (a, b) => {
        const forward = tally(diff(a, b));
        const backward = tally(diff(b, a));
        expect(forward).toEqual({ added: backward.removed, removed: backward.added, changed: backward.changed });
      }),
      { numRuns: fuzzRuns(0.2) },
    );
  });

  it('a different manifest is never "no change" unless only order differs', () => {
    fc.assert(
      fc.property(manifest, manifest, (a, b) => {
        fc.pre(normalForm(a) !== normalForm(b));
        expect(diff(a, b).changes.length).toBeGreaterThan(0);
      }),
      { numRuns: fuzzRuns(0.2) },
    );
  });
});
