import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { validateCommand } from '../../src/commands/validate.js';
import { parseManifest } from '../../src/manifest/load.js';
import { compileSchemaValidator } from '../../src/manifest/schema-compile.js';
import { validateLoaded } from '../../src/manifest/validate.js';
import { detectStyle, serializeJson } from '../../src/manifest/write.js';
import { capturingIo } from '../helpers/cli.js';
import { FUZZ_RUNS as RUNS, fuzzTimeout } from '../helpers/run-counts.js';

const TIMEOUT = fuzzTimeout(20);

const validator = compileSchemaValidator();
const supportText = readFileSync(new URL('../../examples/support-triage/rollout.json', import.meta.url), 'utf8');
const support = JSON.parse(supportText) as unknown;
const encoder = new TextEncoder();

function validate(text: string | Uint8Array) {
  const bytes = typeof text === 'string' ? encoder.encode(text) : text;
  return validateLoaded(parseManifest('fuzz.json', bytes), validator);
}

const folder = mkdtempSync(join(tmpdir(), 'agent-rollout-validate-fuzz-'));
const file = join(folder, 'rollout.json');
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** What a user sees from `agent-rollout validate rollout.json` on these bytes: the exit code and the text output. */
async function validateAsUser(content: string | Uint8Array): Promise<{ code: number; out: string; err: string }> {
  writeFileSync(file, content);
  const io = capturingIo({ cwd: folder, env: {} });
  const code = await validateCommand(['rollout.json'], { format: 'text' }, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

/** A finding as the text output shows it: `rollout.json:LINE:COLUMN error AR123 message`. */
const FINDING = /^rollout\.json:(\d+):(\d+) (error|warning) AR\d{3} \S/gm;

/**
 * The user's side of "never throws": validate ends with exit 0 (valid), 1 (findings) or 2 (not
 * readable as a manifest), and any exit but 0 comes with at least one error finding placed at
 * a line and column inside the file.
 */
function expectDiagnosed({ code, out, err }: { code: number; out: string; err: string }, content: string | Uint8Array): void {
  const text = typeof content === 'string' ? content : new TextDecoder().decode(content);
  const lines = text.split(/\r\n|[\n\r\u2028\u2029]/).length;
  expect([0, 1, 2], out + err).toContain(code);
  const findings = [...out.matchAll(FINDING)];
  for (const [, line, column] of findings) {
    expect(Number(line)).toBeGreaterThanOrEqual(1);
    expect(Number(line)).toBeLessThanOrEqual(lines);
    expect(Number(column)).toBeGreaterThanOrEqual(1);
  }
  if (code !== 0) expect(findings.filter((f) => f[3] === 'error').length, out).toBeGreaterThan(0);
  expect(out + err).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
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

describe('validate on any input: exit 0, 1 or 2, and a finding at a line and column for anything but 0', () => {
  it(
    `on random JSON values (${RUNS} cases)`,
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.jsonValue({ maxDepth: 6 }), async (value) => {
          const text = JSON.stringify(value);
          const seen = await validateAsUser(text);
          expectDiagnosed(seen, text);
          // Not one of these is a whole manifest.
          expect(seen.code).not.toBe(0);
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
    async () => {
      const bytes = encoder.encode(supportText);
      await fc.assert(
        fc.asyncProperty(
          fc.nat(bytes.length - 1),
          fc.integer({ min: 0, max: 255 }),
          fc.constantFrom('replace', 'insert', 'cut'),
          async (at, byte, how) => {
            let mutated: Uint8Array;
            if (how === 'cut') mutated = bytes.slice(0, at);
            else if (how === 'insert') {
              mutated = new Uint8Array(bytes.length + 1);
              mutated.set(bytes.subarray(0, at));
              mutated[at] = byte;
              mutated.set(bytes.subarray(at), at + 1);
            } else {
              mutated = bytes.slice();
              mutated[at] = byte;
            }
            expectDiagnosed(await validateAsUser(mutated), mutated);
          },
        ),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    `on arbitrary strings (${RUNS} cases)`,
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 200 }), async (text) => {
          const bytes = encoder.encode(text);
          const seen = await validateAsUser(bytes);
          expectDiagnosed(seen, bytes);
          expect(seen.code).not.toBe(0);
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
      { numRuns: RUNS },
    );
  });
});
