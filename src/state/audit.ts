/**
 * The audit trail as data: what an entry holds, how entries chain (each carries the hash of the
 * one before), and how a trail's text verifies. Pure; src/state/audit-file.ts reads and appends
 * the file.
 */
import * as crypto from 'node:crypto';
import { canonicalJson, inSortedOrder, sortedCopy } from './canonical-json.js';

/** SHA-256 in hex: `crypto.hash` where Node has it (20.12 and later; one call, no Hash object), else createHash. */
const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text).digest('hex');

/**
 * One line of rollout.audit.jsonl. State-changing actions carry the whole `state` section
 * before and after; recorded results (gate, drill, guardrails) carry `before`/`after` null and
 * their result in `details`.
 */
export interface AuditEntry {
  seq: number;
  /** UTC, RFC 3339. */
  at: string;
  actor: string;
  /** e.g. init, advance, pause, resume, enable, disable, rollback, org, mode, gate, drill, guardrails */
  action: string;
  before: unknown;
  after: unknown;
  reason: string | null;
  /** SHA-256 of the manifest file after the change. */
  manifestSha256: string;
  /** Extra facts: flags (forced, emergency), a gate's verdict, a drill's report path. */
  details?: Record<string, unknown>;
  tool: { name: string; version: string };
  /** The previous entry's hash; null for the first entry. */
  prev: string | null;
  /** SHA-256 of this entry's canonical JSON without `hash`. */
  hash: string;
}

/** What a caller supplies; seq, prev and hash are the trail's to assign. */
export type AuditInput = Omit<AuditEntry, 'seq' | 'prev' | 'hash'>;

/** The hash an entry must carry. */
export function entryHash(entry: Omit<AuditEntry, 'hash'> | AuditEntry): string {
  return sha256Hex(canonicalJson(entry, 'hash'));
}

/**
 * Chains an input onto the trail: the next seq, the last entry's hash as prev, its own hash. The
 * entry has its keys sorted at every level, so its line (`JSON.stringify`) is its canonical JSON
 * and verifying hashes the line as it stands (`writtenCanonical`). The content, and so the hash,
 * is what it would be in any order.
 */
export function chainEntry(input: AuditInput, last: AuditEntry | undefined): AuditEntry {
  const unhashed = sortedCopy({ seq: (last?.seq ?? 0) + 1, ...input, prev: last?.hash ?? null });
  return sortedCopy({ ...unhashed, hash: entryHash(unhashed) });
}

/** One problem with the trail, on a 1-based line. */
export interface AuditProblem {
  line: number;
  message: string;
}

export interface ParsedTrail {
  entries: AuditEntry[];
  problems: AuditProblem[];
  /** The 1-based line of each entry (lines that are not entries are skipped in `entries`). */
  lines?: number[];
}

const ENTRY_FIELDS: readonly [keyof AuditEntry, (value: unknown) => boolean][] = [
  ['seq', (v) => Number.isInteger(v)],
  ['at', (v) => typeof v === 'string'],
  ['actor', (v) => typeof v === 'string'],
  ['action', (v) => typeof v === 'string'],
  ['before', (v) => v !== undefined],
  ['after', (v) => v !== undefined],
  ['reason', (v) => v === null || typeof v === 'string'],
  ['manifestSha256', (v) => typeof v === 'string'],
  ['prev', (v) => v === null || typeof v === 'string'],
  ['hash', (v) => typeof v === 'string'],
];

/** Why a parsed line is not an audit entry, or undefined when it has every field. */
function notAnEntry(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not an audit entry (not a JSON object)';
  const missing = ENTRY_FIELDS.filter(([field, ok]) => !ok((value as Record<string, unknown>)[field])).map(([field]) => field);
  return missing.length > 0 ? `not an audit entry (missing or malformed: ${missing.join(', ')})` : undefined;
}

/** A line that parsed as an entry, with where it sits. */
interface PlacedEntry {
  entry: AuditEntry;
  line: number;
}

