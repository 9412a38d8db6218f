import { createHash } from 'node:crypto';
import { appendFile, open, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { canonicalJson } from './canonical-json.js';

/** The audit trail beside a manifest. */
export const AUDIT_FILE = 'rollout.audit.jsonl';

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

/** The audit trail's path for a manifest path. */
export function auditPathFor(manifestPath: string): string {
  return join(dirname(manifestPath), AUDIT_FILE);
}

/** The hash an entry must carry. */
export function entryHash(entry: Omit<AuditEntry, 'hash'> | AuditEntry): string {
  const { hash: _ignored, ...rest } = entry as AuditEntry;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}

/** Chains an input onto the trail: the next seq, the last entry's hash as prev, its own hash. */
export function chainEntry(input: AuditInput, last: AuditEntry | undefined): AuditEntry {
  const unhashed = { ...input, seq: (last?.seq ?? 0) + 1, prev: last?.hash ?? null };
  return { ...unhashed, hash: entryHash(unhashed) };
}

/** One problem with the trail, on a 1-based line. */
export interface AuditProblem {
  line: number;
  message: string;
}

export interface ParsedTrail {
  entries: AuditEntry[];
  problems: AuditProblem[];
}

/**
 * Parses and checks a trail's text: every line an entry, seq counting 1, 2, 3..., each prev the
 * hash of the line before, each hash matching its content. An edited line fails its own hash; a
 * dropped, inserted or reordered line breaks the chain at the line after. Pure.
 */
export function verifyTrail(text: string): ParsedTrail {
  const entries: AuditEntry[] = [];
  const problems: AuditProblem[] = [];
  if (text === '') return { entries, problems };
  const lines = text.split('\n');
  const cutOff = lines.at(-1) !== '';
  if (!cutOff) lines.pop();
  let previous: AuditEntry | undefined;
  lines.forEach((line, index) => {
    const number = index + 1;
    if (cutOff && index === lines.length - 1) {
      problems.push({ line: number, message: 'the last line is cut off (an interrupted write)' });
      return;
    }
    let entry: AuditEntry;
    try {
      entry = JSON.parse(line) as AuditEntry;
    } catch {
      problems.push({ line: number, message: 'not a JSON object' });
      return;
    }
    if (entry === null || typeof entry !== 'object' || typeof entry.hash !== 'string') {
      problems.push({ line: number, message: 'not an audit entry (no hash)' });
      return;
    }
    if (entryHash(entry) !== entry.hash) {
      problems.push({ line: number, message: `entry seq ${String(entry.seq)} was edited: its hash does not match its content` });
    }
    const expectedSeq = (previous?.seq ?? 0) + 1;
    const expectedPrev = previous?.hash ?? null;
    if (entry.prev !== expectedPrev) {
      problems.push({
        line: number,
        message: previous
          ? `the chain breaks before this line: prev is not the hash of line ${number - 1} (a line was removed, inserted or reordered)`
          : 'the first entry must have prev null (lines before it were removed)',
      });
    } else if (entry.seq !== expectedSeq) {
      problems.push({ line: number, message: `seq is ${String(entry.seq)} where ${expectedSeq} was expected` });
    }
    entries.push(entry);
    previous = entry;
  });
  return { entries, problems };
}

/** Reads a trail; a missing file is an empty trail. */
export async function readTrail(path: string): Promise<{ text: string; trail: ParsedTrail; exists: boolean }> {
  try {
    const text = await readFile(path, 'utf8');
    return { text, trail: verifyTrail(text), exists: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return { text: '', trail: { entries: [], problems: [] }, exists: false };
  }
}

/**
 * Appends one entry (call it under the manifest's lock). The line is written in one append and
 * flushed to disk before this returns.
 */
export async function appendEntry(path: string, input: AuditInput): Promise<AuditEntry> {
  const { trail, text } = await readTrail(path);
  const entry = chainEntry(input, trail.entries.at(-1));
  const prefix = text !== '' && !text.endsWith('\n') ? '\n' : '';
  await appendFile(path, `${prefix}${JSON.stringify(entry)}\n`, 'utf8');
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  return entry;
}

/** The last entry that changed state (its `after` is the state the manifest should hold). */
export function lastStateEntry(entries: readonly AuditEntry[]): AuditEntry | undefined {
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i] as AuditEntry;
    if (entry.after !== null && entry.after !== undefined) return entry;
  }
  return undefined;
}

/** Whether two state sections are the same, ignoring key order. */
export function sameState(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
