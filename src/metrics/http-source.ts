import { segmentKey } from '../json/pointer.js';
import { HTML_HINT, SourceFailure, answerExcerpt, displayUrl, htmlPage, httpRequest } from './http-get.js';
import type { Observation, Origin, Point } from './types.js';
import { jsonValueText, notANumber } from './value-check.js';
import { plural } from '../text/plural.js';
import { secondsToMs } from '../time/timestamp-parse.js';
import type { Redactor } from '../manifest/redactor.js';

/** An http source and how to reach it. */
export interface HttpTarget {
  name: string;
  url: string;
  headers: Record<string, string>;
  timeoutMs: number;
  /** The run's redactor, for the answers. */
  redactor?: Redactor;
}

/** The value at an RFC 6901 JSON pointer (`/data/value`, `/items/0/n`); `found: false` when there is none. */
export function resolvePointer(document: unknown, pointer: string): { found: true; value: unknown } | { found: false } {
  if (pointer === '') return { found: true, value: document };
  if (!pointer.startsWith('/')) return { found: false };
  let node: unknown = document;
  for (const raw of pointer.slice(1).split('/')) {
    const token = segmentKey(raw);
    if (Array.isArray(node)) {
      if (!/^(?:0|[1-9]\d*)$/.test(token) || Number(token) >= node.length) return { found: false };
      node = node[Number(token)];
    } else if (node !== null && typeof node === 'object' && Object.hasOwn(node, token)) {
      node = (node as Record<string, unknown>)[token];
    } else {
      return { found: false };
    }
  }
  return { found: true, value: node };
}

/** The URL of a signal: the source's URL with the signal's path appended. */
export function signalUrl(base: string, path: string | undefined): URL {
  if (!path) return new URL(base);
  return new URL(base.replace(/\/+$/, '') + (path.startsWith('/') || path.startsWith('?') ? path : `/${path}`));
}

/** A time as an http answer writes it: seconds since the epoch, or milliseconds when over 10^11 (Datadog's pointlist). */
const MS_THRESHOLD = 1e11;

function pointTime(value: number, index: number, owner: string): number {
  const ms =
    Math.abs(value) >= MS_THRESHOLD ? (Number.isInteger(value) && value <= 253_402_300_799_999 ? value : undefined) : secondsToMs(value);
  if (ms === undefined)
    throw new SourceFailure(
      `sample ${index + 1} has a time that is not seconds (or milliseconds) since the epoch from 1970 to 9999 (${owner})`,
    );
  return ms;
}

/** How every error about the answer names the signal and the field that points into it: `signal cost's pointer`. */
function whose(signal: string, field: string): string {
  return `signal ${signal}'s ${field}`;
}

/** A JSON value read as a sample value: a number; a decimal in a string when the signal allows it; null as NaN (no value). */
function sampleValue(value: unknown, stringNumbers: boolean): number | undefined {
  if (typeof value === 'number') return value;
  if (stringNumbers && typeof value === 'string' && STRICT_DECIMAL.test(value)) return Number(value);
  return undefined;
}

const STRICT_DECIMAL = /^-?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function asSeries(value: unknown, stringNumbers: boolean, owner: string): Point[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const points: Point[] = [];
  for (const [index, pair] of value.entries()) {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'number') return undefined;
    points.push([pointTime(pair[0], index, owner), sampleValue(pair[1], stringNumbers) ?? Number.NaN]);
  }
  return points.sort((a, b) => a[0] - b[0]);
}

/** What an http signal asks of its source: the request, and where the number or series is in the answer. */
export interface HttpSignalRequest {
  signal: string;
  path?: string | undefined;
  method?: 'GET' | 'POST' | undefined;
  /** The body, placeholders already replaced (JSON). */
  body?: string | undefined;
  pointer?: string | undefined;
  timesPointer?: string | undefined;
  valuesPointer?: string | undefined;
  stringNumbers?: boolean | undefined;
  wantSeries: boolean;
}

function found(document: unknown, pointer: string, signal: string, field: string): unknown {
  const at = resolvePointer(document, pointer);
  if (!at.found) throw new SourceFailure(`the answer has nothing at ${pointer || '(the root)'} (${whose(signal, field)})`);
  return at.value;
}

/** The series of an answer with separate arrays: times (ms) at one pointer, values beside them at another. */
function separateArrays(document: unknown, request: HttpSignalRequest, timesPointer: string, valuesPointer: string): Point[] {
  const times = found(document, timesPointer, request.signal, 'timesPointer');
  const values = found(document, valuesPointer, request.signal, 'valuesPointer');
  const ofTimes = whose(request.signal, 'timesPointer');
  const ofValues = whose(request.signal, 'valuesPointer');
  if (!Array.isArray(times)) throw new SourceFailure(`${timesPointer}: ${jsonValueText(times)} is not a list of times (${ofTimes})`);
  if (!Array.isArray(values)) throw new SourceFailure(`${valuesPointer}: ${jsonValueText(values)} is not a list of values (${ofValues})`);
  if (times.length !== values.length)
    throw new SourceFailure(
      `${timesPointer} has ${plural(times.length, 'time')} but ${valuesPointer} has ${plural(values.length, 'value')} (${whose(request.signal, 'timesPointer and valuesPointer')})`,
    );
  return times
    .map((time, index): Point => {
      if (typeof time !== 'number') throw new SourceFailure(`${timesPointer}/${index}: ${notANumber(time)} (${ofTimes})`);
      const value = values[index] === null ? Number.NaN : sampleValue(values[index], request.stringNumbers === true);
      if (value === undefined) throw new SourceFailure(`${valuesPointer}/${index}: ${notANumber(values[index])} (${ofValues})`);
      return [pointTime(time, index, ofTimes), value];
    })
    .sort((a, b) => a[0] - b[0]);
}

