import { alertRuleFor } from '../export/prometheus-rules.js';
import { durationText, parseDuration } from '../time/duration.js';
import type { Alert, Manifest } from '../manifest/types.js';
import { collectEvidence } from '../metrics/collect.js';
import { resolveHeaders, SourceFailure } from '../metrics/http-get.js';
import type { LabelledSeries, PrometheusTarget } from '../metrics/prometheus.js';
import { prometheusSeries } from '../metrics/prometheus.js';
import type { Observation, Point } from '../metrics/types.js';
import { requestKey } from '../metrics/types.js';

/**
 * `guard check`'s evaluation of a manifest's `metrics.alerts` now. A prometheus signal: the very
 * expression `export prometheus-rules` writes for the alert (alertRuleFor: its PromQL with $window
 * replaced by the rate window, compared with the bounds in PromQL), asked of Prometheus; any series
 * in the answer breaches, as the rule would fire for it. With a `for`, a range query over the last
 * `for`: a series breaches only when it is in the answer at every step, as Prometheus moves an alert
 * from pending to firing. http and command signals are read through their sources, as the gate
 * reads them, and compared here. No data is not a breach (Prometheus does not fire on an empty
 * result either); a failed source is an error, never a pass.
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
    const rule = alertRuleFor(manifest, index, { rateWindow: context.rateWindow });
    if ('skip' in rule) return { ...base, status: 'error', detail: `signal ${alert.signal}: ${rule.skip}` };
    let target: PrometheusTarget;
    try {
      target = { name: signal.source, url: source.url ?? '', headers: resolveHeaders(source.headers, context.env), timeoutMs };
    } catch (error) {
      if (!(error instanceof SourceFailure)) throw error;
      return { ...base, status: 'error', expr: rule.expr, detail: `${signal.source} (prometheus): ${error.message}` };
    }
    return { ...base, expr: rule.expr, ...(await judgeExpression(target, rule.expr, alert, forMs, context.nowMs)) };
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

/** A range query's step for an alert's `for`: whole seconds, 1 s to 1 m, and at most about 1,000 steps. */
export function forStepMs(forMs: number): number {
  return Math.max(1000, Math.min(60_000, Math.floor(forMs / 10 / 1000) * 1000), Math.ceil(forMs / 1000 / 1000) * 1000);
}

/** A series as PromQL writes it, `{agent="a"}`, or nothing for a series without labels. */
function seriesText(series: LabelledSeries): string {
  const labels = Object.entries(series.labels)
    .filter(([name]) => name !== '__name__')
    .map(([name, value]) => `${name}=${JSON.stringify(value)}`);
  const text = labels.length === 0 ? '' : `{${labels.join(',')}}`;
  return text.length > 100 ? `${text.slice(0, 98)}…}` : text;
}

/** The breaching series, as a detail: `0.3`, `0.3 at {org="b"}`, `0.3 at {org="b"}, 0.4 at {org="c"}, and 2 more`. */
function breachingText(series: readonly LabelledSeries[]): string {
  const shown = series.slice(0, 3).map((s) => {
    const value = s.points.at(-1)?.[1];
    const where = seriesText(s);
    return `${value}${where === '' ? '' : ` at ${where}`}`;
  });
  return `${shown.join(', ')}${series.length > 3 ? `, and ${series.length - 3} more` : ''}`;
}

/** Asks Prometheus for the alert's expression now (with a `for`, over the last `for`) and judges the answer. */
async function judgeExpression(
  target: PrometheusTarget,
  expr: string,
  alert: Alert,
  forMs: number | undefined,
  nowMs: number,
): Promise<Omit<AlertEvaluation, 'name' | 'index' | 'alert'>> {
  const bounds = boundsText(alert);
  if (forMs === undefined || forMs <= 0) {
    const answer = await prometheusSeries(target, expr, { timeMs: nowMs });
    if (answer.status === 'error') return { status: 'error', detail: answer.reason };
    const [first] = answer.series;
    if (!first) return { status: 'ok', detail: `no series breaches (${bounds})` };
    const value = first.points.at(-1)?.[1];
    return { status: 'breach', ...(value !== undefined ? { value } : {}), detail: `${breachingText(answer.series)} (${bounds})` };
  }
  const stepMs = forStepMs(forMs);
  const steps = Math.floor(forMs / stepMs) + 1;
  const answer = await prometheusSeries(target, expr, { startMs: nowMs - (steps - 1) * stepMs, endMs: nowMs, stepMs });
  if (answer.status === 'error') return { status: 'error', detail: answer.reason };
  const held = `for ${durationText(forMs)}`;
  // A range query gives a series at most one point per step: all of them is every step.
  const firing = answer.series.filter((s) => s.points.length >= steps);
  const [first] = firing;
  if (first) {
    const value = first.points.at(-1)?.[1];
    return {
      status: 'breach',
      ...(value !== undefined ? { value } : {}),
      detail: `${breachingText(firing)}, breaching at every step ${held} (${bounds})`,
    };
  }
  const most = Math.max(0, ...answer.series.map((s) => s.points.length));
  if (most === 0) return { status: 'ok', detail: `no series breaches (${bounds})` };
  const pending = answer.series.find((s) => s.points.length === most);
  const value = pending?.points.at(-1)?.[1];
  return {
    status: 'ok',
    ...(value !== undefined ? { value } : {}),
    detail: `breaching, but not yet ${held} (${most} of ${steps} steps; pending, as Prometheus would hold it) (${bounds})`,
  };
}
