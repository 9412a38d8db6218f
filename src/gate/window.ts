import { durationMs } from '../time/duration.js';
import type { Manifest, Stage } from '../manifest/types.js';
import type { AuditEntry } from '../state/audit.js';
import type { EvaluationWindow, StageEntry } from './types.js';
import { lastEntryInto } from '../state/stage-entry.js';

const DAY_MS = 86_400_000;

/**
 * When a stage was entered: `state.since` for the current stage, else the `at` of the last audit
 * entry that moved the rollout into it (init, advance, rollback). Undefined when unknown.
 */
export function stageEntry(manifest: Manifest, stageId: string, entries: readonly AuditEntry[]): StageEntry | undefined {
  if (manifest.state.stage === stageId && manifest.state.since) {
    const at = Date.parse(manifest.state.since);
    if (!Number.isNaN(at)) return { atMs: at, from: 'state.since' };
  }
  const entry = lastEntryInto(entries, stageId);
  const at = entry ? Date.parse(entry.at) : Number.NaN;
  return Number.isNaN(at) ? undefined : { atMs: at, from: 'audit' };
}

export interface WindowChoice {
  /** --at (ms). */
  at?: number;
  /** --window (ms). */
  lengthMs?: number;
  /** The pasted metrics' window. */
  pasted?: { start: number; end: number };
  stage: Stage;
  entry?: StageEntry;
  now: number;
}

/**
 * The evaluation window: it ends at --at, else at the pasted window's end, else now. Its start is
 * the end minus --window; else the pasted window's length; else the stage's entry; else the end
 * minus minDuration (one day when the stage has none).
 */
export function chooseWindow(choice: WindowChoice): EvaluationWindow {
  const endMs = choice.at ?? choice.pasted?.end ?? choice.now;
  if (choice.lengthMs !== undefined) return { startMs: endMs - choice.lengthMs, endMs, basis: 'window-flag' };
  if (choice.pasted) return { startMs: endMs - (choice.pasted.end - choice.pasted.start), endMs, basis: 'metrics' };
  if (choice.entry && choice.entry.atMs < endMs) return { startMs: choice.entry.atMs, endMs, basis: 'stage-entry' };
  if (choice.stage.minDuration) return { startMs: endMs - durationMs(choice.stage.minDuration), endMs, basis: 'min-duration' };
  return { startMs: endMs - DAY_MS, endMs, basis: 'default' };
}

/** How the window was chosen, for a person. */
export function windowBasisText(window: EvaluationWindow): string {
  switch (window.basis) {
    case 'window-flag':
      return '--window';
    case 'metrics':
      return 'the pasted metrics';
    case 'stage-entry':
      return 'since the stage was entered';
    case 'min-duration':
      return "the stage's minDuration (its entry time is unknown)";
    case 'default':
      return 'the last day (the stage has no minDuration and its entry time is unknown)';
  }
}
