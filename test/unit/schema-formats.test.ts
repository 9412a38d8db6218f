import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FUZZ_RUNS as RUNS } from '../helpers/run-counts.js';

const require = createRequire(import.meta.url);
const formats = require('../../schemas/formats.cjs') as { uri: (s: string) => boolean; 'date-time': (s: string) => boolean };
// ajv-formats, what the schema's formats were checked with before: the reference for date-time.
const reference = (require('ajv-formats/dist/formats') as { fullFormats: Record<string, { validate: (s: string) => boolean }> })
  .fullFormats;

const two = fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(2, '0'));

/** Strings shaped like date-times, near and across every boundary the check has. */
const dateTimeLike = fc
  .tuple(
    fc.constantFrom('2024', '2026', '1900', '2000', '0000', '99999'),
    fc.constantFrom('00', '01', '02', '12', '13', '1'),
    fc.constantFrom('00', '01', '28', '29', '30', '31', '32'),
    fc.constantFrom('T', 't', ' ', '\t', '_', ''),
    fc.oneof(two, fc.constantFrom('23', '24')),
    fc.oneof(two, fc.constantFrom('59', '60')),
    fc.oneof(two, fc.constantFrom('59', '60', '61', '60.5', '59.999')),
    fc.constantFrom('Z', 'z', '', '+01:00', '-01:00', '+0100', '+01', '+24:00', '-00:60', '+23:59', '-23:59', 'Zx'),
  )
  .map(([y, mo, d, sep, h, mi, s, tz]) => `${y}-${mo}-${d}${sep}${h}:${mi}:${s}${tz}`);

describe('schemas/formats.cjs', () => {
  it('date-time accepts exactly what ajv-formats accepted, on date-time-shaped and arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(dateTimeLike, fc.string()), (value) => {
        expect(formats['date-time'](value), value).toBe(reference['date-time']?.validate(value));
      }),
      { numRuns: RUNS },
    );
  });

  it('date-time: a calendar day, a time zone, and a leap second only at 23:59 UTC', () => {
    expect(
      ['2026-11-16T09:00:00Z', '2024-02-29T09:00:00.5+01:00', '2026-12-31T23:59:60Z', '2026-12-31T22:59:60-01:00'].map(
        formats['date-time'],
      ),
    ).toEqual([true, true, true, true]);
    expect(
      ['2026-02-29T09:00:00Z', '2026-11-16T09:00:00', '2026-11-16T09:00:60Z', '2026-11-31T09:00:00Z', '16/11/2026 09:00'].map(
        formats['date-time'],
      ),
    ).toEqual([false, false, false, false, false]);
  });

  it('uri: an absolute URL the URL parser reads, without whitespace or control characters', () => {
    expect(['http://127.0.0.1:9090', 'https://prometheus.example.com/api?x=1#y', 'HTTP://EXAMPLE.COM'].map(formats.uri)).toEqual([
      true,
      true,
      true,
    ]);
    expect(
      ['127.0.0.1:9090', 'http://', 'http://a b', 'https://x.example.com/a b', 'http://x/\u0007', '//example.com', ''].map(formats.uri),
    ).toEqual([false, false, false, false, false, false, false]);
  });
});
