import type { Manifest, Signal } from '../manifest/types.js';
import { windowText } from '../time/duration.js';
import type { EvidenceContext } from './collect.js';
import { attributionPathOf, fromSource, httpRequestOf, replaceWindow, sourceTimeout } from './collect.js';
import { SourceFailure, displayUrl, resolveHeaders } from './http-get.js';
import { httpAttributionDocument, httpSignalWithDocument } from './http-source.js';
import type { PromSeries } from './prometheus.js';
import { ask, endpoint, parsePrometheusValue } from './prometheus.js';
import type { Observation, Origin, SignalProbe } from './types.js';
import { checkObservation } from './value-check.js';
import { expandTokenCost } from './token-cost.js';

/**
 * `signals check`: each signal queried from its source now, over the window, with what a person
 * needs to trust it before a gate depends on it. Does I/O (the sources); the outcome is judged
 * by the pure src/gate/signals-check.ts.
 */

/** Identifiers PromQL uses that are not metric names, should one stand before `[`. */
const PROMQL_WORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset']);

/**
 * The series selectors of a PromQL query: `name{matchers}`, `{matchers}`, and `name` directly
 * before a range (`rate(name[5m])`). String literals are skipped; a bare name elsewhere
 * (`sum(name)`) is not found, so such a query's attribution is reported as unknown.
 */
export function promqlSelectors(query: string): string[] {
  const selectors: string[] = [];
  let i = 0;
  const skipString = (at: number): number => {
    const quote = query[at];
    let j = at + 1;
    while (j < query.length && query[j] !== quote) j += query[j] === '\\' && quote !== '`' ? 2 : 1;
    return j + 1;
  };
  const nameBefore = (at: number): string | undefined => /([A-Za-z_:][A-Za-z0-9_:]*)\s*$/.exec(query.slice(0, at))?.[1];
  while (i < query.length) {
    const c = query[i] as string;
    if (c === '"' || c === "'" || c === '`') {
      i = skipString(i);
    } else if (c === '{') {
      let j = i + 1;
      while (j < query.length && query[j] !== '}') j = query[j] === '"' || query[j] === "'" || query[j] === '`' ? skipString(j) : j + 1;
      const name = nameBefore(i);
      const usable = name !== undefined && !PROMQL_WORDS.has(name) ? name : '';
      // `sum by (x) {` does not happen; a name before `{` is a metric name.
      selectors.push(`${usable}${query.slice(i, j + 1)}`);
      i = j + 1;
    } else if (c === '[') {
      const before = query.slice(0, i).trimEnd();
      const name = nameBefore(i);
      if (name !== undefined && !PROMQL_WORDS.has(name) && !before.endsWith('}') && !before.endsWith(')')) selectors.push(name);
      i = query.indexOf(']', i) === -1 ? query.length : query.indexOf(']', i) + 1;
    } else {
      i += 1;
    }
  }
  return [...new Set(selectors)];
}

/** Whether an http answer carries the attribution: a key of that name, or a `label:value` tag (Datadog). */
function documentHasLabel(document: unknown, label: string, depth = 0): boolean {
  if (depth > 64) return false;
  if (typeof document === 'string') return document.startsWith(`${label}:`) || document.includes(`,${label}:`);
  if (Array.isArray(document)) return document.some((item) => documentHasLabel(item, label, depth + 1));
  if (document !== null && typeof document === 'object')
    return Object.entries(document).some(([key, value]) => key === label || documentHasLabel(value, label, depth + 1));
  return false;
}

function reasonOf(observation: Observation): string | undefined {
  return observation.status === 'no-data' || observation.status === 'error' ? observation.reason : undefined;
}

function fromObservation(base: Omit<SignalProbe, 'status' | 'series' | 'queryMs'>, observation: Observation): Omit<SignalProbe, 'queryMs'> {
  const reason = reasonOf(observation);
  return {
    ...base,
    status: observation.status === 'value' || observation.status === 'series' ? 'data' : observation.status,
    ...(observation.status === 'value' ? { value: observation.value } : {}),
    series: observation.status === 'value' || observation.status === 'series' ? 1 : 0,
    ...(reason !== undefined ? { reason } : {}),
  };
}

