/**
 * The audit trail file beside a manifest (rollout.audit.jsonl): reading it, appending an entry,
 * repairing an interrupted append. Every write happens under the manifest's lock
 * (src/state/transaction.ts). The chain itself is src/state/audit.ts.
 */
import { dirname, join } from 'node:path';
import { InputError } from '../errors.js';
import { appendDurable, truncateDurable } from '../files/atomic-write.js';
import { FileReadError, readBoundedIfExists } from '../files/bounded-read.js';
import type { Redactor } from '../manifest/redactor.js';
import { createRedactor } from '../manifest/redactor.js';
import type { AuditEntry, AuditInput, ParsedTrail } from './audit.js';
import { chainEntry, verifyTrailBytes } from './audit.js';

/** The audit trail beside a manifest. */
export const AUDIT_FILE = 'rollout.audit.jsonl';

/** The audit trail's path for a manifest path. */
export function auditPathFor(manifestPath: string): string {
  return join(dirname(manifestPath), AUDIT_FILE);
}

/** A trail larger than this is refused (about 30,000 entries): it is read whole on every command. */
export const MAX_TRAIL_BYTES = 64 * 1024 * 1024;

/**
 * Reads a trail; a missing file is an empty trail. One that cannot be read (a FIFO, a device,
 * larger than MAX_TRAIL_BYTES, no permission) is an InputError (exit 2). `bytes` is the file as
 * read (empty when there is none).
 */
export async function readTrail(path: string): Promise<{ bytes: Buffer; trail: ParsedTrail; exists: boolean }> {
  let bytes: Buffer | undefined;
  try {
    bytes = await readBoundedIfExists(path, { maxBytes: MAX_TRAIL_BYTES });
  } catch (error) {
    if (!(error instanceof FileReadError)) throw error;
    throw new InputError(`cannot read the audit trail ${path}: ${error.reason}`, 'the trail must be a regular file beside the manifest');
  }
  if (bytes === undefined) return { bytes: Buffer.alloc(0), trail: { entries: [], problems: [], lines: [] }, exists: false };
  return { bytes, trail: verifyTrailBytes(bytes), exists: true };
}

/** Whether the trail's bytes end in a line without its newline (an interrupted append). */
function endsCutOff(bytes: Buffer): boolean {
  return bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a;
}

/**
 * Appends one entry (call it under the manifest's lock). The line is written in one append and
 * flushed to disk before this returns; an append that fails half-way (a full disk) is cut back,
 * so the trail never ends in a torn line. Every string of the entry goes through the redactor
 * first: the trail is append-only, so a secret written there could never be taken back. Without
 * one given, the redactor still removes every token shape (`ghp_…`, `AKIA…`).
 */
export async function appendEntry(path: string, input: AuditInput, redactor: Redactor = createRedactor()): Promise<AuditEntry> {
  const { trail, bytes } = await readTrail(path);
  const { manifestSha256, ...rest } = input;
  const entry = chainEntry({ ...redactor.deep(rest), manifestSha256 }, trail.entries.at(-1));
  const prefix = endsCutOff(bytes) ? '\n' : '';
  await appendDurable(path, `${prefix}${JSON.stringify(entry)}\n`);
  return entry;
}

/**
 * Repairs the end of a trail that an interrupted append left without its final newline (call it
 * under the manifest's lock, like every write to the trail): a last line that is a whole entry
 * chained onto the line before gets its newline; a cut-off line is removed (its change was never
 * committed: the manifest is renamed into place only after its entry is flushed). Returns what
 * it did.
 */
export async function repairTrailTail(path: string): Promise<'none' | 'completed' | 'removed'> {
  const { bytes, exists } = await readTrail(path);
  if (!exists || !endsCutOff(bytes)) return 'none';
  const headBytes = bytes.lastIndexOf(0x0a) + 1;
  let lastLine = 1;
  for (let at = bytes.indexOf(0x0a); at !== -1 && at < headBytes; at = bytes.indexOf(0x0a, at + 1)) lastLine++;
  const whole = verifyTrailBytes(Buffer.concat([bytes, Buffer.from('\n')]));
  if (!whole.problems.some((problem) => problem.line === lastLine)) {
    await appendDurable(path, '\n');
  } else {
    await truncateDurable(path, headBytes);
  }
  return whole.problems.some((problem) => problem.line === lastLine) ? 'removed' : 'completed';
}
