import { MAX_TIMER_MS, parseDuration } from '../time/duration.js';
import type { Manifest, Signal, Source } from '../manifest/types.js';
import type { Redactor } from '../manifest/redactor.js';
import { commandSignal } from './command-source.js';
import { SourceFailure, resolveHeaders } from './http-get.js';
import type { HttpSignalRequest } from './http-source.js';
import { httpSignal } from './http-source.js';
import { TemplateError, fillPlaceholders, placeholderValues, requestBody } from '../manifest/placeholders.js';
import type { PastedMetrics, PastedValue } from './pasted.js';
import { chooseStep, prometheusInstant, prometheusRange } from './prometheus.js';
import type { Observation, Origin, SignalRequest } from './types.js';
import { requestKey } from './types.js';
import { checkObservation } from './value-check.js';
import { expandTokenCost } from './token-cost.js';
import { windowText } from '../time/duration.js';

/** The evidence the operator supplied, highest precedence first. */
export interface EvidenceLayers {
  /** `--set name=value`. */
  set: ReadonlyMap<string, PastedValue>;
  /** `--metrics FILE|-`. */
  pasted?: { metrics: PastedMetrics; label: string };
  /** Values typed at the terminal prompt. */
  prompted?: ReadonlyMap<string, number>;
  /** The window was declared (--window, or answered at the prompt): values without a window of their own cover it. */
  windowDeclared: boolean;
  /** Query metrics.sources for what the operator did not supply (off with --no-sources). */
  useSources: boolean;
}

export interface EvidenceContext {
  manifest: Manifest;
  /** The manifest's folder: command sources run here. */
  manifestDir: string;
  env: NodeJS.ProcessEnv;
  window: { startMs: number; endMs: number };
  /** The run's redactor: what a source answers or prints goes through it before it is read or quoted. */
  redactor?: Redactor;
}

const DEFAULT_TIMEOUT_MS = { prometheus: 10_000, http: 10_000, command: 30_000 } as const;

/** `$window` in a query, path or argument, replaced. */
export function replaceWindow(text: string, windowText: string): string {
  return text.replace(/\$window\b|\$\{window\}/g, windowText);
}

function fromPasted(value: PastedValue, origin: Origin, dated: boolean): Observation {
  return 'value' in value ? { status: 'value', value: value.value, origin, dated } : { status: 'error', origin, reason: value.problem };
}

/** What the operator supplied for a request, if anything, by precedence. */
function supplied(request: SignalRequest, layers: EvidenceLayers): Observation | undefined {
  const { signal } = request;
  const set = layers.set.get(signal);
  const pasted = layers.pasted;
  const pastedOrigin: Origin | undefined = pasted ? { kind: 'metrics', file: pasted.label, form: pasted.metrics.form } : undefined;
  const pastedDated = pasted?.metrics.window !== undefined || layers.windowDeclared;
  if (request.kind === 'range') {
    const series = pasted?.metrics.series.get(signal);
    if (series && pastedOrigin) {
      // A series carries its own times, so it is dated whatever the window.
      const step = pasted?.metrics.step;
      return 'points' in series
        ? { status: 'series', points: series.points, origin: pastedOrigin, dated: true, ...(step ? { stepMs: step.ms } : {}) }
        : { status: 'error', origin: pastedOrigin, reason: series.problem };
    }
    return undefined;
  }
  if (set) return fromPasted(set, { kind: 'set' }, layers.windowDeclared);
  const value = pasted?.metrics.values.get(signal);
  if (value && pastedOrigin) return fromPasted(value, pastedOrigin, pastedDated);
  const typed = layers.prompted?.get(signal);
  if (typed !== undefined) return { status: 'value', value: typed, origin: { kind: 'prompt' }, dated: layers.windowDeclared };
  return undefined;
}

/** A single value the operator gave for a signal that a series request cannot use on its own. */
function singleValueFor(request: SignalRequest, layers: EvidenceLayers): Observation | undefined {
  const instant = supplied({ signal: request.signal, kind: 'instant' }, layers);
  return instant?.status === 'value' ? instant : undefined;
}