/** The last point of a series as the signal's value at the window's end; none, or NaN there, is no data. */
function lastValue(points: Point[], origin: Origin, where: string): Observation {
  const last = points.at(-1);
  if (!last || Number.isNaN(last[1])) return { status: 'no-data', origin, reason: `no data: ${where} has no value at its last time` };
  return { status: 'value', value: last[1], origin, dated: true };
}

/** A JSON answer from the source: GET, or POST with a body; an HTTP error, or an answer that is not JSON, is a SourceFailure. */
async function jsonDocument(
  target: HttpTarget,
  url: URL,
  postBody: string | undefined,
): Promise<{ document: unknown; redirectedTo?: string }> {
  const answer = await httpRequest(url, {
    headers: target.headers,
    timeoutMs: target.timeoutMs,
    ...(postBody !== undefined ? { method: 'POST' as const, body: postBody } : {}),
    ...(target.redactor ? { redactor: target.redactor } : {}),
  });
  if (answer.status >= 400) {
    const excerpt = answerExcerpt(answer);
    throw new SourceFailure(`HTTP ${answer.status}${excerpt ? `: ${excerpt}` : ''}`);
  }
  try {
    return { document: JSON.parse(answer.text), ...(answer.redirectedTo ? { redirectedTo: answer.redirectedTo } : {}) };
  } catch {
    const page = htmlPage(answer);
    if (page) throw new SourceFailure(`answered with ${page}, not JSON; ${HTML_HINT}`);
    throw new SourceFailure(`the answer is not JSON: ${answerExcerpt(answer) || '(empty)'}`);
  }
}

/**
 * The answer to a signal's `attributionPath` (GET, through the same client and headers as its
 * own request), for `signals check` to look for the attribution label in: the document, or why
 * there is none, worded like a failed signal.
 */
export async function httpAttributionDocument(target: HttpTarget, path: string): Promise<{ document: unknown } | { reason: string }> {
  let shown = displayUrl(`${target.url}${path}`);
  try {
    const url = signalUrl(target.url, path);
    shown = displayUrl(url);
    return { document: (await jsonDocument(target, url, undefined)).document };
  } catch (error) {
    if (!(error instanceof SourceFailure) && !(error instanceof TypeError)) throw error;
    return { reason: `${target.name} (http at ${shown}): ${error.message}` };
  }
}

/** An http signal's observation, and the answer it was read from (for `signals check`: is the attribution there). */
export interface HttpSignalResult {
  observation: Observation;
  document?: unknown;
}

/**
 * Requests a JSON document (GET, or POST with the signal's body) and takes the number at
 * `pointer`. `null` there is no data; nothing there, a string or a body that is not JSON is a
 * failure. A `[[time, value], ...]` array at the pointer is a series (times in seconds, or in
 * milliseconds); for an instant request its last value is the value. With `timesPointer` and
 * `valuesPointer`, the series is the two arrays side by side.
 */
export async function httpSignalWithDocument(target: HttpTarget, request: HttpSignalRequest): Promise<HttpSignalResult> {
  const { path, wantSeries } = request;
  let url: URL;
  const origin: Extract<Origin, { kind: 'source' }> = {
    kind: 'source',
    source: target.name,
    type: 'http',
    url: displayUrl(`${target.url}${path ?? ''}`),
  };
  let document: unknown;
  try {
    url = signalUrl(target.url, path);
    origin.url = displayUrl(url);
    const answer = await jsonDocument(target, url, request.method === 'POST' ? (request.body ?? '{}') : undefined);
    if (answer.redirectedTo) origin.answeredBy = answer.redirectedTo;
    document = answer.document;
    const stringNumbers = request.stringNumbers === true;
    if (request.pointer === undefined) {
      if (request.timesPointer === undefined || request.valuesPointer === undefined)
        throw new SourceFailure(
          `signal ${request.signal} has no "pointer" (where the number is in the answer), nor both "timesPointer" and "valuesPointer"`,
        );
      const points = separateArrays(document, request, request.timesPointer, request.valuesPointer);
      if (points.length === 0)
        return { observation: { status: 'no-data', origin, reason: `no data: ${request.timesPointer} is empty in the answer` }, document };
      if (wantSeries) return { observation: { status: 'series', points, origin, dated: true }, document };
      return { observation: lastValue(points, origin, request.valuesPointer), document };
    }
    const { pointer } = request;
    const value = found(document, pointer, request.signal, 'pointer');
    if (value === null)
      return { observation: { status: 'no-data', origin, reason: `no data: ${pointer} is null in the answer` }, document };
    const ofPointer = whose(request.signal, 'pointer');
    const points = asSeries(value, stringNumbers, ofPointer);
    if (points) {
      if (wantSeries) return { observation: { status: 'series', points, origin, dated: true }, document };
      return { observation: lastValue(points, origin, pointer), document };
    }
    const number = sampleValue(value, stringNumbers);
    if (number === undefined) throw new SourceFailure(`${pointer}: ${notANumber(value)} (${ofPointer})`);
    return { observation: { status: 'value', value: number, origin, dated: true }, document };
  } catch (error) {
    if (!(error instanceof SourceFailure) && !(error instanceof TypeError)) throw error;
    return {
      observation: { status: 'error', origin, reason: `${target.name} (http at ${origin.url}): ${error.message}` },
      ...(document !== undefined ? { document } : {}),
    };
  }
}

/** httpSignalWithDocument's observation alone: what the gate reads. */
export async function httpSignal(target: HttpTarget, request: HttpSignalRequest): Promise<Observation> {
  return (await httpSignalWithDocument(target, request)).observation;
}
