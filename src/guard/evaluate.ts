import { breachExpression } from '../export/prometheus-rules.js';
import { durationText, parseDuration } from '../time/duration.js';
import type { Alert, Manifest } from '../manifest/types.js';
import { collectEvidence } from '../metrics/collect.js';
import { resolveHeaders, SourceFailure } from '../metrics/http-get.js';
import { prometheusInstant, prometheusRange } from '../metrics/prometheus.js';
import type { Observation, Point } from '../metrics/types.js';
import { requestKey } from '../metrics/types.js';

/**
 * `guard check`'s evaluation of a manifest's `metrics.alerts` now: a prometheus signal with the
 * expression `export prometheus-rules` writes (its PromQL with $window replaced by the rate
 * window), compared with the alert's bounds; with a `for`, every point of a range query over
 * that long must breach (Prometheus's pending → firing). http and command signals are read
 * through their sources, as the gate reads them. No data is not a breach (Prometheus does not
 * fire on an empty result either); a failed source is an error, never a pass.
 */

export type AlertStatus = 'breach' | 'ok' | 'no-data' | 'error';

export interface AlertEvaluation {
  name: string;
  index: number;
  alert: Alert;
  status: AlertStatus;
  /** The value (the last point of a series). */
  value?: number;
  /** One line: what was seen. */
  detail: string;
  /** The PromQL evaluated, for a prometheus signal. */
  expr?: string;
}

function breaches(value: number, alert: Alert): boolean {
  if (!Number.isFinite(value)) return false;
  return (alert.max !== undefined && value > alert.max) || (alert.min !== undefined && value < alert.min);
}

function boundsText(alert: Alert): string {
  const parts = [alert.max !== undefined ? `max ${alert.max}` : '', alert.min !== undefined ? `min ${alert.min}` : ''].filter(Boolean);
  return parts.join(', ');
}

function judge(
  observation: Observation,
  alert: Alert,
  forMs: number | undefined,
  expectedPoints: number | undefined,
): Omit<AlertEvaluation, 'name' | 'index' | 'alert'> {
  switch (observation.status) {
    case 'error':
      return { status: 'error', detail: observation.reason };
    case 'no-data':
      return { status: 'no-data', detail: observation.reason };
    case 'value': {
      const hit = breaches(observation.value, alert);
      return { status: hit ? 'breach' : 'ok', value: observation.value, detail: `${observation.value} (${boundsText(alert)})` };
    }
    case 'series': {
      const points: Point[] = observation.points;
      const last = points.at(-1)?.[1];
      if (points.length === 0) return { status: 'no-data', detail: 'the series is empty' };
      const all = points.every(([, v]) => breaches(v, alert));
      const covered = expectedPoints === undefined || points.length >= expectedPoints;
      const held = forMs === undefined ? '' : ` for ${durationText(forMs)}`;
      if (all && covered)
        return {
          status: 'breach',
          ...(last !== undefined ? { value: last } : {}),
          detail: `every point of ${points.length} breaches${held} (${boundsText(alert)})`,
        };
      return {
        status: 'ok',
        ...(last !== undefined ? { value: last } : {}),
        detail: all
          ? `breaching, but not yet${held} (${points.length} of ${expectedPoints} points)`
          : `not breaching throughout${held} (${boundsText(alert)})`,
      };
    }
  }
}

/** Evaluates one alert of `manifest` at `nowMs`. */
export async function evaluateAlert(
  manifest: Manifest,
  alert: Alert,
  index: number,
  name: string,
  context: { manifestDir: string; env: NodeJS.ProcessEnv; rateWindow: string; rateWindowMs: number; nowMs: number },
): Promise<AlertEvaluation> {
  const base = { name, index, alert };
  const signal = manifest.metrics?.signals?.[alert.signal];
  const source = signal ? manifest.metrics?.sources?.[signal.source] : undefined;
  if (!signal || !source) return { ...base, status: 'error', detail: `signal ${alert.signal} or its source is not declared` };
  const forMs = alert.for ? parseDuration(alert.for) : undefined;
  const timeoutMs = (source.timeout ? parseDuration(source.timeout) : undefined) ?? (source.type === 'command' ? 30_000 : 10_000);
  if (source.type === 'prometheus') {
    if (!signal.query) return { ...base, status: 'error', detail: `signal ${alert.signal} has no PromQL query` };
    const query = signal.query.replaceAll('$window', context.rateWindow);
    const expr = breachExpression(query, { max: alert.max, min: alert.min });
    let target;
    try {
      target = { name: signal.source, url: source.url ?? '', headers: resolveHeaders(source.headers, context.env), timeoutMs };
    } catch (error) {
      if (!(error instanceof SourceFailure)) throw error;
      return { ...base, status: 'error', expr, detail: `${signal.source} (prometheus): ${error.message}` };
    }
    if (forMs === undefined || forMs <= 0)
      return { ...base, expr, ...judge(await prometheusInstant(target, query, context.nowMs), alert, undefined, undefined) };
    const stepMs = Math.max(1000, Math.min(60_000, Math.floor(forMs / 10)));
    const expected = Math.floor(forMs / stepMs);
    const observation = await prometheusRange(target, query, { startMs: context.nowMs - forMs, endMs: context.nowMs, stepMs });
    return { ...base, expr, ...judge(observation, alert, forMs, expected) };
  }
  const request =
    forMs !== undefined && forMs > 0
      ? { signal: alert.signal, kind: 'range' as const, rangeMs: forMs }
      : { signal: alert.signal, kind: 'instant' as const };
  const observations = await collectEvidence(
    [request],
    { set: new Map(), windowDeclared: true, useSources: true },
    {
      manifest,
      manifestDir: context.manifestDir,
      env: context.env,
      window: { startMs: context.nowMs - Math.max(context.rateWindowMs, forMs ?? 0), endMs: context.nowMs },
    },
  );
  const observation = observations.get(requestKey(request));
  if (!observation) return { ...base, status: 'error', detail: 'no observation' };
  return { ...base, ...judge(observation, alert, forMs, undefined) };
}
