import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/manifest/load.js';
import { ruleMeta } from '../../src/manifest/rules/catalog.js';
import { REQUIRED_PROPERTY_DOCS } from '../../src/manifest/schema-check.js';
import type { SchemaValidator } from '../../src/manifest/schema-check.js';
import { readSchema } from '../../src/manifest/schema-compile.js';
import { loadSchemaValidator } from '../../src/manifest/schema-validator.js';
import { validateLoaded } from '../../src/manifest/validate.js';
import { ROOT } from '../helpers/cli.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

let validator: SchemaValidator;
const example = JSON.parse(readFileSync(join(ROOT, 'examples', 'support-triage', 'rollout.json'), 'utf8')) as Json;

beforeAll(async () => {
  validator = await loadSchemaValidator();
});

function findings(document: Json) {
  const loaded = parseManifest('rollout.json', new TextEncoder().encode(JSON.stringify(document, null, 2)));
  return validateLoaded(loaded, validator).diagnostics;
}

/** Every (path, value) of a document's leaves and containers. */
function walk(value: Json, path: (string | number)[] = []): [(string | number)[], Json][] {
  const here: [(string | number)[], Json][] = [[path, value]];
  if (Array.isArray(value)) return here.concat(value.flatMap((item, i) => walk(item, [...path, i])));
  if (value && typeof value === 'object') return here.concat(Object.entries(value).flatMap(([k, v]) => walk(v, [...path, k])));
  return here;
}

function withValue(document: Json, path: (string | number)[], replace: (old: Json) => Json | undefined): Json {
  const copy = structuredClone(document);
  let node = copy as Record<string | number, Json>;
  for (const segment of path.slice(0, -1)) node = node[segment] as Record<string | number, Json>;
  const last = path.at(-1)!;
  const next = replace(node[last]!);
  if (next === undefined) {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else delete node[last];
  } else node[last] = next;
  return copy;
}

describe('schema findings say what to write', () => {
  it('no schema finding falls back to the generic hint, over every wrong type, removal and emptying of the example', () => {
    const generic = ruleMeta('AR100').help;
    const offenders: string[] = [];
    const mutations: ((old: Json) => Json | undefined)[] = [
      (old) => (typeof old === 'string' ? 12 : typeof old === 'number' ? 'twelve' : typeof old === 'boolean' ? 'yes' : 'text'),
      () => undefined,
      (old) => (Array.isArray(old) ? [] : old && typeof old === 'object' ? {} : typeof old === 'string' ? '' : -1),
    ];
    let checked = 0;
    for (const [path] of walk(example)) {
      if (path.length === 0 || path[0] === 'version' || path[0] === '$schema') continue;
      for (const mutate of mutations) {
        for (const d of findings(withValue(example, path, mutate))) {
          if (d.rule !== 'AR100') continue;
          checked += 1;
          if (d.hint === generic || d.hint.trim() === '') offenders.push(`${path.join('.')}: ${d.message}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(200);
    expect(offenders).toEqual([]);
  });

  it('a malformed duration is one finding that says what a duration takes; only a well-formed one is "longer than 100 years"', () => {
    const durationHint =
      'it takes a Prometheus-style duration: a number and a unit (ms, s, m, h, d, w, y), e.g. 30s, 10m, 12h, 7d, 2w, or a sum such as 1h30m; at most 100 years';
    const at = (value: string) =>
      findings(withValue(example, ['rollback', 'window'], () => value))
        .filter((d) => d.pointer === '/rollback/window')
        .map((d) => ({ rule: d.rule, message: d.message, hint: d.hint }));
    for (const value of ['ten minutes', '15 seconds', 'abc', '30 s', '-5s', '1.5h', '']) {
      expect(at(value), value).toEqual([
        { rule: 'AR100', message: `rollback.window is ${JSON.stringify(value)}, which is not a duration`, hint: durationHint },
      ]);
    }
    expect(at('200y')).toEqual([
      { rule: 'AR100', message: 'rollback.window is "200y", which is longer than 100 years', hint: durationHint },
    ]);
    expect(at('99y')).toEqual([]);
  });

  it('a number in quotes says to drop them', () => {
    const number = findings(withValue(example, ['inventory', 'costEnvelope', 'usdPerInvocation'], () => '0.05')).find(
      (d) => d.pointer === '/inventory/costEnvelope/usdPerInvocation',
    );
    expect(number?.hint).toBe('write 0.05 without the quotes: it is a number');
  });

  it('a missing required property says what it holds, including those required inside if/then', () => {
    const triggers = (example as { inventory: { triggers: Json[] } }).inventory.triggers;
    const webhook = triggers.findIndex((t) => (t as { kind: string }).kind === 'webhook');
    const source = findings(withValue(example, ['inventory', 'triggers', webhook, 'source'], () => undefined)).find((d) =>
      d.message.includes('"source"'),
    );
    expect(source?.hint).toMatch(/^add "source": where the trigger comes from/);
  });

  it('every property the schema requires without describing it where it is required has words in REQUIRED_PROPERTY_DOCS', () => {
    const missing = new Set<string>();
    const visit = (node: unknown, inherited: Record<string, unknown>): void => {
      if (!node || typeof node !== 'object') return;
      const n = node as Record<string, unknown>;
      const properties = (n['properties'] as Record<string, Record<string, unknown>> | undefined) ?? undefined;
      if (Array.isArray(n['required']))
        for (const name of n['required'] as string[]) {
          const declared = properties?.[name] ?? (inherited[name] as Record<string, unknown> | undefined);
          if (typeof declared?.['description'] !== 'string' && REQUIRED_PROPERTY_DOCS[name] === undefined) missing.add(name);
        }
      for (const [key, value] of Object.entries(n)) {
        if (key === 'if' || key === 'not') continue;
        visit(value, key === 'properties' ? {} : { ...inherited, ...(properties ?? {}) });
      }
    };
    visit(readSchema(), {});
    expect([...missing]).toEqual([]);
  });

  it('a token pasted into secretRef is one finding (AR103), not also AR104', () => {
    const token = 'ghp_' + 'Zx9Qw8Er7Ty6'.repeat(3);
    const found = findings(withValue(example, ['inventory', 'credentials', 0, 'secretRef'], () => token)).filter(
      (d) => d.pointer === '/inventory/credentials/0/secretRef',
    );
    expect(found.map((d) => d.rule)).toEqual(['AR103']);
    // Not a secret, just not a reference: AR104 still says so.
    const plain = findings(withValue(example, ['inventory', 'credentials', 0, 'secretRef'], () => 'MY_TOKEN')).filter(
      (d) => d.pointer === '/inventory/credentials/0/secretRef',
    );
    expect(plain.map((d) => d.rule)).toEqual(['AR104']);
  });
});