function notGiven(signal: string, why: string): Observation {
  return {
    status: 'no-data',
    origin: { kind: 'none' },
    reason: `no value for ${signal}: ${why}`,
    hint: `pass --set ${signal}=N or --metrics FILE, or configure a source for it in metrics.signals`,
  };
}

/**
 * What an http signal asks: its path with the placeholders URL-encoded, its method, its body with
 * the placeholders JSON-escaped, and its pointers. Throws a SourceFailure naming the signal when
 * a placeholder does not exist or the body is not JSON.
 */
function httpRequestOfUnchecked(
  name: string,
  definition: Signal,
  window: { startMs: number; endMs: number },
  wantSeries: boolean,
): HttpSignalRequest {
  const values = placeholderValues(window);
  if (definition.pointer === undefined && (definition.timesPointer === undefined || definition.valuesPointer === undefined))
    throw new SourceFailure(
      `signal ${name} has no "pointer" (where the number is in the answer), nor both "timesPointer" and "valuesPointer"`,
    );
  if (definition.body !== undefined && definition.method !== 'POST')
    throw new SourceFailure(`signal ${name} has a "body" but no "method": "POST"; a GET sends no body`);
  return {
    signal: name,
    path:
      definition.path === undefined
        ? undefined
        : fillPlaceholders(definition.path, values, encodeURIComponent, `the path of signal ${name}`),
    method: definition.method,
    body: definition.method === 'POST' && definition.body !== undefined ? requestBody(definition.body, values, name) : undefined,
    pointer: definition.pointer,
    timesPointer: definition.timesPointer,
    valuesPointer: definition.valuesPointer,
    stringNumbers: definition.stringNumbers,
    wantSeries,
  };
}

/** A signal's `attributionPath` with its placeholders URL-encoded (signals check asks it for the attribution). */
export function attributionPathOf(name: string, path: string, window: { startMs: number; endMs: number }): string {
  try {
    return fillPlaceholders(path, placeholderValues(window), encodeURIComponent, `the attributionPath of signal ${name}`);
  } catch (error) {
    if (error instanceof TemplateError) throw new SourceFailure(error.message);
    throw error;
  }
}

export function httpRequestOf(
  name: string,
  definition: Signal,
  window: { startMs: number; endMs: number },
  wantSeries: boolean,
): HttpSignalRequest {
  try {
    return httpRequestOfUnchecked(name, definition, window, wantSeries);
  } catch (error) {
    if (error instanceof TemplateError) throw new SourceFailure(error.message);
    throw error;
  }
}

/** The source's timeout, at most what a timer can wait (a longer one would fire at once). */
export function sourceTimeout(source: Source): number {
  const fromManifest = source.timeout ? parseDuration(source.timeout) : undefined;
  return Math.min(fromManifest ?? DEFAULT_TIMEOUT_MS[source.type], MAX_TIMER_MS);
}

/** Where a prometheus or http source is asked: its URL, its headers from the environment, the timeout and the run's redactor. */
function sourceTarget(name: string, source: Source, context: EvidenceContext, timeoutMs: number) {
  return {
    name,
    url: source.url ?? '',
    headers: resolveHeaders(source.headers, context.env),
    timeoutMs,
    ...(context.redactor ? { redactor: context.redactor } : {}),
  };
}

