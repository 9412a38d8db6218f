import { InputError, UsageError } from '../errors.js';
import { parseDuration } from '../time/duration.js';
import type { Point } from './types.js';
import { notANumber, parseNumberText } from './value-check.js';
import { parseTimestamp, secondsToMs } from '../time/timestamp-parse.js';

/** A pasted number, or why it cannot be used (it becomes an error for the criteria that read it). */
export type PastedValue = { value: number } | { problem: string };
export type PastedSeries = { points: Point[] } | { problem: string };

/** Metrics pasted with `--metrics FILE|-`: DESIGN.md's JSON, or `name=value` lines. */
export interface PastedMetrics {
  form: 'json' | 'lines';
  /** The window the values cover (JSON only), ms since the epoch. */
  window?: { start: number; end: number };
  /** The step of every series (JSON only, `"step": "1h"`), ms: each sample stands for the step before it. */
  step?: { ms: number; text: string };
  values: Map<string, PastedValue>;
  series: Map<string, PastedSeries>;
  /** Things worth saying on stderr that do not stop the run. */
  warnings: string[];
}

const SIGNAL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A time as JSON gives it: RFC 3339 text (a real calendar day), or a number of seconds since the
 * epoch (Prometheus style); from 1970 to 9999. Undefined for anything else.
 */
function parseTime(value: unknown): number | undefined {
  if (typeof value === 'number') return secondsToMs(value);
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) {
    const parsed = parseTimestamp(value);
    return 'ms' in parsed ? parsed.ms : undefined;
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function describeJsonError(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const at = /position (\d+)/.exec(message);
  if (at) {
    const offset = Number(at[1]);
    const before = text.slice(0, offset).split('\n');
    return `${message.replace(/ in JSON at position \d+.*$/, '')} at line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
  }
  return message;
}

function parseJsonForm(text: string, label: string): PastedMetrics {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new InputError(
      `the metrics in ${label} are not valid JSON: ${describeJsonError(error, text)}`,
      'paste {"window": {"start": ..., "end": ...}, "values": {"name": number}} or name=value lines',
    );
  }
  if (!isObject(document)) throw new InputError(`the metrics in ${label} must be a JSON object with "values" and/or "series"`);
  const result: PastedMetrics = { form: 'json', values: new Map(), series: new Map(), warnings: [] };
  for (const key of Object.keys(document)) {
    if (!['window', 'step', 'values', 'series'].includes(key))
      result.warnings.push(`${label}: ignoring "${key}" (expected window, step, values and series)`);
  }
  if (document['step'] !== undefined) {
    const text = document['step'];
    const ms = typeof text === 'string' ? parseDuration(text) : undefined;
    if (typeof text !== 'string' || ms === undefined || ms <= 0)
      throw new InputError(
        `the "step" in ${label} must be a duration such as "1h" or "15m" (the time between two samples of each series), up to 100y`,
      );
    result.step = { ms, text };
  }
  if (document['window'] !== undefined) {
    const window = document['window'];
    const start = isObject(window) ? parseTime(window['start']) : undefined;
    const end = isObject(window) ? parseTime(window['end']) : undefined;
    if (start === undefined || end === undefined) {
      throw new InputError(
        `the "window" in ${label} needs "start" and "end" as RFC 3339 times from 1970 to 9999, on real calendar days (2026-11-16T09:00:00Z)`,
      );
    }
    if (end <= start) throw new InputError(`the "window" in ${label} ends before it starts`);
    result.window = { start, end };
  }
  const values = document['values'];
  if (values !== undefined) {
    if (!isObject(values)) throw new InputError(`"values" in ${label} must be an object of signal names to numbers`);
    for (const [name, value] of Object.entries(values)) {
      result.values.set(
        name,
        typeof value === 'number' && Number.isFinite(value) ? { value } : { problem: `${label} gives ${name} as ${describeBad(value)}` },
      );
    }
  }
  const series = document['series'];
  if (series !== undefined) {
    if (!isObject(series)) throw new InputError(`"series" in ${label} must be an object of signal names to [[time, number], ...] lists`);
    for (const [name, list] of Object.entries(series)) result.series.set(name, parseSeries(name, list, label));
  }
  if (values === undefined && series === undefined) result.warnings.push(`${label} has neither "values" nor "series"`);
  return result;
}

function describeBad(value: unknown): string {
  return notANumber(value).replace(/ is not a number$/, ', not a number');
}

function parseSeries(name: string, list: unknown, label: string): PastedSeries {
  if (!Array.isArray(list)) return { problem: `${label}: the series of ${name} is not a list of [time, number] pairs` };
  const points: [number, number][] = [];
  for (const [index, pair] of list.entries()) {
    if (!Array.isArray(pair) || pair.length !== 2)
      return { problem: `${label}: sample ${index + 1} of ${name} is not a [time, number] pair` };
    const time = parseTime(pair[0]);
    if (time === undefined)
      return {
        problem: `${label}: sample ${index + 1} of ${name} has no usable time (seconds since the epoch or RFC 3339, from 1970 to 9999)`,
      };
    const value: unknown = pair[1];
    if (typeof value !== 'number' || !Number.isFinite(value))
      return { problem: `${label}: sample ${index + 1} of ${name} is ${describeBad(value)}` };
    points.push([time, value]);
  }
  points.sort((a, b) => a[0] - b[0]);
  return { points };
}

function parseLinesForm(text: string, label: string): PastedMetrics {
  const result: PastedMetrics = { form: 'lines', values: new Map(), series: new Map(), warnings: [] };
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const name = eq === -1 ? '' : line.slice(0, eq).trim();
    if (eq === -1 || !SIGNAL_NAME.test(name)) {
      throw new InputError(
        `line ${index + 1} of ${label} is not name=value: ${raw.length > 60 ? `${raw.slice(0, 59)}…` : raw}`,
        'write one signal a line, e.g. security_events=0, or paste the JSON form',
      );
    }
    if (result.values.has(name)) result.warnings.push(`${label}: ${name} is given twice; the later value (line ${index + 1}) is used`);
    const parsed = parseNumberText(line.slice(eq + 1));
    result.values.set(name, 'value' in parsed ? parsed : { problem: `${label} line ${index + 1}: ${parsed.problem}` });
  });
  return result;
}

/**
 * Parses pasted metrics: JSON when the text starts with `{`, else `name=value` lines (`#`
 * comments and blank lines allowed). Unusable values are kept with their problem, so the
 * criteria that read them say so; input that cannot be read at all is an InputError.
 */
export function parsePastedMetrics(text: string, label: string): PastedMetrics {
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '')
    throw new InputError(`${label} is empty: no metrics were pasted`, 'paste JSON or name=value lines, then end the input (Ctrl-D)');
  return body.trimStart().startsWith('{') ? parseJsonForm(body, label) : parseLinesForm(body, label);
}

/** Parses repeated `--set name=value` flags. A flag without `name=` is a usage error. */
export function parseSetFlags(flags: readonly string[]): Map<string, PastedValue> {
  const values = new Map<string, PastedValue>();
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    const name = eq === -1 ? '' : flag.slice(0, eq).trim();
    if (!SIGNAL_NAME.test(name))
      throw new UsageError(`--set ${flag}: expected name=value`, 'e.g. --set security_events=0 --set cost_per_invocation_usd=0.081');
    const parsed = parseNumberText(flag.slice(eq + 1));
    values.set(name, 'value' in parsed ? parsed : { problem: `--set ${name}: ${parsed.problem}` });
  }
  return values;
}
