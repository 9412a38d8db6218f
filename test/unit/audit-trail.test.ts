import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, AuditInput } from '../../src/state/audit.js';
import { chainEntry, entryHash, verifyTrail, verifyTrailBytes } from '../../src/state/audit.js';
import { repairTrailTail } from '../../src/state/audit-file.js';
import { FUZZ_RUNS } from '../helpers/run-counts.js';

function input(index: number): AuditInput {
  return {
    at: `2026-12-01T10:00:${String(index).padStart(2, '0')}Z`,
    actor: index % 2 === 0 ? 'alice@example.com' : 'bob@example.com',
    action: index % 3 === 0 ? 'gate' : 'pause',
    before: index % 3 === 0 ? null : { enabled: true, stage: 'internal-pilot' },
    after: index % 3 === 0 ? null : { enabled: index % 2 === 0, stage: 'internal-pilot', paused: { reason: `r${index}`, at: 'x' } },
    reason: index % 4 === 0 ? null : `reason ${index} — naïve “quotes” \u2028`,
    manifestSha256: 'a'.repeat(64),
    details: { n: index, flags: [true, false], nested: { v: 1.5 } },
    tool: { name: 'agent-rollout', version: '0.1.0' },
  };
}

function buildTrail(count: number): { entries: AuditEntry[]; lines: string[]; text: string } {
  const entries: AuditEntry[] = [];
  for (let i = 0; i < count; i++) entries.push(chainEntry(input(i + 1), entries.at(-1)));
  const lines = entries.map((entry) => JSON.stringify(entry));
  return { entries, lines, text: `${lines.join('\n')}\n` };
}

/**
 * A trail as versions before sorted entries wrote it: the members in the order seq, at, actor…
 * hash, the objects inside as given. Still valid: it verifies by building the canonical form.
 */
function buildInsertionOrderTrail(count: number): string[] {
  const lines: string[] = [];
  let last: AuditEntry | undefined;
  for (let i = 0; i < count; i++) {
    const unhashed = { seq: (last?.seq ?? 0) + 1, ...input(i + 1), prev: last?.hash ?? null };
    last = { ...unhashed, hash: entryHash(unhashed) };
    lines.push(JSON.stringify(last));
  }
  return lines;
}

const joined = (lines: readonly string[]): string => `${lines.join('\n')}\n`;
const problemLines = (text: string): number[] => verifyTrail(text).problems.map((p) => p.line);
const messages = (text: string): string[] => verifyTrail(text).problems.map((p) => `${p.line}: ${p.message}`);

describe('verifyTrail: a clean trail', () => {
  it('has no problems and gives back every entry with its line', () => {
    const { text, entries } = buildTrail(6);
    const parsed = verifyTrail(text);
    expect(parsed.problems).toEqual([]);
    expect(parsed.entries).toEqual(entries);
    expect(parsed.lines).toEqual([1, 2, 3, 4, 5, 6]);
    expect(verifyTrail('')).toMatchObject({ entries: [], problems: [] });
  });

  it('chains seq 1, 2, 3 with prev the previous hash and hash over the canonical entry', () => {
    const { entries } = buildTrail(3);
    expect(entries.map((e) => [e.seq, e.prev])).toEqual([
      [1, null],
      [2, entries[0]?.hash],
      [3, entries[1]?.hash],
    ]);
    for (const entry of entries) expect(entryHash(entry)).toBe(entry.hash);
  });
});