function seqRange(from: number, to: number): string {
  return from === to ? `seq ${from} is` : `seq ${from} to ${to} are`;
}

/**
 * Why the chain breaks at `here` (its prev is not the hash of the entry before it, `previous`),
 * told from where its prev and its own hash appear elsewhere in the trail.
 */
function chainBreak(here: PlacedEntry, previous: PlacedEntry | undefined, byHash: ReadonlyMap<string, PlacedEntry>): string {
  const { entry, line } = here;
  const twin = byHash.get(entry.hash);
  if (twin && twin.line < line) return `this line repeats line ${twin.line} (seq ${twin.entry.seq})`;
  const follows = entry.prev === null ? undefined : byHash.get(entry.prev);
  if (follows && follows.line > line) {
    return `the chain breaks before this line: seq ${entry.seq} comes before seq ${follows.entry.seq} (line ${follows.line}), the entry it follows: the lines were reordered`;
  }
  if (follows && follows.line < line - 1) {
    const between = line - 1 - follows.line;
    const lines = between === 1 ? `line ${follows.line + 1} comes` : `lines ${follows.line + 1} to ${line - 1} come`;
    return `the chain breaks before this line: seq ${entry.seq} follows seq ${follows.entry.seq} on line ${follows.line}, but ${lines} between (${between === 1 ? 'a line was' : 'lines were'} inserted or moved there)`;
  }
  if (!previous) {
    return entry.seq > 1
      ? `the first entry is seq ${entry.seq} and its prev is not null: ${entry.seq - 1 === 1 ? 'seq 1 was' : `seq 1 to ${entry.seq - 1} were`} removed`
      : 'the first entry must have prev null (lines before it were removed)';
  }
  const expected = previous.entry.seq + 1;
  if (entry.seq > expected) {
    const gap = entry.seq - expected;
    return `the chain breaks before this line: ${seqRange(expected, entry.seq - 1)} missing (${gap === 1 ? 'a line was' : `${gap} lines were`} removed)`;
  }
  if (entry.seq <= previous.entry.seq) {
    return `the chain breaks before this line: seq ${entry.seq} comes after seq ${previous.entry.seq} on line ${previous.line} (a line was inserted or moved)`;
  }
  return `the chain breaks before this line: prev is not the hash of line ${previous.line} (line ${previous.line} was replaced or rewritten with a new hash, or a line was removed and the rest renumbered)`;
}

/**
 * Parses and checks a trail's text, naming each problem by its 1-based line:
 * - every line is one entry exactly as agent-rollout wrote it (JSON.stringify of the entry: a
 *   reformatted or re-encoded line is a change too), with every field;
 * - each hash matches its content (an edited line fails its own hash);
 * - each prev is the hash of the line before and seq counts 1, 2, 3... (a dropped, inserted,
 *   repeated or reordered line breaks the chain there, and the message says which);
 * - the text ends with a newline (a last line without one was cut off by an interrupted write).
 * Pure.
 */
export function verifyTrail(text: string): ParsedTrail {
  if (text === '') return { entries: [], problems: [], lines: [] };
  const lines = text.split('\n');
  const cutOff = lines.at(-1) !== '';
  if (!cutOff) lines.pop();
  return verifyLines(lines, cutOff);
}

const NEWLINE = 0x0a;

/**
 * `verifyTrail` over the trail's bytes, each line decoded by itself: the same result as decoding
 * the whole and splitting it (a newline byte is never part of a UTF-8 sequence), without ever
 * holding the whole trail as one string. A string that large is allocated apart from the rest,
 * page by fresh page, which made decoding 500 trails cost 20 times as much as decoding them in
 * lines. Pure.
 */
export function verifyTrailBytes(bytes: Uint8Array): ParsedTrail {
  if (bytes.length === 0) return { entries: [], problems: [], lines: [] };
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const lines: string[] = [];
  let start = 0;
  for (;;) {
    const end = buffer.indexOf(NEWLINE, start);
    if (end === -1) break;
    lines.push(buffer.toString('utf8', start, end));
    start = end + 1;
  }
  const cutOff = start < buffer.length;
  if (cutOff) lines.push(buffer.toString('utf8', start));
  return verifyLines(lines, cutOff);
}