async function probePrometheus(
  name: string,
  definition: Signal,
  url: string,
  context: EvidenceContext,
  timeoutMs: number,
  headers: Record<string, string>,
): Promise<Omit<SignalProbe, 'queryMs'>> {
  const { window } = context;
  const sourceName = definition.source;
  const target = { name: sourceName, url, headers, timeoutMs, ...(context.redactor ? { redactor: context.redactor } : {}) };
  const base = { signal: name, source: sourceName, type: 'prometheus' as const };
  const origin: Extract<Origin, { kind: 'source' }> = { kind: 'source', source: sourceName, type: 'prometheus' };
  const text = windowText(window.endMs - window.startMs);
  const instant = async (query: string): Promise<PromSeries[]> => {
    const request = endpoint(url, 'api/v1/query');
    request.searchParams.set('query', query);
    request.searchParams.set('time', String(window.endMs / 1000));
    request.searchParams.set('timeout', `${Math.max(1, Math.floor(timeoutMs / 1000))}s`);
    const data = await ask(target, request, origin);
    if (data.resultType === 'scalar') return [{ metric: {}, value: data.result as [number, string] }];
    if (data.resultType !== 'vector')
      throw new SourceFailure(
        `the query returned a ${String(data.resultType)}, where one number was expected (an instant vector or scalar)`,
      );
    return (Array.isArray(data.result) ? data.result : []) as PromSeries[];
  };
  try {
    if (!definition.query) throw new SourceFailure(`signal ${name} has no "query" for prometheus source ${sourceName}`);
    const query = replaceWindow(expandTokenCost(definition.query, context.manifest, name), text);
    const result = await instant(query);
    let attribution: SignalProbe['attribution'];
    if (definition.attribution !== undefined) {
      const label = definition.attribution;
      const selectors = promqlSelectors(query);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(label)) attribution = { label, present: false, detail: 'not a Prometheus label name' };
      else if (selectors.length === 0) attribution = { label, present: null, detail: 'no series selector found in the query' };
      else {
        let present = true;
        const lacking: string[] = [];
        for (const selector of selectors) {
          const series = await instant(`count by (${label}) (last_over_time(${selector}[${text}]))`);
          if (!series.some((s) => (s.metric?.[label] ?? '') !== '')) {
            present = false;
            lacking.push(selector);
          }
        }
        attribution = { label, present, ...(lacking.length ? { detail: `not on ${lacking.join(', ')}` } : {}) };
      }
    }
    const withAttribution = { ...base, ...(attribution ? { attribution } : {}) };
    if (result.length === 0)
      return { ...withAttribution, status: 'no-data', series: 0, reason: 'no data: the query returned no series at the end of the window' };
    if (result.length > 1)
      return {
        ...withAttribution,
        status: 'no-data',
        series: result.length,
        reason: `the query returned ${result.length} series; a criterion is judged on one number: aggregate it, e.g. sum(...)`,
      };
    const sample = result[0]?.value;
    if (!Array.isArray(sample) || sample.length !== 2) throw new SourceFailure('the series has no [time, value] sample');
    const checked = checkObservation(
      name,
      { status: 'value', value: parsePrometheusValue(sample[1]), origin, dated: true },
      context.manifest.metrics?.sampleSignal,
    );
    return { ...fromObservation(withAttribution, checked), series: 1 };
  } catch (error) {
    if (!(error instanceof SourceFailure)) throw error;
    return { ...base, status: 'error', series: 0, reason: `${sourceName} (prometheus at ${displayUrl(url)}): ${error.message}` };
  }
}

/** Queries one signal from its source over the context's window, as `signals check` reports it. */
export async function probeSignal(name: string, context: EvidenceContext): Promise<SignalProbe> {
  const probe = await probeOnce(name, context);
  const label = context.manifest.metrics?.signals?.[name]?.attribution;
  // A declared attribution is always shown: when the query failed, as not known.
  return label !== undefined && !probe.attribution ? { ...probe, attribution: { label, present: null } } : probe;
}

