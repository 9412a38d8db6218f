import { durationMs } from '../time/duration.js';
import type { Criterion, Manifest, Stage } from '../manifest/types.js';
import type { SignalRequest } from '../metrics/types.js';

/** The evidence a signal criterion reads: one number over the window, or a series for `for`. */
export function criterionRequest(criterion: Criterion): SignalRequest | undefined {
  if (!criterion.signal) return undefined;
  return criterion.for
    ? { signal: criterion.signal, kind: 'range', rangeMs: durationMs(criterion.for) }
    : { signal: criterion.signal, kind: 'instant' };
}

/** The sample-signal request of a stage with minSamples. */
export function sampleRequest(manifest: Manifest, stage: Stage): SignalRequest | undefined {
  const signal = manifest.metrics?.sampleSignal;
  return stage.minSamples !== undefined && signal ? { signal, kind: 'instant' } : undefined;
}

/** Everything a stage's gate reads from metrics, in criteria order, then the sample signal. */
export function signalRequests(manifest: Manifest, stage: Stage): SignalRequest[] {
  const requests: SignalRequest[] = [];
  for (const criterion of stage.exitCriteria ?? []) {
    const request = criterionRequest(criterion);
    if (request) requests.push(request);
  }
  const samples = sampleRequest(manifest, stage);
  if (samples) requests.push(samples);
  return requests;
}