/**
 * Whether a line is an entry written in canonical form (keys sorted at every level, as
 * `chainEntry` makes them) whose hash matches: then the line without its `"hash":"…",` member is
 * the canonical JSON its hash was taken over, so it is hashed as it stands instead of being built
 * again from the parsed entry. When the first `"hash":"<its hash>",` in the line is not the
 * top-level member, the hash cannot match (the hashed text would contain the hash itself), and
 * the line takes the full check. False sends the line to the full check; it never passes a line
 * the full check would refuse.
 */
function writtenCanonical(line: string, entry: AuditEntry): boolean {
  const member = `"hash":"${entry.hash}",`;
  const at = line.indexOf(member);
  if (at <= 0) return false;
  if (sha256Hex(line.slice(0, at) + line.slice(at + member.length)) !== entry.hash) return false;
  return inSortedOrder(entry) && JSON.stringify(entry) === line;
}

/** Checks a trail's lines (without their newlines); `cutOff`: the last one had no newline. */
function verifyLines(lines: readonly string[], cutOff: boolean): ParsedTrail {
  const problems: AuditProblem[] = [];
  const placed: PlacedEntry[] = [];
  /** Lines after an unreadable line: their prev cannot be checked against it. */
  const afterUnreadable = new Set<number>();
  lines.forEach((line, index) => {
    const number = index + 1;
    if (cutOff && index === lines.length - 1) {
      problems.push({ line: number, message: 'the last line is cut off (an interrupted write)' });
      return;
    }
    if (line.trim() === '') {
      problems.push({ line: number, message: 'an empty line (the trail has one entry a line)' });
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      problems.push({ line: number, message: 'not a JSON object (the line was edited or damaged)' });
      afterUnreadable.add(number + 1);
      return;
    }
    const malformed = notAnEntry(parsed);
    if (malformed) {
      problems.push({ line: number, message: malformed });
      afterUnreadable.add(number + 1);
      return;
    }
    const entry = parsed as AuditEntry;
    if (writtenCanonical(line, entry)) {
      placed.push({ entry, line: number });
      return;
    }
    if (entryHash(entry) !== entry.hash) {
      problems.push({ line: number, message: `entry seq ${String(entry.seq)} was edited: its hash does not match its content` });
    } else if (JSON.stringify(entry) !== line) {
      problems.push({
        line: number,
        message: line.endsWith('\r')
          ? 'the line ends with a carriage return (CRLF): keep the trail with LF line ends (.gitattributes: rollout.audit.jsonl text eol=lf)'
          : `entry seq ${String(entry.seq)} is not as agent-rollout wrote it (reformatted or re-encoded)`,
      });
    }
    placed.push({ entry, line: number });
  });

  const byHash = new Map<string, PlacedEntry>();
  for (const item of placed) if (!byHash.has(item.entry.hash)) byHash.set(item.entry.hash, item);
  placed.forEach((item, index) => {
    const previous = placed[index - 1];
    if (afterUnreadable.has(item.line)) return;
    if (item.entry.prev !== (previous?.entry.hash ?? null)) {
      problems.push({ line: item.line, message: chainBreak(item, previous, byHash) });
    } else if (item.entry.seq !== (previous?.entry.seq ?? 0) + 1) {
      problems.push({ line: item.line, message: `seq is ${String(item.entry.seq)} where ${(previous?.entry.seq ?? 0) + 1} was expected` });
    }
  });
  problems.sort((a, b) => a.line - b.line);
  return { entries: placed.map((item) => item.entry), problems, lines: placed.map((item) => item.line) };
}

/** The last entry that changed state (its `after` is the state the manifest should hold). */
export function lastStateEntry(entries: readonly AuditEntry[]): AuditEntry | undefined {
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i] as AuditEntry;
    if (entry.after !== null && entry.after !== undefined) return entry;
  }
  return undefined;
}