async function probeOnce(name: string, context: EvidenceContext): Promise<SignalProbe> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  const { manifest } = context;
  const definition = manifest.metrics?.signals?.[name] as Signal;
  const source = manifest.metrics?.sources?.[definition.source];
  if (!source)
    return {
      signal: name,
      source: definition.source,
      type: 'none',
      status: 'error',
      series: 0,
      queryMs: 0,
      reason: `signal ${name} names source "${definition.source}", which metrics.sources does not declare`,
    };
  const timeoutMs = sourceTimeout(source);
  let headers: Record<string, string>;
  try {
    headers = resolveHeaders(source.headers, context.env);
  } catch (error) {
    if (!(error instanceof SourceFailure)) throw error;
    return {
      signal: name,
      source: definition.source,
      type: source.type,
      status: 'error',
      series: 0,
      queryMs: 0,
      reason: `${definition.source} (${source.type}): ${error.message}`,
    };
  }
  switch (source.type) {
    case 'prometheus': {
      const probe = await probePrometheus(name, definition, source.url ?? '', context, timeoutMs, headers);
      return { ...probe, queryMs: elapsed() };
    }
    case 'http': {
      const base = { signal: name, source: definition.source, type: 'http' as const };
      let request;
      try {
        request = httpRequestOf(name, definition, context.window, false);
      } catch (error) {
        if (!(error instanceof SourceFailure)) throw error;
        return { ...base, status: 'error', series: 0, queryMs: elapsed(), reason: `${definition.source} (http): ${error.message}` };
      }
      const target = {
        name: definition.source,
        url: source.url ?? '',
        headers,
        timeoutMs,
        ...(context.redactor ? { redactor: context.redactor } : {}),
      };
      const { observation, document } = await httpSignalWithDocument(target, request);
      const checked = checkObservation(name, observation, manifest.metrics?.sampleSignal);
      const label = definition.attribution;
      let attribution: SignalProbe['attribution'] | undefined;
      if (label !== undefined && definition.attributionPath !== undefined && observation.status !== 'error') {
        // The signal's own answer is one aggregate number; the attribution shows where the same question is grouped by it.
        let path: string;
        try {
          path = attributionPathOf(name, definition.attributionPath, context.window);
        } catch (error) {
          if (!(error instanceof SourceFailure)) throw error;
          return { ...base, status: 'error', series: 0, queryMs: elapsed(), reason: `${definition.source} (http): ${error.message}` };
        }
        const grouped = await httpAttributionDocument(target, path);
        if ('reason' in grouped)
          return {
            ...base,
            status: 'error',
            series: 0,
            queryMs: elapsed(),
            reason: `${grouped.reason} (signal ${name}'s attributionPath)`,
          };
        attribution = documentHasLabel(grouped.document, label)
          ? { label, present: true }
          : { label, present: false, detail: 'not in the answer to its attributionPath' };
      } else if (label !== undefined) {
        attribution = { label, present: document === undefined ? null : documentHasLabel(document, label) };
      }
      return { ...fromObservation({ ...base, ...(attribution ? { attribution } : {}) }, checked), queryMs: elapsed() };
    }
    case 'command': {
      const observation = await fromSource({ signal: name, kind: 'instant' }, context);
      const checked = checkObservation(name, observation, manifest.metrics?.sampleSignal);
      const label = definition.attribution;
      return {
        ...fromObservation(
          {
            signal: name,
            source: definition.source,
            type: 'command',
            ...(label !== undefined ? { attribution: { label, present: null, detail: 'a command prints a number, not labels' } } : {}),
          },
          checked,
        ),
        queryMs: elapsed(),
      };
    }
  }
}

/** Every signal of the manifest, probed concurrently, in the manifest's order. */
export async function probeSignals(manifest: Manifest, context: EvidenceContext): Promise<SignalProbe[]> {
  return Promise.all(Object.keys(manifest.metrics?.signals ?? {}).map((name) => probeSignal(name, context)));
}
