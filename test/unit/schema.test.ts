import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateTypes } from '../../scripts/generate-types.js';
import { compileSchemaValidator, readSchema } from '../../src/manifest/schema-compile.js';

type Node = Record<string, unknown>;

/** Every (pointer, subschema) under a `properties` keyword, anywhere in the schema. */
function propertySchemas(node: unknown, at = '#'): [string, Node][] {
  if (node === null || typeof node !== 'object') return [];
  const found: [string, Node][] = [];
  for (const [key, value] of Object.entries(node as Node)) {
    if (key === 'properties' && value && typeof value === 'object') {
      for (const [name, sub] of Object.entries(value as Node)) {
        if (sub && typeof sub === 'object') found.push([`${at}/properties/${name}`, sub as Node]);
      }
    }
    found.push(...propertySchemas(value, `${at}/${key}`));
  }
  return found;
}

describe('schemas/rollout.v1.schema.json', () => {
  const schema = readSchema();
  const defs = schema['$defs'] as Record<string, Node>;

  it('is JSON Schema 2020-12 with an $id', () => {
    expect(schema['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema['$id']).toMatch(/^https:\/\/.+rollout\.v1\.schema\.json$/);
  });

  it('has a title and a description on every property (editors show them)', () => {
    const missing: string[] = [];
    for (const [pointer, sub] of propertySchemas(schema)) {
      // Inside if/then branches, `"type": true` only re-admits a property declared beside them.
      if (Object.keys(sub).length === 0) continue;
      // Properties inside an `if` are conditions on a property declared elsewhere, not declarations.
      if (pointer.includes('/if/')) continue;
      let documented = sub;
      if (typeof sub['$ref'] === 'string' && (sub['title'] === undefined || sub['description'] === undefined)) {
        documented = defs[(sub['$ref'] as string).replace('#/$defs/', '')] ?? {};
      }
      if (typeof documented['title'] !== 'string' || typeof documented['description'] !== 'string') missing.push(pointer);
    }
    expect(missing).toEqual([]);
  });

  it('closes every object that has declared properties, so a typo is caught', () => {
    const open: string[] = [];
    const visit = (node: unknown, at: string): void => {
      if (node === null || typeof node !== 'object') return;
      const n = node as Node;
      if (n['properties'] && n['additionalProperties'] === undefined && !at.includes('/if')) open.push(at);
      for (const [key, value] of Object.entries(n)) visit(value, `${at}/${key}`);
    };
    visit(schema, '#');
    expect(open).toEqual([]);
  });

  it('compiles in strict mode', () => {
    expect(() => compileSchemaValidator()).not.toThrow();
  });

  it('checks "format": "uri" and "date-time" when compiled at run time too (schemas/formats.cjs)', () => {
    const validate = compileSchemaValidator();
    const example = JSON.parse(readFileSync(new URL('../../examples/support-triage/rollout.json', import.meta.url), 'utf8')) as any;
    expect(validate(example)).toBe(true);
    const failedFormats = (change: (doc: any) => void): string[] => {
      const doc = structuredClone(example);
      change(doc);
      expect(validate(doc)).toBe(false);
      return (validate.errors ?? []).filter((e) => e.keyword === 'format').map((e) => `${e.instancePath} ${String(e.params['format'])}`);
    };
    for (const url of ['127.0.0.1:9090', 'http://', 'http://prometheus internal:9090', 'http://x/\u0007']) {
      expect(failedFormats((doc) => (doc.metrics.sources.prom.url = url))).toEqual(['/metrics/sources/prom/url uri']);
    }
    expect(failedFormats((doc) => (doc.state.since = '2026-11-16 09:00'))).toEqual(['/state/since date-time']);
  });

  it('and src/manifest/schema-types.ts cannot drift: the committed types equal a fresh generation', async () => {
    const committed = readFileSync(new URL('../../src/manifest/schema-types.ts', import.meta.url), 'utf8');
    expect(committed, 'run `npm run gen:types` after changing the schema').toBe(await generateTypes());
  });
});