/** One request answered by the signal's source (metrics.signals, metrics.sources); never throws for a source's failure. */
export async function fromSource(request: SignalRequest, context: EvidenceContext): Promise<Observation> {
  const { manifest, window } = context;
  const definition = manifest.metrics?.signals?.[request.signal];
  if (!definition) return notGiven(request.signal, 'it is not in metrics.signals and was not supplied');
  const source = manifest.metrics?.sources?.[definition.source];
  const sourceOrigin = (type: Source['type']): Origin => ({ kind: 'source', source: definition.source, type });
  if (!source) {
    return {
      status: 'error',
      origin: { kind: 'none' },
      reason: `signal ${request.signal} names source "${definition.source}", which metrics.sources does not declare`,
    };
  }
  const timeoutMs = sourceTimeout(source);
  const rangeStartMs = request.kind === 'range' ? Math.max(window.startMs, window.endMs - (request.rangeMs ?? 0)) : window.startMs;
  const text = windowText(window.endMs - rangeStartMs);
  try {
    switch (source.type) {
      case 'prometheus': {
        if (!definition.query)
          throw new SourceFailure(`signal ${request.signal} has no "query" for prometheus source ${definition.source}`);
        const target = sourceTarget(definition.source, source, context, timeoutMs);
        const query = expandTokenCost(definition.query, manifest, request.signal);
        if (request.kind === 'instant') return await prometheusInstant(target, replaceWindow(query, text), window.endMs);
        const stepMs = chooseStep(request.rangeMs ?? window.endMs - rangeStartMs);
        return await prometheusRange(target, replaceWindow(query, windowText(stepMs)), {
          startMs: rangeStartMs,
          endMs: window.endMs,
          stepMs,
        });
      }
      case 'http': {
        const target = sourceTarget(definition.source, source, context, timeoutMs);
        return await httpSignal(
          target,
          httpRequestOf(request.signal, definition, { startMs: rangeStartMs, endMs: window.endMs }, request.kind === 'range'),
        );
      }
      case 'command': {
        const argv = [...(source.run ?? []), ...(definition.args ?? [])].map((arg) => replaceWindow(arg, text));
        return await commandSignal(
          {
            name: definition.source,
            argv,
            cwd: context.manifestDir,
            timeoutMs,
            env: context.env,
            ...(context.redactor ? { redactor: context.redactor } : {}),
          },
          { startMs: rangeStartMs, endMs: window.endMs, text },
          request.kind === 'range',
        );
      }
    }
  } catch (error) {
    if (!(error instanceof SourceFailure)) throw error;
    return { status: 'error', origin: sourceOrigin(source.type), reason: `${definition.source} (${source.type}): ${error.message}` };
  }
}

/**
 * Resolves every request: `--set`, then `--metrics`, then the prompt, then the manifest's
 * sources (queried concurrently). A series request takes a pasted series, else a single value
 * given for the signal (so the criterion can say a series was needed), else a range query. Every value
 * is checked (finite; not negative for a count). Returns observations by requestKey.
 */
export async function collectEvidence(
  requests: readonly SignalRequest[],
  layers: EvidenceLayers,
  context: EvidenceContext,
): Promise<Map<string, Observation>> {
  const unique = new Map<string, SignalRequest>();
  for (const request of requests) unique.set(requestKey(request), request);
  const sampleSignal = context.manifest.metrics?.sampleSignal;
  const entries = await Promise.all(
    [...unique].map(async ([key, request]): Promise<[string, Observation]> => {
      let observation = supplied(request, layers);
      if (!observation) {
        const single = request.kind === 'range' ? singleValueFor(request, layers) : undefined;
        if (single) observation = single;
        else if (layers.useSources) observation = await fromSource(request, context);
        else observation = notGiven(request.signal, 'it was not supplied and sources are off (--no-sources)');
      }
      return [key, checkObservation(request.signal, observation, sampleSignal)];
    }),
  );
  return new Map(entries);
}

/** Names supplied with --set or --metrics that the manifest does not know: a warning each. */
export function unknownSignalWarnings(names: Iterable<string>, manifest: Manifest, label: string): string[] {
  const known = new Set(Object.keys(manifest.metrics?.signals ?? {}));
  for (const stage of manifest.stages) for (const criterion of stage.exitCriteria ?? []) if (criterion.signal) known.add(criterion.signal);
  if (manifest.metrics?.sampleSignal) known.add(manifest.metrics.sampleSignal);
  const unknown = [...new Set(names)].filter((name) => !known.has(name));
  return unknown.map(
    (name) => `warning: ${label} gives "${name}", which is not a signal of this manifest (metrics.signals); it is ignored`,
  );
}
