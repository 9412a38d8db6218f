import { HTML_HINT, SourceFailure, answerExcerpt, displayUrl, htmlPage, httpGet } from './http-get.js';
import type { Observation, Origin, Point } from './types.js';
import { windowText } from '../time/duration.js';
import type { Redactor } from '../manifest/redactor.js';
import { notANumber } from './value-check.js';
import { secondsToMs } from '../time/timestamp-parse.js';
import { formatTime } from '../time/timestamp.js';

/** A Prometheus server and how to reach it. */
export interface PrometheusTarget {
  /** The source's name in metrics.sources. */
  name: string;
  url: string;
  headers: Record<string, string>;
  timeoutMs: number;
  /** The run's redactor, for the answers. */
  redactor?: Redactor;
}

/** A range query returns at most this many points per series (Prometheus allows 11,000). */
const MAX_POINTS = 1000;
const STEP_LADDER_MS = [60_000, 300_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000];

/**
 * The resolution of a range query over `rangeMs`: the finest of 1m, 5m, 15m, 30m, 1h, ... giving
 * at most 1000 points, and never coarser than a seventh of the range (whole seconds).
 */
export function chooseStep(rangeMs: number): number {
  const ladder = STEP_LADDER_MS.find((step) => rangeMs / step <= MAX_POINTS) ?? Math.ceil(rangeMs / MAX_POINTS / 60_000) * 60_000;
  return Math.min(ladder, Math.max(1000, Math.floor(rangeMs / 7 / 1000) * 1000));
}

/** A number as Prometheus's HTTP API writes a sample value (Go's strconv.FormatFloat): decimal or exponent form. */
const PROMETHEUS_NUMBER = /^-?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A sample value as Prometheus writes it: "0.5", "1e-05", "NaN", "+Inf", "-Inf". Anything else
 * ("0x0", " 0 ", "", "Infinity", a number that is not a string) is not an answer Prometheus gives:
 * a SourceFailure naming it, never a number read some other way.
 */
export function parsePrometheusValue(text: unknown): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (text === 'NaN') return Number.NaN;
  if (typeof text === 'string' && PROMETHEUS_NUMBER.test(text)) return Number(text);
  const shown = typeof text === 'string' ? JSON.stringify(text.length > 40 ? `${text.slice(0, 39)}…` : text) : notANumber(text);
  throw new SourceFailure(
    typeof text === 'string'
      ? `the sample value ${shown} is not a number as Prometheus writes one (decimal, NaN, +Inf or -Inf)`
      : `a sample value is not a string as Prometheus writes one: ${shown}`,
  );
}

/** A sample's time (seconds since the epoch, as Prometheus writes it) in ms; a SourceFailure when it is not one. */
function sampleTime(value: unknown): number {
  const ms = secondsToMs(value);
  if (ms === undefined)
    throw new SourceFailure(`a sample's time is not seconds since the epoch from 1970 to 9999: ${JSON.stringify(value)}`);
  return ms;
}

