import { chmod, readdir, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../errors.js';
import { refuseSymlink, removeFile, renameFile, writeFileAtomic, writing } from '../files/atomic-write.js';
import { FileReadError, readBounded, readBoundedIfExists } from '../files/bounded-read.js';
import { MAX_MANIFEST_BYTES } from '../manifest/load.js';
import { sha256, ConcurrentChangeError } from '../manifest/write.js';
import type { AuditEntry, AuditInput } from './audit.js';
import { appendEntry, auditPathFor, readTrail, repairTrailTail } from './audit-file.js';
import { interruptPoint } from './interrupt-hook.js';
import type { LockOptions } from './lock.js';
import { withLock } from './lock.js';
import type { Redactor } from '../manifest/redactor.js';
import type { Locations } from '../manifest/json-parse.js';
import type { State } from '../manifest/types.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { manifestTextWithState } from './state-text.js';

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
  let content: Buffer | undefined;
  try {
    content = await readBoundedIfExists(pending, { maxBytes: MAX_MANIFEST_BYTES });
  } catch (error) {
    // Not a file this tool wrote (a FIFO, a device, too large): it cannot be a committed change.
    if (!(error instanceof FileReadError)) throw error;
  }
  if (
    content === undefined &&
    !(await stat(pending).then(
      () => true,
      () => false,
    ))
  )
    return 'none';
  const { trail } = await readTrail(auditPathFor(manifestPath));
  if (content !== undefined && trail.entries.at(-1)?.manifestSha256 === sha256(content)) {
    await refuseSymlink(manifestPath, 'the manifest');
    await renameFile(pending, manifestPath);
    return 'completed';
  }
  await removeFile(pending);
  return 'discarded';
}

/**
 * Under the lock: an interrupted change finished or discarded, then the manifest's bytes as they
 * are now (never through a symbolic link).
 */
async function settledManifestBytes(manifestPath: string): Promise<Buffer> {
  await recoverInterruptedChange(manifestPath);
  await refuseSymlink(manifestPath, 'the manifest');
  return readManifestBytes(manifestPath);
}

/** The manifest's bytes, for its hash; one that cannot be read is an InputError (exit 2). */
async function readManifestBytes(manifestPath: string): Promise<Buffer> {
  try {
    return await readBounded(manifestPath, { maxBytes: MAX_MANIFEST_BYTES });
  } catch (error) {
    if (!(error instanceof FileReadError)) throw error;
    throw new InputError(`cannot read the manifest ${manifestPath}: ${error.reason}`);
  }
}

export interface StateChange {
  /** The manifest file's hash when it was read; the change is refused if it differs now. */
  expectedSha256: string;
  /** The new manifest text. */
  text: string;
  /** The audit entry, without manifestSha256 (computed from `text`). */
  audit: Omit<AuditInput, 'manifestSha256'>;
  /** Redacts the entry (the run's known secrets); token shapes are redacted without it. */
  redactor?: Redactor;
}

/**
 * Commits a change to the manifest together with its audit entry, under the manifest's lock:
 * 1. the new manifest is written to a pending file (with the manifest's permission bits) and flushed;
 * 2. the audit entry (with the new manifest's hash) is appended and flushed;
 * 3. the pending file is renamed over the manifest.
 * A kill at any point leaves the old manifest or the new one, never a torn file, and the next
 * command's recovery completes step 3 or discards step 1, so the trail and the manifest agree.
 * `manifestPath` is absolute; `lock` names it in messages and holds back the command's signals.
 */
export async function commitChange(manifestPath: string, change: StateChange, lock: LockOptions): Promise<AuditEntry> {
  // interruptPoint: a test hook, inert unless AGENT_ROLLOUT_TEST_INTERRUPT names the step.
  await interruptPoint('before-lock');
  await refuseSymlink(manifestPath, 'the manifest');
  return withLock(
    manifestPath,
    async () => {
      const current = await settledManifestBytes(manifestPath);
      if (sha256(current) !== change.expectedSha256) throw new ConcurrentChangeError(lock.label ?? manifestPath);
      const pending = pendingPathFor(manifestPath);
      // The pending file becomes the manifest: it has the manifest's permission bits before the
      // entry that commits it is written (a pending file without them has no entry and is discarded).
      const mode = (await stat(manifestPath)).mode & 0o777;
      await writeFileAtomic(pending, change.text, { mode, beforeRename: () => interruptPoint('atomic-temp-written') });
      await writing(pending, () => chmod(pending, mode));
      await interruptPoint('pending-written');
      let entry: AuditEntry;
      try {
        entry = await appendEntry(auditPathFor(manifestPath), { ...change.audit, manifestSha256: sha256(change.text) }, change.redactor);
      } catch (error) {
        // No entry, no change: the pending file goes (the next command would discard it anyway).
        await unlink(pending).catch(() => undefined);
        throw error;
      }
      await interruptPoint('audit-appended');
      await renameFile(pending, manifestPath);
      await interruptPoint('renamed');
      return entry;
    },
    lock,
  );
}

/** A change of the manifest's `state` only, as the state commands, advance and the guard make it. */
export interface StateOnlyChange {
  at: string;
  actor: string;
  action: string;
  before: State;
  after: State;
  reason: string | null;
  details: Record<string, unknown>;
}

/**
 * Commits a change of `state` alone: the rest of the file, and its layout, stays byte for byte
 * (manifestTextWithState); the entry names this tool. Refused if the file changed since `loaded`.
 */
export function commitStateChange(
  manifestPath: string,
  loaded: { sha256: string; text: string; value?: unknown; locations: Locations },
  change: StateOnlyChange,
  lock: LockOptions,
  redactor?: Redactor,
): Promise<AuditEntry> {
  return commitChange(
    manifestPath,
    {
      expectedSha256: loaded.sha256,
      text: manifestTextWithState(loaded, change.after),
      audit: { ...change, tool: { name: TOOL_NAME, version: TOOL_VERSION } },
      ...(redactor ? { redactor } : {}),
    },
    lock,
  );
}

/** Appends an entry that records a result (gate, drill, guardrail test, signals check) without changing the manifest; the entry names this tool. */
export async function recordResult(
  manifestPath: string,
  audit: Omit<AuditInput, 'manifestSha256' | 'before' | 'after' | 'tool'>,
  lock: LockOptions,
  redactor?: Redactor,
): Promise<AuditEntry> {
  return withLock(
    manifestPath,
    async () => {
      const current = await settledManifestBytes(manifestPath);
      return appendEntry(
        auditPathFor(manifestPath),
        { ...audit, before: null, after: null, manifestSha256: sha256(current), tool: { name: TOOL_NAME, version: TOOL_VERSION } },
        redactor,
      );
    },
    lock,
  );
}