describe('verifyTrail: every way to break the chain is found, on its line', () => {
  const { lines } = buildTrail(6);

  it('an edited line fails its own hash', () => {
    const edited = [...lines];
    edited[2] = (edited[2] as string).replace('bob@example.com', 'mallory@example.com');
    expect(messages(joined(edited))).toEqual(['3: entry seq 3 was edited: its hash does not match its content']);
  });

  it('an edited line whose hash was recomputed breaks the chain at the next line, naming the edited one', () => {
    const entry = JSON.parse(lines[2] as string) as AuditEntry;
    const forged = { ...entry, actor: 'mallory@example.com' };
    forged.hash = entryHash(forged);
    const edited = [...lines];
    edited[2] = JSON.stringify(forged);
    expect(messages(joined(edited))).toEqual([
      expect.stringMatching(/^4: the chain breaks before this line: prev is not the hash of line 3 \(line 3 was replaced/),
    ]);
  });

  it('a dropped line: the seq that is missing', () => {
    const dropped = lines.filter((_, i) => i !== 3);
    expect(messages(joined(dropped))).toEqual(['4: the chain breaks before this line: seq 4 is missing (a line was removed)']);
    const twoDropped = lines.filter((_, i) => i !== 1 && i !== 2);
    expect(messages(joined(twoDropped))).toEqual(['2: the chain breaks before this line: seq 2 to 3 are missing (2 lines were removed)']);
  });

  it('the first lines dropped', () => {
    expect(messages(joined(lines.slice(2)))).toEqual(['1: the first entry is seq 3 and its prev is not null: seq 1 to 2 were removed']);
    expect(messages(joined(lines.slice(1)))).toEqual(['1: the first entry is seq 2 and its prev is not null: seq 1 was removed']);
  });

  it('the last line dropped cannot be seen in the chain alone (the state check covers it)', () => {
    expect(problemLines(joined(lines.slice(0, -1)))).toEqual([]);
  });

  it('an inserted line (a forged entry with a valid hash) and a repeated line', () => {
    const forged = chainEntry(input(9), JSON.parse(lines[1] as string) as AuditEntry);
    const inserted = [...lines.slice(0, 2), JSON.stringify(forged), ...lines.slice(2)];
    expect(messages(joined(inserted))).toEqual([
      '4: the chain breaks before this line: seq 3 follows seq 2 on line 2, but line 3 comes between (a line was inserted or moved there)',
    ]);
    const repeated = [...lines.slice(0, 3), lines[2] as string, ...lines.slice(3)];
    expect(messages(joined(repeated))).toEqual(['4: this line repeats line 3 (seq 3)']);
  });

  it('two lines swapped: each line out of place is named', () => {
    const swapped = [...lines];
    [swapped[2], swapped[3]] = [swapped[3] as string, swapped[2] as string];
    expect(messages(joined(swapped))).toEqual([
      '3: the chain breaks before this line: seq 4 comes before seq 3 (line 4), the entry it follows: the lines were reordered',
      '4: the chain breaks before this line: seq 3 follows seq 2 on line 2, but line 3 comes between (a line was inserted or moved there)',
      '5: the chain breaks before this line: seq 5 follows seq 4 on line 3, but line 4 comes between (a line was inserted or moved there)',
    ]);
  });

  it('a cut-off last line, an empty line, a line that is not JSON, an object that is not an entry', () => {
    const text = joined(lines);
    expect(messages(text.slice(0, -20))).toEqual(['6: the last line is cut off (an interrupted write)']);
    expect(messages(joined([...lines.slice(0, 2), '', ...lines.slice(2)]))).toEqual(['3: an empty line (the trail has one entry a line)']);
    const broken = [...lines];
    broken[1] = (broken[1] as string).slice(0, 40);
    expect(messages(joined(broken))).toEqual(['2: not a JSON object (the line was edited or damaged)']);
    broken[1] = '{"seq":2,"hash":"x"}';
    expect(messages(joined(broken))[0]).toMatch(
      /^2: not an audit entry \(missing or malformed: at, actor, action, before, after, reason, manifestSha256, prev\)/,
    );
  });

  it('a reformatted line (same content, other bytes) and CRLF line ends', () => {
    const spaced = [...lines];
    spaced[0] = JSON.stringify(JSON.parse(lines[0] as string), null, 1).replace(/\n/g, '');
    expect(messages(joined(spaced))).toEqual(['1: entry seq 1 is not as agent-rollout wrote it (reformatted or re-encoded)']);
    expect(messages(lines.map((l) => `${l}\r\n`).join(''))[0]).toMatch(/^1: the line ends with a carriage return \(CRLF\)/);
  });
});

describe('verifyTrail: entries written sorted, and lines written before that', () => {
  it('writes each entry as its canonical JSON: keys sorted at every level, the hash among them', () => {
    const { lines } = buildTrail(3);
    expect(lines[0]).toMatch(
      /^\{"action":"pause","actor":"bob@example.com","after":\{"enabled":false,"paused":\{"at":"x","reason":"r1"\},"stage":"internal-pilot"\},"at":/,
    );
    expect(lines[0]).toMatch(/,"details":\{"flags":\[true,false\],"n":1,"nested":\{"v":1.5\}\},"hash":"[0-9a-f]{64}","manifestSha256":/);
  });

  it('a trail written in the earlier member order verifies, alone and followed by sorted entries', () => {
    const old = buildInsertionOrderTrail(4);
    expect(old[0]).toMatch(/^\{"seq":1,"at":/);
    expect(verifyTrail(joined(old)).problems).toEqual([]);
    const entries = old.map((line) => JSON.parse(line) as AuditEntry);
    const next = chainEntry(input(5), entries.at(-1));
    const mixed = [...old, JSON.stringify(next)];
    expect(verifyTrail(joined(mixed)).problems).toEqual([]);
    expect(verifyTrail(joined(mixed)).entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('an edit to a line in the earlier order fails its hash there too', () => {
    const old = buildInsertionOrderTrail(3);
    old[1] = (old[1] as string).replace('"actor":"alice@example.com"', '"actor":"mallory@example.com"');
    expect(messages(joined(old))).toEqual(['2: entry seq 2 was edited: its hash does not match its content']);
  });

  it('a nested "hash" member with the entry\'s own hash, placed before the real one, is an edit', () => {
    const { lines } = buildTrail(2);
    const first = JSON.parse(lines[0] as string) as AuditEntry;
    // The hash is looked for as text; the first match is now the nested one, which is not what was hashed.
    const forged = (lines[0] as string).replace('"details":{', `"details":{"hash":"${first.hash}",`);
    expect(forged.indexOf(`"hash":"${first.hash}",`)).toBeLessThan(forged.lastIndexOf(`"hash":"${first.hash}",`));
    expect(messages(joined([forged, lines[1] as string]))).toEqual(['1: entry seq 1 was edited: its hash does not match its content']);
  });

  it('members in another order, at the top or inside: the same content, so the line verifies (by building the canonical form)', () => {
    const { lines } = buildTrail(2);
    const { seq, ...rest } = JSON.parse(lines[0] as string) as AuditEntry;
    const moved = JSON.stringify({ seq, ...rest });
    const nested = (lines[1] as string).replace('"flags":[true,false],"n":2', '"n":2,"flags":[true,false]');
    expect(nested).not.toBe(lines[1]);
    expect(messages(joined([moved, nested]))).toEqual([]);
  });
});

describe('verifyTrail: property', () => {
  const { lines } = buildTrail(8);

  it('any single changed line fails verify, and a problem names that line', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: lines.length - 1 }),
        fc.oneof(
          // any text at all in place of the line
          fc.string({ maxLength: 400 }).map((s) => () => s.replace(/\n/g, '')),
          // one character replaced, inserted or deleted somewhere in the line
          fc
            .tuple(fc.nat(), fc.string({ minLength: 1, maxLength: 3 }), fc.constantFrom('replace', 'insert', 'delete'))
            .map(([at, s, how]) => (line: string) => {
              const i = at % (line.length + 1);
              const clean = s.replace(/\n/g, ' ');
              if (how === 'insert') return line.slice(0, i) + clean + line.slice(i);
              if (how === 'delete') return line.slice(0, i) + line.slice(i + 1);
              return line.slice(0, i) + clean + line.slice(i + clean.length);
            }),
          // one value inside the entry changed, the line re-serialized
          fc
            .tuple(
              fc.constantFrom(
                'seq',
                'at',
                'actor',
                'action',
                'before',
                'after',
                'reason',
                'manifestSha256',
                'details',
                'tool',
                'prev',
                'hash',
              ),
              fc.jsonValue(),
            )
            .map(
              ([field, value]) =>
                (line: string) =>
                  JSON.stringify({ ...(JSON.parse(line) as object), [field]: value }),
            ),
        ),
        (index, change) => {
          const original = lines[index] as string;
          const changed = change(original);
          fc.pre(changed !== original);
          const edited = [...lines];
          edited[index] = changed;
          const found = problemLines(joined(edited));
          expect(found.length).toBeGreaterThan(0);
          expect(found).toContain(index + 1);
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
  });
});

describe('verifyTrailBytes (the file read line by line) agrees with verifyTrail (the file decoded whole)', () => {
  const { lines } = buildTrail(6);
  const text = joined(lines);

  it('on a trail with lines edited, cut, doubled, emptied, made CRLF or invalid UTF-8, byte by byte', () => {
    const bytes = Buffer.from(text, 'utf8');
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.nat({ max: bytes.length }),
            fc.constantFrom(0x0a, 0x0d, 0xc3, 0xe2, 0x82, 0xff, 0x22, 0x7b, 0x20, 0x00),
            fc.constantFrom('insert', 'replace', 'cut'),
          ),
          { maxLength: 6 },
        ),
        (edits) => {
          let edited = Buffer.from(bytes);
          for (const [at, byte, how] of edits) {
            const i = Math.min(at, edited.length);
            edited =
              how === 'cut'
                ? edited.subarray(0, i)
                : how === 'insert'
                  ? Buffer.concat([edited.subarray(0, i), Buffer.from([byte]), edited.subarray(i)])
                  : Buffer.concat([edited.subarray(0, i), Buffer.from([byte]), edited.subarray(i + 1)]);
          }
          expect(verifyTrailBytes(edited)).toEqual(verifyTrail(edited.toString('utf8')));
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('on the clean trail, an empty one, and one with no final newline', () => {
    expect(verifyTrailBytes(Buffer.from(text))).toEqual(verifyTrail(text));
    expect(verifyTrailBytes(Buffer.alloc(0))).toEqual(verifyTrail(''));
    expect(verifyTrailBytes(Buffer.from(text.slice(0, -1)))).toEqual(verifyTrail(text.slice(0, -1)));
    expect(verifyTrail(text).problems).toEqual([]);
  });
});

describe('repairTrailTail', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agent-rollout-trail-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('removes a cut-off last line, completes a whole one, leaves a clean trail alone', async () => {
    const { text } = buildTrail(3);
    const path = join(dir, 'rollout.audit.jsonl');
    await writeFile(path, text.slice(0, -30));
    expect(await repairTrailTail(path)).toBe('removed');
    const repaired = await readFile(path, 'utf8');
    expect(repaired).toBe(`${text.split('\n').slice(0, 2).join('\n')}\n`);
    expect(verifyTrail(repaired).problems).toEqual([]);

    await writeFile(path, text.slice(0, -1));
    expect(await repairTrailTail(path)).toBe('completed');
    expect(await readFile(path, 'utf8')).toBe(text);

    expect(await repairTrailTail(path)).toBe('none');
    expect(await repairTrailTail(join(dir, 'missing.jsonl'))).toBe('none');
  });
});