export function endpoint(base: string, path: string): URL {
  const root = base.endsWith('/') ? base : `${base}/`;
  return new URL(path, root);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

interface PromAnswer {
  status?: string;
  errorType?: string;
  error?: string;
  data?: { resultType?: string; result?: unknown };
}

export async function ask(
  target: PrometheusTarget,
  url: URL,
  origin: Extract<Origin, { kind: 'source' }>,
): Promise<NonNullable<PromAnswer['data']>> {
  const answer = await httpGet(url, { headers: target.headers, timeoutMs: target.timeoutMs, redactor: target.redactor });
  if (answer.redirectedTo) origin.answeredBy = answer.redirectedTo;
  let body: PromAnswer | undefined;
  try {
    body = JSON.parse(answer.text) as PromAnswer;
  } catch {
    body = undefined;
  }
  if (body?.status === 'error' || answer.status >= 400) {
    const detail = body?.error ? `${body.errorType ? `${body.errorType}: ` : ''}${body.error}` : answerExcerpt(answer) || 'no details';
    throw new SourceFailure(`${answer.status >= 400 ? `HTTP ${answer.status}` : 'status error'}: ${detail}`);
  }
  if (!body) {
    const page = htmlPage(answer);
    if (page) throw new SourceFailure(`answered with ${page}, not the JSON of the Prometheus API; ${HTML_HINT}`);
  }
  if (body?.status !== 'success' || body.data === undefined || typeof body.data !== 'object') {
    throw new SourceFailure(`the answer is not a Prometheus API response: ${answerExcerpt(answer) || '(empty)'}`);
  }
  return body.data;
}

export interface PromSeries {
  metric?: Record<string, string>;
  value?: [number, string];
  values?: [number, string][];
}

function labelsText(series: PromSeries): string {
  const labels = Object.entries(series?.metric ?? {}).map(([k, v]) => `${k}="${String(v)}"`);
  const text = `{${labels.join(',')}}`;
  return text.length > 100 ? `${text.slice(0, 98)}…}` : text;
}

/** A query that matched no series: no data (never a zero), with where to look. */
function noSeries(what: string, sourceName: string, origin: Origin): Observation {
  return {
    status: 'no-data',
    origin,
    reason: `no data: the ${what} returned no series`,
    hint: `check that the metric exists in ${sourceName} over the window, and the query's labels`,
  };
}

/**
 * More than one series is an error, never a pick: the first series Prometheus happens to list is
 * an arbitrary one, and a criterion judged on it would say nothing about the agent.
 */
function tooMany(what: 'query' | 'range query', count: number, series: PromSeries[]): SourceFailure {
  const shown = series.slice(0, 2).map(labelsText).join(', ');
  return new SourceFailure(
    `the ${what} returned ${count} series (${shown}${count > 2 ? ', ...' : ''}); a criterion is judged on one number, never on an arbitrary series: aggregate the query to one series, e.g. sum(...) or max(...) without "by"`,
  );
}

function failure(target: PrometheusTarget, origin: Origin, error: unknown): Extract<Observation, { status: 'error' }> {
  if (!(error instanceof SourceFailure)) throw error;
  return { status: 'error', origin, reason: `${target.name} (prometheus at ${displayUrl(target.url)}): ${error.message}` };
}

/**
 * The URL of a query to `api` (the query, `params` and Prometheus's own timeout, a second under
 * ours) and the origin an observation from it names (the URL without its query string).
 */
function request(
  target: PrometheusTarget,
  api: string,
  query: string,
  params: Record<string, string>,
  when: { time: string } | { range: { start: string; end: string; step: string } },
): { url: URL; origin: Extract<Origin, { kind: 'source' }> } {
  const url = endpoint(target.url, api);
  url.searchParams.set('query', query);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  url.searchParams.set('timeout', `${Math.max(1, Math.floor(target.timeoutMs / 1000))}s`);
  const origin = {
    kind: 'source',
    source: target.name,
    type: 'prometheus',
    query,
    url: displayUrl(endpoint(target.url, api)),
    ...when,
  } as const;
  return { url, origin };
}

/** An instant query at `timeMs` (GET /api/v1/query). An empty result is no data, never zero. */
export async function prometheusInstant(target: PrometheusTarget, query: string, timeMs: number): Promise<Observation> {
  const { url, origin } = request(target, 'api/v1/query', query, { time: String(timeMs / 1000) }, { time: iso(timeMs) });
  try {
    const data = await ask(target, url, origin);
    if (data.resultType === 'scalar' || data.resultType === 'string') {
      const pair = data.result as [number, string] | undefined;
      if (data.resultType === 'string') throw new SourceFailure('the query returned a string, not a number');
      if (!Array.isArray(pair) || pair.length !== 2) throw new SourceFailure('the scalar has no [time, value] sample');
      return { status: 'value', value: parsePrometheusValue(pair[1]), origin, dated: true };
    }
    if (data.resultType !== 'vector')
      throw new SourceFailure(
        `the query returned a ${String(data.resultType)}, where one number was expected (an instant vector or scalar)`,
      );
    const result = (Array.isArray(data.result) ? data.result : []) as PromSeries[];
    if (result.length === 0) return noSeries('query', target.name, origin);
    if (result.length > 1) throw tooMany('query', result.length, result);
    const sample = result[0]?.value;
    if (!Array.isArray(sample) || sample.length !== 2) throw new SourceFailure('the series has no [time, value] sample');
    const value = parsePrometheusValue(sample[1]);
    const stamped = sampleTime(sample[0]);
    // Prometheus stamps an instant query's answer with the time asked for; any other time is not current data.
    if (Math.abs(stamped - timeMs) > 1000)
      return {
        status: 'no-data',
        origin,
        reason: `no current data: the answer is stamped ${formatTime(stamped)}, not the time asked for (${formatTime(timeMs)})`,
        hint: `check that ${target.name} is a Prometheus server and not something answering in its place`,
      };
    return { status: 'value', value, origin, dated: true };
  } catch (error) {
    return failure(target, origin, error);
  }
}

/**
 * A range query (GET /api/v1/query_range) with points every `stepMs` up to `endMs`, the first a
 * step after `startMs`, so each point covers its own step and none reaches before the start.
 */
export async function prometheusRange(
  target: PrometheusTarget,
  query: string,
  range: { startMs: number; endMs: number; stepMs: number },
): Promise<Observation> {
  const { endMs, stepMs } = range;
  const steps = Math.floor((endMs - range.startMs) / stepMs);
  const firstMs = endMs - (steps - 1) * stepMs;
  const { url, origin } = request(
    target,
    'api/v1/query_range',
    query,
    { start: String(firstMs / 1000), end: String(endMs / 1000), step: String(stepMs / 1000) },
    { range: { start: iso(firstMs), end: iso(endMs), step: windowText(stepMs) } },
  );
  try {
    if (steps < 1) {
      return {
        status: 'no-data',
        origin,
        reason: `no series yet: the window (${windowText(endMs - range.startMs)}) is shorter than one step (${windowText(stepMs)})`,
      };
    }
    const data = await ask(target, url, origin);
    if (data.resultType !== 'matrix')
      throw new SourceFailure(`the range query returned a ${String(data.resultType)}, where a series was expected`);
    const result = (Array.isArray(data.result) ? data.result : []) as PromSeries[];
    if (result.length === 0) return noSeries('range query', target.name, origin);
    if (result.length > 1) throw tooMany('range query', result.length, result);
    const values: unknown = result[0]?.values ?? [];
    if (!Array.isArray(values)) throw new SourceFailure('the series has no list of [time, value] samples');
    const points: Point[] = values.map((sample: unknown) => {
      if (!Array.isArray(sample) || sample.length !== 2) throw new SourceFailure('a sample of the series is not a [time, value] pair');
      return [sampleTime(sample[0]), parsePrometheusValue(sample[1])] as const;
    });
    return { status: 'series', points, origin, dated: true, stepMs };
  } catch (error) {
    return failure(target, origin, error);
  }
}

/** One series of an answer: its labels and its points (one for an instant query). */
export interface LabelledSeries {
  labels: Record<string, string>;
  points: Point[];
}

/** Every series an expression returned, or why it could not be read. */
export type SeriesAnswer =
  | { status: 'series'; series: LabelledSeries[]; origin: Origin }
  | { status: 'error'; origin: Origin; reason: string };

function seriesPoints(series: PromSeries, key: 'value' | 'values'): Point[] {
  const samples: unknown = key === 'value' ? [series.value] : series.values;
  if (!Array.isArray(samples)) throw new SourceFailure('a series has no list of [time, value] samples');
  return samples.map((sample: unknown) => {
    if (!Array.isArray(sample) || sample.length !== 2) throw new SourceFailure('a sample of a series is not a [time, value] pair');
    return [sampleTime(sample[0]), parsePrometheusValue(sample[1])] as const;
  });
}

/**
 * Every series of an expression, as an alerting rule sees them (any series may fire, so none is an
 * error): an instant query at `timeMs`, or a range query with a point at `startMs` and every
 * `stepMs` up to `endMs`. An empty result is an empty list.
 */
export async function prometheusSeries(
  target: PrometheusTarget,
  query: string,
  when: { timeMs: number } | { startMs: number; endMs: number; stepMs: number },
): Promise<SeriesAnswer> {
  const instant = 'timeMs' in when;
  const { url, origin } = instant
    ? request(target, 'api/v1/query', query, { time: String(when.timeMs / 1000) }, { time: iso(when.timeMs) })
    : request(
        target,
        'api/v1/query_range',
        query,
        { start: String(when.startMs / 1000), end: String(when.endMs / 1000), step: String(when.stepMs / 1000) },
        { range: { start: iso(when.startMs), end: iso(when.endMs), step: windowText(when.stepMs) } },
      );
  try {
    const data = await ask(target, url, origin);
    const expected = instant ? 'vector' : 'matrix';
    if (data.resultType !== expected)
      throw new SourceFailure(
        `the ${instant ? 'query' : 'range query'} returned a ${String(data.resultType)}, where a ${expected} was expected`,
      );
    const result = (Array.isArray(data.result) ? data.result : []) as PromSeries[];
    const series = result.map((item) => ({
      labels: Object.fromEntries(Object.entries(item?.metric ?? {}).map(([k, v]) => [k, String(v)])),
      points: seriesPoints(item, instant ? 'value' : 'values'),
    }));
    return { status: 'series', series, origin };
  } catch (error) {
    return failure(target, origin, error);
  }
}
