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
 * The stage-entry time: `state.since`, else the `at` of the last `advance` or `rollback` entry
 * whose `after.stage` is the current stage (docs/architecture.md). Undefined when neither knows. Pure.
 */
export function stageEnteredAt(state: State, entries: readonly AuditEntry[]): StageEntry | undefined {
  if (state.since) return { at: state.since, source: 'state.since' };
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i] as AuditEntry;
    if ((entry.action === 'advance' || entry.action === 'rollback') && afterStage(entry) === state.stage) {
      return { at: entry.at, source: 'audit', seq: entry.seq };
    }
  }
  return undefined;
}
