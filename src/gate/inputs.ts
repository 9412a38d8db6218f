import { windowText } from '../time/duration.js';
import type { Observation, Origin, SignalRequest } from '../metrics/types.js';
import { requestKey } from '../metrics/types.js';
import type { EvaluationWindow, WindowBasis } from './types.js';

/** One metric input as recorded: what was asked for, where it came from, and what came back. */
export interface RecordedMetric {
  signal: string;
  /** `value`: one number over the window; `series`: every sample over `for`. */
  wanted: 'value' | 'series';
  for?: string;
  origin: Origin;
  status: Observation['status'];
  value?: number;
  /** [RFC 3339 time, value] pairs. */
  series?: [string, number][];
  reason?: string;
}

/** What a verdict was computed from (DESIGN.md: reproducible), for --format json and --record. */
export interface RecordedInputs {
  manifest: { path: string; sha256: string };
  window: { start: string; end: string; length: string; basis: WindowBasis };
  evaluatedAt: string;
  metrics: RecordedMetric[];
  tool: { name: string; version: string };
}

/** Records the inputs of a gate run. Pure. */
export function recordInputs(options: {
  manifest: { path: string; sha256: string };
  window: EvaluationWindow;
  now: number;
  requests: readonly SignalRequest[];
  observations: ReadonlyMap<string, Observation>;
  tool: { name: string; version: string };
}): RecordedInputs {
  const seen = new Set<string>();
  const metrics: RecordedMetric[] = [];
  for (const request of options.requests) {
    const key = requestKey(request);
    const observation = options.observations.get(key);
    if (seen.has(key) || !observation) continue;
    seen.add(key);
    const metric: RecordedMetric = {
      signal: request.signal,
      wanted: request.kind === 'range' ? 'series' : 'value',
      origin: observation.origin,
      status: observation.status,
    };
    if (request.kind === 'range' && request.rangeMs !== undefined) metric.for = windowText(request.rangeMs);
    if (observation.status === 'value') metric.value = observation.value;
    if (observation.status === 'series') {
      // The samples the criterion judged (the last `for` of the window), not everything pasted:
      // a pasted year of samples would otherwise be copied into every report.
      const { startMs, endMs } = options.window;
      const from = request.rangeMs === undefined ? startMs : Math.max(startMs, endMs - request.rangeMs);
      metric.series = [];
      for (const [t, v] of observation.points) if (t >= from && t <= endMs) metric.series.push([new Date(t).toISOString(), v]);
    }
    if (observation.status === 'error' || observation.status === 'no-data') metric.reason = observation.reason;
    metrics.push(metric);
  }
  const { window } = options;
  return {
    manifest: options.manifest,
    window: {
      start: new Date(window.startMs).toISOString(),
      end: new Date(window.endMs).toISOString(),
      length: windowText(window.endMs - window.startMs),
      basis: window.basis,
    },
    evaluatedAt: new Date(options.now).toISOString(),
    metrics,
    tool: options.tool,
  };
}
