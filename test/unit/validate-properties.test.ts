import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/manifest/load.js';
import { compileSchemaValidator } from '../../src/manifest/schema-compile.js';
import { validateLoaded } from '../../src/manifest/validate.js';
import { detectStyle, serializeJson } from '../../src/manifest/write.js';

/** Cases per property: at least 10,000 in npm test; `npm run fuzz` raises it. */
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 10_000);
const TIMEOUT = Math.max(120_000, RUNS * 20);

const validator = compileSchemaValidator();
const supportText = readFileSync(new URL('../../examples/support-triage/rollout.json', import.meta.url), 'utf8');
const support = JSON.parse(supportText) as unknown;
const encoder = new TextEncoder();

function validate(text: string | Uint8Array) {
  const bytes = typeof text === 'string' ? encoder.encode(text) : text;
  return validateLoaded(parseManifest('fuzz.json', bytes), validator);
}

/** Every path (as segments) to a value inside a document. */
function paths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  const found = [at];
  if (Array.isArray(value)) value.forEach((item, i) => found.push(...paths(item, [...at, i])));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) found.push(...paths(v, [...at, k]));
  return found;
}
const supportPaths = paths(support).filter((p) => p.length > 0);

/** Replaces the value at a path. */
function replaceAt(document: unknown, path: (string | number)[], replacement: unknown): unknown {
  const copy = structuredClone(document) as Record<string | number, unknown>;
  let node = copy;
  for (const segment of path.slice(0, -1)) node = node[segment] as Record<string | number, unknown>;
  node[path.at(-1) as string | number] = replacement;
  return copy;
}

describe('the loader and validate never throw: any input gives diagnostics, not a crash', () => {
  it(
    `on random JSON values (${RUNS} cases)`,
    () => {
      fc.assert(
        fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
          const result = validate(JSON.stringify(value));
          expect(result.usable || result.diagnostics.length > 0).toBe(true);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    `on the support example with one value replaced by anything (${RUNS} cases)`,
    () => {
      fc.assert(
        fc.property(fc.constantFrom(...supportPaths), fc.jsonValue({ maxDepth: 3 }), (path, replacement) => {
          const result = validate(JSON.stringify(replaceAt(support, path, replacement), null, 2));
          for (const d of result.diagnostics) {
            expect(d.line).toBeGreaterThan(0);
            expect(d.column).toBeGreaterThan(0);
            expect(typeof d.message).toBe('string');
          }
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    `on the support example's text with bytes changed, inserted or cut (${RUNS} cases)`,
    () => {
      const bytes = encoder.encode(supportText);
      fc.assert(
        fc.property(
          fc.nat(bytes.length - 1),
          fc.integer({ min: 0, max: 255 }),
          fc.constantFrom('replace', 'insert', 'cut'),
          (at, byte, how) => {
            const mutated =
              how === 'cut'
                ? bytes.slice(0, at)
                : how === 'insert'
                  ? new Uint8Array([...bytes.slice(0, at), byte, ...bytes.slice(at)])
                  : bytes.map((b, i) => (i === at ? byte : b));
            const result = validate(mutated);
            expect(result.diagnostics.every((d) => d.line >= 1)).toBe(true);
          },
        ),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    `on arbitrary strings (${RUNS} cases)`,
    () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
          validate(text);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );
});

describe('writing a manifest and reading it back gives the same document', () => {
  it('in any indentation, line ending and with or without a BOM or final newline', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('  ', '    ', '\t'),
        fc.constantFrom('\n' as const, '\r\n' as const),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom(...supportPaths),
        fc.jsonValue({ maxDepth: 2 }),
        (indent, eol, bom, finalNewline, path, replacement) => {
          const document = replaceAt(support, path, replacement);
          const text = serializeJson(document, { indent, eol, bom, finalNewline });
          const loaded = parseManifest('roundtrip.json', encoder.encode(text));
          expect(loaded.value).toEqual(JSON.parse(JSON.stringify(document)));
          expect(detectStyle(text)).toEqual({ indent, eol, bom, finalNewline });
          expect(serializeJson(loaded.value, detectStyle(text))).toBe(text);
        },
      ),
      { numRuns: Math.min(RUNS, 2_000) },
    );
  });
});
