/**
 * The evidence a gate reads: one observation per signal request, and where it came from.
 * Pure types; the sources (prometheus, http, command) and the pasted-input parser produce them.
 */

/** What a criterion or prerequisite needs of a signal: one number over the window, or a series. */
export interface SignalRequest {
  signal: string;
  kind: 'instant' | 'range';
  /** For a range request: the span the series must cover (a criterion's `for`), in ms. */
  rangeMs?: number;
}

/** The key observations are stored under: the signal name, or `name@for:<ms>` for a series. */
export function requestKey(request: SignalRequest): string {
  return request.kind === 'instant' ? request.signal : `${request.signal}@for:${request.rangeMs ?? 0}`;
}

/** Where a value came from, in enough detail to re-check it later. Never holds a secret. */
export type Origin =
  | { kind: 'set' }
  | { kind: 'metrics'; file: string; form: 'json' | 'lines' }
  | { kind: 'prompt' }
  | { kind: 'none' }
  | {
      kind: 'source';
      source: string;
      type: 'prometheus' | 'http' | 'command';
      /** prometheus: the query with $window replaced. */
      query?: string;
      /** prometheus, http: the URL requested (without credentials). */
      url?: string;
      /** prometheus, http: the URL that answered, when a redirect (within the origin) led there. */
      answeredBy?: string;
      /** command: the argument vector run. */
      argv?: string[];
      /** prometheus: the evaluation time of an instant query (RFC 3339). */
      time?: string;
      /** prometheus: a range query's start, end and step. */
      range?: { start: string; end: string; step: string };
    };

/** A time and a value, time in ms since the epoch. */
export type Point = readonly [number, number];

/** One observation of a signal request. */
export type Observation =
  | { status: 'value'; value: number; origin: Origin; dated: boolean }
  | { status: 'series'; points: Point[]; origin: Origin; dated: boolean /** the resolution of a range query, ms */; stepMs?: number }
  /** No evidence: an empty result, or no value given. `reason` is one line. */
  | { status: 'no-data'; origin: Origin; reason: string; hint?: string }
  /** The source failed or the value is unusable (not a finite number, a negative count). */
  | { status: 'error'; origin: Origin; reason: string };

/** A short label for an origin, for tables: `--set`, `--metrics -`, `prom (prometheus)`. */
export function originLabel(origin: Origin): string {
  switch (origin.kind) {
    case 'set':
      return '--set';
    case 'metrics':
      return `--metrics ${origin.file}`;
    case 'prompt':
      return 'prompt';
    case 'none':
      return 'nowhere';
    case 'source':
      return `${origin.source} (${origin.type})`;
  }
}

/**
 * Whether a signal counts things, so a negative value is impossible: a name ending in _total or
 * _count, `invocations`, or the manifest's sample signal.
 */
export function isCountSignal(name: string, sampleSignal: string | undefined): boolean {
  return name.endsWith('_total') || name.endsWith('_count') || name === 'invocations' || name === sampleSignal;
}

/** `signals check`: one signal queried from its source now (src/metrics/probe.ts). */
export interface SignalProbe {
  signal: string;
  source: string;
  type: 'prometheus' | 'http' | 'command' | 'none';
  /** data: a usable value at the window's end; no-data: an empty result, null, or more than one series; error: the source failed. */
  status: 'data' | 'no-data' | 'error';
  value?: number;
  /** How many series the query returned (Prometheus); 1 or 0 for an http or command source. */
  series: number;
  /** The label the manifest says attributes the signal, and whether the series carry it (null: could not tell). */
  attribution?: { label: string; present: boolean | null; detail?: string };
  /** How long the query (and the attribution query) took, in ms. */
  queryMs: number;
  /** Why there is no data, or what failed: one line. */
  reason?: string;
}
