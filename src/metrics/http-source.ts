import { segmentKey } from '../json/pointer.js';
import { HTML_HINT, SourceFailure, answerExcerpt, displayUrl, htmlPage, httpGet } from './http-get.js';
import type { Observation, Origin, Point } from './types.js';
import { notANumber } from './value-check.js';
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
    } else if (node !== null && typeof node === 'object' && Object.prototype.hasOwnProperty.call(node, token)) {
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

function asSeries(value: unknown): Point[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const points: Point[] = [];
  for (const [index, pair] of value.entries()) {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'number') return undefined;
    const ms = secondsToMs(pair[0]);
    if (ms === undefined) throw new SourceFailure(`sample ${index + 1} has a time that is not seconds since the epoch from 1970 to 9999`);
    points.push([ms, typeof pair[1] === 'number' ? pair[1] : Number.NaN]);
  }
  return points.sort((a, b) => a[0] - b[0]);
}

/**
 * GETs a JSON document and takes the number at `pointer`. `null` there is no data; nothing
 * there, a string or a body that is not JSON is a failure. For a series request, an array of
 * [seconds, number] pairs at the pointer is a series.
 */
export async function httpSignal(target: HttpTarget, path: string | undefined, pointer: string, wantSeries: boolean): Promise<Observation> {
  let url: URL;
  const origin: Extract<Origin, { kind: 'source' }> = {
    kind: 'source',
    source: target.name,
    type: 'http',
    url: displayUrl(`${target.url}${path ?? ''}`),
  };
  try {
    url = signalUrl(target.url, path);
    origin.url = displayUrl(url);
    const answer = await httpGet(url, { headers: target.headers, timeoutMs: target.timeoutMs, redactor: target.redactor });
    if (answer.redirectedTo) origin.answeredBy = answer.redirectedTo;
    if (answer.status >= 400) {
      const excerpt = answerExcerpt(answer);
      throw new SourceFailure(`HTTP ${answer.status}${excerpt ? `: ${excerpt}` : ''}`);
    }
    let document: unknown;
    try {
      document = JSON.parse(answer.text);
    } catch {
      const page = htmlPage(answer);
      if (page) throw new SourceFailure(`answered with ${page}, not JSON; ${HTML_HINT}`);
      throw new SourceFailure(`the answer is not JSON: ${answerExcerpt(answer) || '(empty)'}`);
    }
    const at = resolvePointer(document, pointer);
    if (!at.found) throw new SourceFailure(`the answer has nothing at ${pointer || '(the root)'}`);
    if (at.value === null) return { status: 'no-data', origin, reason: `no data: ${pointer} is null in the answer` };
    if (wantSeries) {
      const points = asSeries(at.value);
      if (points) return { status: 'series', points, origin, dated: true };
    }
    if (typeof at.value !== 'number') throw new SourceFailure(`${pointer}: ${notANumber(at.value)}`);
    return { status: 'value', value: at.value, origin, dated: true };
  } catch (error) {
    if (!(error instanceof SourceFailure) && !(error instanceof TypeError)) throw error;
    return { status: 'error', origin, reason: `${target.name} (http at ${origin.url}): ${error.message}` };
  }
}
