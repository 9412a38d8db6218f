import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRedactor, secretForms } from '../../src/manifest/redactor.js';
import { fuzzRuns, fuzzTimeout } from '../helpers/run-counts.js';

const secretArb = fc.string({ unit: 'grapheme', minLength: 8, maxLength: 40 }).filter((s) => s.length >= 8);
const framing = fc.string({ unit: 'grapheme', maxLength: 12 });

/** Whether any stretch of `bytes` long enough to matter (6 bytes) can still be decoded from the text. */
function leaks(text: string, secret: string): boolean {
  return secretForms(secret).some((form) => text.includes(form));
}

describe('the redactor', () => {
  it(
    'redacts a known secret embedded anywhere in base64, base64url, hex or URL-encoded text, at every alignment',
    () => {
      fc.assert(
        fc.property(secretArb, framing, framing, (secret, before, after) => {
          const redactor = createRedactor([secret]);
          const bytes = Buffer.from(`${before}${secret}${after}`, 'utf8');
          for (const encoded of [
            bytes.toString('base64'),
            bytes.toString('base64url'),
            bytes.toString('hex'),
            bytes.toString('hex').toUpperCase(),
            encodeURIComponent(`${before}${secret}${after}`),
            `${before}${secret}${after}`,
          ]) {
            const out = redactor.text(encoded);
            expect(out).toContain('[REDACTED]');
            expect(leaks(out, secret)).toBe(false);
          }
        }),
        { numRuns: fuzzRuns(0.5) },
      );
    },
    fuzzTimeout(5),
  );

  it('redacts provider token shapes nobody declared, and leaves hashes, ids and short values alone', () => {
    const redactor = createRedactor(['short']);
    const token = `ghp_${'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'}`;
    expect(redactor.text(`token ${token} here`)).toBe('token [REDACTED] here');
    expect(redactor.text(`AKIA${'Q3Z7W2X9Y4V8U1T6'} and xoxb-1234567890-abcdefghij`)).toBe('[REDACTED] and [REDACTED]');
    const hash = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    expect(redactor.text(`sha256 ${hash}, zendesk-ro, short`)).toBe(`sha256 ${hash}, zendesk-ro, short`);
  });

  it('redacts the token after an auth scheme, and every string of a record, keys included, without copying samples', () => {
    const redactor = createRedactor(['Bearer tok-9f8e7d6c5b4a']);
    const points = [
      [1, 2],
      [3, 4],
    ];
    const value = { a: ['x tok-9f8e7d6c5b4a y'], b: { 'tok-9f8e7d6c5b4a': 1 }, points };
    const out = redactor.deep(value);
    expect(out).toEqual({ a: ['x [REDACTED] y'], b: { '[REDACTED]': 1 }, points });
    expect(out.points[0]).toBe(points[0]);
  });

  it('replaces every occurrence, longest first, overlapping values as one marker, values literally', () => {
    const text = (input: string, secrets: string[]): string => createRedactor(secrets).text(input);
    expect(text('a s3cr3t-value b s3cr3t-values3cr3t-value', ['s3cr3t-value'])).toBe('a [REDACTED] b [REDACTED][REDACTED]');
    const short = 'abcd1234';
    const long = 'abcd1234efgh5678';
    expect(text(`x ${long} y ${short} z`, [short, long])).toBe('x [REDACTED] y [REDACTED] z');
    expect(text(`x ${long} y ${short} z`, [long, short])).toBe('x [REDACTED] y [REDACTED] z');
    expect(text('--abcdefghijkl--', ['abcdefghij', 'defghijkl'])).toBe('--[REDACTED]--');
    expect(text('token=s3cretvalue', ['s3cretvalue', '[REDACTED]'])).toBe('token=[REDACTED]');
    expect(text('a.b*c+d.e a_b_c_d_e', ['a.b*c+d.e'])).toBe('[REDACTED] a_b_c_d_e');
  });

  it('ignores known values shorter than 8 characters and leaves unrelated text alone', () => {
    expect(createRedactor(['', '1', '12', '1234567']).text('exit 1 after 1234567 tries')).toBe('exit 1 after 1234567 tries');
    const text = 'rollout of support-triage to 25%: ok\nnext stage in 1h';
    expect(createRedactor(['not-present-anywhere']).text(text)).toBe(text);
    expect(createRedactor([]).text('')).toBe('');
  });
});
