import type { State } from '../manifest/types.js';
import type { AuditEntry } from './audit.js';

/** When the rollout entered its current stage, and how that is known. */
export interface StageEntry {
  at: string;
  source: 'state.since' | 'audit';
  /** The audit entry that moved the rollout into the stage, when the time comes from the trail. */
  seq?: number;
}

function afterStage(entry: AuditEntry): unknown {
  const after = entry.after as { stage?: unknown } | null;
  return after && typeof after === 'object' ? after.stage : undefined;
}

/**
 * The last audit entry that moved the rollout into `stageId`: its `after.stage` is the stage and
 * its `before` was elsewhere (or nothing: `init` starts the rollout in its first stage). Any
 * action counts (init, advance, rollback), so a rollout that never advanced still knows when
 * its first stage began. Pure.
 */
export function lastEntryInto(entries: readonly AuditEntry[], stageId: string): AuditEntry | undefined {
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i] as AuditEntry;
    if (afterStage(entry) !== stageId) continue;
    const before = entry.before as { stage?: unknown } | null;
    if (before === null || typeof before !== 'object' || before.stage !== stageId) return entry;
  }
  return undefined;
}

/**
 * The stage-entry time: `state.since`, else the `at` of the last entry that moved the rollout
 * into the current stage (lastEntryInto). Undefined when neither knows. Pure.
 */
export function stageEnteredAt(state: State, entries: readonly AuditEntry[]): StageEntry | undefined {
  if (state.since) return { at: state.since, source: 'state.since' };
  const entry = lastEntryInto(entries, state.stage);
  return entry ? { at: entry.at, source: 'audit', seq: entry.seq } : undefined;
}
