import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/state/audit.js';
import { entryHash } from '../../src/state/audit.js';
import { canonicalJson } from '../../src/state/canonical-json.js';
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
