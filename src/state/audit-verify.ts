import type { State } from '../manifest/types.js';
import type { AuditEntry, AuditProblem, ParsedTrail } from './audit.js';
import { checkStateDrift } from './drift.js';
import type { FieldChange } from './field-changes.js';
import { fieldChanges } from './field-changes.js';

/** A state change whose `before` is not the `after` of the state change before it. */
export interface StateGap {
  /** The line of the later entry. */
  line: number;
  seq: number;
  action: string;
  /** The earlier state change. */
  previousSeq: number;
  /** From the earlier entry's after to the later entry's before. */
  changes: FieldChange[];
}

/** What `agent-rollout audit verify` found: the chain's problems by line, and the state checks. */
export interface TrailVerification {
  /** False when there is no trail file yet (clean, with a note). */
  exists: boolean;
  entries: number;
  /** Problems with the chain, each on its 1-based line of the trail. */
  problems: AuditProblem[];
  /** State changed outside agent-rollout between two recorded changes (found in the history). */
  gaps: StateGap[];
  /** The manifest's current state against the last state-changing entry. */
  state:
    | { status: 'no-trail' | 'not-recorded' }
    | { status: 'match'; seq: number }
    | { status: 'drift'; seq: number; action: string; actor: string; at: string; changes: FieldChange[] };
  /** Problems, gaps and a drift: verify exits 1 when this is not 0. */
  findings: number;
}

function isState(value: unknown): boolean {
  return value !== null && value !== undefined;
}

/**
 * The hand edits the history shows: each state-changing entry's `before` should be the `after`
 * of the state change before it (entries whose `before` is null, such as `init`, start afresh).
 */
export function stateGaps(entries: readonly AuditEntry[], lines: readonly number[] = []): StateGap[] {
  const gaps: StateGap[] = [];
  let previous: AuditEntry | undefined;
  entries.forEach((entry, index) => {
    if (!isState(entry.after)) return;
    if (previous && isState(entry.before)) {
      const changes = fieldChanges(previous.after, entry.before);
      if (changes.length > 0) {
        gaps.push({ line: lines[index] ?? index + 1, seq: entry.seq, action: entry.action, previousSeq: previous.seq, changes });
      }
    }
    previous = entry;
  });
  return gaps;
}

/**
 * Checks a trail against the manifest beside it: the chain (verifyTrail's problems), the
 * history's continuity (each state change starts where the one before ended), and whether the
 * manifest's current `state` is the `after` of the last state-changing entry. Pure.
 */
export function verifyAgainstManifest(state: State, trail: ParsedTrail & { exists: boolean }): TrailVerification {
  const drift = checkStateDrift(state, trail.entries);
  const gaps = stateGaps(trail.entries, trail.lines);
  const stateCheck: TrailVerification['state'] =
    drift.status === 'drift'
      ? {
          status: 'drift',
          seq: drift.entry.seq,
          action: drift.entry.action,
          actor: drift.entry.actor,
          at: drift.entry.at,
          changes: drift.changes,
        }
      : drift.status === 'match'
        ? { status: 'match', seq: drift.entry.seq }
        : { status: drift.status };
  return {
    exists: trail.exists,
    entries: trail.entries.length,
    problems: trail.problems,
    gaps,
    state: stateCheck,
    findings: trail.problems.length + gaps.length + (drift.status === 'drift' ? 1 : 0),
  };
}
