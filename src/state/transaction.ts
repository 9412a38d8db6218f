import { chmod, readFile, readdir, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { sha256, writeFileAtomic, ConcurrentChangeError } from '../manifest/write.js';
import type { AuditEntry, AuditInput } from './audit.js';
import { appendEntry, auditPathFor, readTrail, repairTrailTail } from './audit.js';
import { withLock } from './lock.js';

/** Where a change waits between the audit entry and the rename that makes it the manifest. */
export function pendingPathFor(manifestPath: string): string {
  return join(dirname(manifestPath), `.${basename(manifestPath)}.pending`);
}

/** Temporary files of the atomic write of the pending file (`.<pending name>.<pid>.<time>.tmp`). */
async function removeLeftoverTemps(manifestPath: string): Promise<void> {
  const prefix = `.${basename(pendingPathFor(manifestPath))}.`;
  const folder = dirname(manifestPath);
  const names = await readdir(folder).catch(() => [] as string[]);
  for (const name of names) {
    if (name.startsWith(prefix) && name.endsWith('.tmp')) await unlink(join(folder, name)).catch(() => undefined);
  }
}

/**
 * Finishes or undoes a change that was interrupted (killed) between its steps, like a database
 * replaying its journal on open: a last audit line cut off mid-write is removed (or given its
 * newline when it is whole); a pending manifest whose hash the last audit entry records is
 * moved into place (the change was committed); any other pending file is discarded (it was not);
 * temporary files of an interrupted pending write are removed. Call it under the lock. Returns
 * what it did with the pending file, for a message.
 */
export async function recoverInterruptedChange(manifestPath: string): Promise<'none' | 'completed' | 'discarded'> {
  await repairTrailTail(auditPathFor(manifestPath));
  await removeLeftoverTemps(manifestPath);
  const pending = pendingPathFor(manifestPath);
  let content: Buffer;
  try {
    content = await readFile(pending);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'none';
    throw error;
  }
  const { trail } = await readTrail(auditPathFor(manifestPath));
  if (trail.entries.at(-1)?.manifestSha256 === sha256(content)) {
    await rename(pending, manifestPath);
    return 'completed';
  }
  await unlink(pending);
  return 'discarded';
}

export interface StateChange {
  /** The manifest file's hash when it was read; the change is refused if it differs now. */
  expectedSha256: string;
  /** The new manifest text. */
  text: string;
  /** The audit entry, without manifestSha256 (computed from `text`). */
  audit: Omit<AuditInput, 'manifestSha256'>;
}

/**
 * Commits a change to the manifest together with its audit entry, under the manifest's lock:
 * 1. the new manifest is written to a pending file (with the manifest's permission bits) and flushed;
 * 2. the audit entry (with the new manifest's hash) is appended and flushed;
 * 3. the pending file is renamed over the manifest.
 * A kill at any point leaves the old manifest or the new one, never a torn file, and the next
 * command's recovery completes step 3 or discards step 1, so the trail and the manifest agree.
 */
export async function commitChange(
  manifestPath: string,
  change: StateChange,
  options: { lockTimeoutMs?: number } = {},
): Promise<AuditEntry> {
  return withLock(
    manifestPath,
    async () => {
      await recoverInterruptedChange(manifestPath);
      const current = await readFile(manifestPath);
      if (sha256(current) !== change.expectedSha256) throw new ConcurrentChangeError(manifestPath);
      const pending = pendingPathFor(manifestPath);
      await writeFileAtomic(pending, change.text);
      // The pending file becomes the manifest: give it the manifest's permission bits before the
      // entry that commits it is written (a pending file without them has no entry and is discarded).
      await chmod(pending, (await stat(manifestPath)).mode & 0o777);
      const entry = await appendEntry(auditPathFor(manifestPath), { ...change.audit, manifestSha256: sha256(change.text) });
      await rename(pending, manifestPath);
      return entry;
    },
    options.lockTimeoutMs,
  );
}

/** Appends an entry that records a result (gate, drill, guardrail test) without changing the manifest. */
export async function recordResult(
  manifestPath: string,
  audit: Omit<AuditInput, 'manifestSha256' | 'before' | 'after'>,
): Promise<AuditEntry> {
  return withLock(manifestPath, async () => {
    await recoverInterruptedChange(manifestPath);
    const current = await readFile(manifestPath);
    return appendEntry(auditPathFor(manifestPath), { ...audit, before: null, after: null, manifestSha256: sha256(current) });
  });
}
