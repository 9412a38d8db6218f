import type { Manifest } from '../manifest/types.js';
import type { SignalProbe } from '../metrics/types.js';

/** What `signals check` found, and its exit: ok (0), missing (1: a needed signal had no data), failed (2: a source failed). */
export interface SignalsCheck {
  manifest: string;
  agent: string;
  /** The current stage, and the next (whose gate the check prepares for). */
  stage: string;
  next?: string;
  window: { startMs: number; endMs: number; basis: string };
  /** The signals a criterion or alert of the current or next stage uses (and the sample signal when minSamples applies). */
  needed: string[];
  probes: SignalProbe[];
  outcome: 'ok' | 'missing' | 'failed';
  /** Needed signals without data. */
  missing: string[];
  /** Signals whose source failed. */
  failed: string[];
}

/**
 * The signals a gate will read soon: those of the current and the next stage's exit criteria,
 * the sample signal when either stage has minSamples, and every alert's (alerts apply at every
 * stage). Pure.
 */
export function neededSignals(manifest: Manifest): string[] {
  const index = manifest.stages.findIndex((stage) => stage.id === manifest.state.stage);
  const stages = manifest.stages.slice(Math.max(0, index), Math.max(0, index) + 2);
  const needed = new Set<string>();
  for (const stage of stages) {
    for (const criterion of stage.exitCriteria ?? []) if (criterion.signal) needed.add(criterion.signal);
    if (stage.minSamples !== undefined && manifest.metrics?.sampleSignal) needed.add(manifest.metrics.sampleSignal);
  }
  for (const alert of manifest.metrics?.alerts ?? []) needed.add(alert.signal);
  return [...needed];
}

/** The outcome of the probes: a failed source wins over missing data. Pure. */
export function judgeSignals(
  needed: readonly string[],
  probes: readonly SignalProbe[],
): Pick<SignalsCheck, 'outcome' | 'missing' | 'failed'> {
  const failed = probes.filter((p) => p.status === 'error').map((p) => p.signal);
  const byName = new Map(probes.map((p) => [p.signal, p]));
  // A needed signal that metrics.signals does not define has no data either: only --set could give it.
  const missing = needed.filter((name) => byName.get(name)?.status !== 'data' && !failed.includes(name));
  return { outcome: failed.length > 0 ? 'failed' : missing.length > 0 ? 'missing' : 'ok', missing, failed };
}
