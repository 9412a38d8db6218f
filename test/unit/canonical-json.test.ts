import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/state/audit.js';
import { entryHash } from '../../src/state/audit.js';
import { canonicalJson, inSortedOrder, sortedCopy } from '../../src/state/canonical-json.js';
import { FUZZ_RUNS } from '../helpers/run-counts.js';

/** An entry as a trail line holds it: any JSON, with a `hash` at the top and maybe deeper. */
const parsedEntry = fc
  .record({
    seq: fc.integer({ min: 1 }),
    at: fc.string(),
    before: fc.jsonValue(),
    after: fc.jsonValue(),
    details: fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('hash', '__proto__', '10', '9', 'é', 'Z')), fc.jsonValue()),
    hash: fc.string(),
  })
  .map((entry) => JSON.parse(JSON.stringify(entry)) as Record<string, unknown>);

describe('canonicalJson with a member left out', () => {
  it('gives the same bytes as the canonical form of a copy without that member, and entryHash the same SHA-256', () => {
    fc.assert(
      fc.property(parsedEntry, (entry) => {
        const { hash: _hash, ...rest } = entry;
        const copied = canonicalJson(rest);
        expect(canonicalJson(entry, 'hash')).toBe(copied);
        expect(entryHash(entry as unknown as AuditEntry)).toBe(createHash('sha256').update(copied).digest('hex'));
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('leaves out only the top-level member: one of the same name deeper stays', () => {
    expect(canonicalJson({ hash: 'x', b: { hash: 'y', a: 1 } }, 'hash')).toBe('{"b":{"a":1,"hash":"y"}}');
  });
});

/** JSON data with objects whose keys come in any order, integer-like and "__proto__" among them. */
const anyOrder = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.constant(null), fc.boolean(), fc.double(), fc.string(), tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc
    .array(fc.tuple(fc.oneof(fc.string({ maxLength: 3 }), fc.constantFrom('__proto__', '10', '9', 'a', 'b', 'é')), tie('value')), {
      maxLength: 5,
    })
    .map((pairs) => JSON.parse(`{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}`).join(',')}}`) as unknown),
})).value;

describe('the sorted fast path (how an audit line is hashed as written)', () => {
  it('inSortedOrder says yes only when JSON.stringify already writes the canonical form', () => {
    fc.assert(
      fc.property(anyOrder, (value) => {
        if (inSortedOrder(value)) expect(JSON.stringify(value)).toBe(canonicalJson(value));
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('sortedCopy keeps the content (the same canonical form), and without integer-like keys is written canonical', () => {
    fc.assert(
      fc.property(anyOrder, (value) => {
        const copy = sortedCopy(value);
        expect(canonicalJson(copy)).toBe(canonicalJson(value));
        if (!/"\d+":/.test(JSON.stringify(value) ?? '')) {
          expect(inSortedOrder(copy)).toBe(true);
          expect(JSON.stringify(copy)).toBe(canonicalJson(value));
        }
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('says no to what JSON.stringify writes differently, and keeps "__proto__" as data', () => {
    expect(inSortedOrder({ b: 1, a: 2 })).toBe(false);
    expect(inSortedOrder({ a: undefined })).toBe(false);
    expect(inSortedOrder([undefined])).toBe(false);
    expect(inSortedOrder({ a: new Date(0) })).toBe(false);
    expect(inSortedOrder({ 9: 1, 10: 2 })).toBe(false);
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = { a: deep };
    expect(inSortedOrder(deep)).toBe(false);
    expect(canonicalJson(deep)).toBe(JSON.stringify(deep));
    const copy = sortedCopy(JSON.parse('{"z":1,"__proto__":{"polluted":true}}') as Record<string, unknown>);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(JSON.stringify(copy)).toBe('{"__proto__":{"polluted":true},"z":1}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
