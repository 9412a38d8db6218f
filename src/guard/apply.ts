import { isoSeconds } from '../time/timestamp.js';
import type { Io } from '../ui/io.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { CliError } from '../errors.js';
import { ConcurrentChangeError } from '../manifest/write.js';
import { openManifest } from '../commands/open-manifest.js';
import type { OpenManifest } from '../commands/open-manifest.js';
import type { Actor } from '../state/actor.js';
import { commitStateChange } from '../state/transaction.js';
import { disable, pause } from '../state/transitions.js';

/**
 * A guard decision made real: the same locked, journaled, audited path as `agent-rollout pause`
 * and `disable` (openManifest, the pure transition, commitChange), with the guard as the actor.
 * A change already in place writes nothing. A manifest locked by someone else, or changed on disk
 * between the read and the write, is retried briefly, then reported as transient (the webhook
 * answers 503 so that Alertmanager delivers again).
 */

export type ApplyOutcome =
  | { outcome: 'applied'; summary: string; audit: { seq: number; hash: string; at: string } }
  | { outcome: 'in-place'; summary: string };

/** The change could not be made now (the manifest is locked or changed on disk); trying again later may work. */
export class TransientFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransientFailure';
  }
}

export interface ApplyRequest {
  path: string;
  action: 'pause' | 'disable';
  actor: Pick<Actor, 'name' | 'source'>;
  /** Already neutralised and redacted. */
  reason: string;
  /** The entry's details besides actorSource: the trigger. */
  details: Record<string, unknown>;
  /** How long to keep trying when the manifest is locked or changes under the write. */
  retryForMs?: number;
  /** The Io whose stop signals the lock holds back while the change is written. */
  io: Io;
  /** How to open the manifest (default openManifest; the guard passes its cache). */
  open?: (path: string) => Promise<OpenManifest>;
}

function isTransient(error: unknown): boolean {
  if (error instanceof ConcurrentChangeError) return true;
  return error instanceof CliError && error.message.startsWith('another agent-rollout command is changing');
}

async function applyOnce(request: ApplyRequest, lockTimeoutMs: number): Promise<ApplyOutcome> {
  const opened = await (request.open ?? ((path: string) => openManifest(path, request.io)))(request.path);
  const at = isoSeconds(new Date());
  const context = { at, actor: request.actor.name, reason: request.reason };
  const transition = request.action === 'pause' ? pause(opened.manifest, context) : disable(opened.manifest, context);
  if (transition.outcome === 'unchanged') return { outcome: 'in-place', summary: transition.summary };
  if (transition.outcome === 'refused') throw new CliError(transition.message);
  const details = { ...transition.details, ...request.details, actorSource: request.actor.source };
  const entry = await commitStateChange(
    opened.file,
    opened.loaded,
    {
      at,
      actor: request.actor.name,
      action: transition.action,
      before: transition.before,
      after: transition.after,
      reason: request.reason,
      details,
    },
    { io: request.io, label: request.path, timeoutMs: lockTimeoutMs },
  );
  return { outcome: 'applied', summary: transition.summary, audit: { seq: entry.seq, hash: entry.hash, at } };
}

/** Applies a pause or a disable, retrying a lost race or a held lock for up to `retryForMs` (default 3 s). */
export async function applyChange(request: ApplyRequest): Promise<ApplyOutcome> {
  const deadline = Date.now() + (request.retryForMs ?? 3000);
  for (;;) {
    try {
      return await applyOnce(request, Math.max(0, Math.min(1000, deadline - Date.now())));
    } catch (error) {
      if (!isTransient(error)) throw error;
      if (Date.now() >= deadline) throw new TransientFailure((error as Error).message);
      await sleep(20 + Math.random() * 40);
    }
  }
}
