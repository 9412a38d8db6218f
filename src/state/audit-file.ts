/**
 * The audit trail file beside a manifest (rollout.audit.jsonl): reading it, appending an entry,
 * repairing an interrupted append. Every write happens under the manifest's lock
 * (src/state/transaction.ts). The chain itself is src/state/audit.ts.
 */
import { appendFile, open, readFile, truncate } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Redactor } from '../manifest/redactor.js';
import { createRedactor } from '../manifest/redactor.js';
import type { AuditEntry, AuditInput, ParsedTrail } from './audit.js';
import { chainEntry, verifyTrail } from './audit.js';

/** The audit trail beside a manifest. */
export const AUDIT_FILE = 'rollout.audit.jsonl';

/** The audit trail's path for a manifest path. */
export function auditPathFor(manifestPath: string): string {
  return join(dirname(manifestPath), AUDIT_FILE);
}

/** Reads a trail; a missing file is an empty trail. */
export async function readTrail(path: string): Promise<{ text: string; trail: ParsedTrail; exists: boolean }> {
  try {
    const text = await readFile(path, 'utf8');
    return { text, trail: verifyTrail(text), exists: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return { text: '', trail: { entries: [], problems: [], lines: [] }, exists: false };
  }
}

/**
 * Appends one entry (call it under the manifest's lock). The line is written in one append and
 * flushed to disk before this returns. Every string of the entry goes through the redactor
 * first: the trail is append-only, so a secret written there could never be taken back. Without
 * one given, the redactor still removes every token shape (`ghp_…`, `AKIA…`).
 */
export async function appendEntry(path: string, input: AuditInput, redactor: Redactor = createRedactor()): Promise<AuditEntry> {
  const { trail, text } = await readTrail(path);
  const { manifestSha256, ...rest } = input;
  const entry = chainEntry({ ...redactor.deep(rest), manifestSha256 }, trail.entries.at(-1));
  const prefix = text !== '' && !text.endsWith('\n') ? '\n' : '';
  await appendFile(path, `${prefix}${JSON.stringify(entry)}\n`, 'utf8');
  await syncFile(path);
  return entry;
}

async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Repairs the end of a trail that an interrupted append left without its final newline (call it
 * under the manifest's lock, like every write to the trail): a last line that is a whole entry
 * chained onto the line before gets its newline; a cut-off line is removed (its change was never
 * committed: the manifest is renamed into place only after its entry is flushed). Returns what
 * it did.
 */
export async function repairTrailTail(path: string): Promise<'none' | 'completed' | 'removed'> {
  const { text, exists } = await readTrail(path);
  if (!exists || text === '' || text.endsWith('\n')) return 'none';
  const head = text.slice(0, text.lastIndexOf('\n') + 1);
  const lastLine = head === '' ? 1 : head.split('\n').length;
  const whole = verifyTrail(`${text}\n`);
  if (!whole.problems.some((problem) => problem.line === lastLine)) {
    await appendFile(path, '\n', 'utf8');
  } else {
    await truncate(path, Buffer.byteLength(head, 'utf8'));
  }
  await syncFile(path);
  return whole.problems.some((problem) => problem.line === lastLine) ? 'removed' : 'completed';
}
