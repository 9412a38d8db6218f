/**
 * Durations: read from the manifest and flags (Prometheus form: `30s`, `7d`, `1h30m`), and
 * written for people, queries and reports. The one home of every duration format; each variant
 * says who reads it.
 */

const UNIT_MS = {
  y: 365 * 86_400_000,
  w: 7 * 86_400_000,
  d: 86_400_000,
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
} as const;
type Unit = keyof typeof UNIT_MS;

const PART = /([0-9]+)(ms|s|m|h|d|w|y)/g;
const WHOLE = /^(?:[0-9]+(?:ms|s|m|h|d|w|y))+$/;

/**
 * The longest duration accepted anywhere (a window, a `for`, a timeout): 100 years. Longer is
 * not a rollout's time scale, and a window start computed from it could fall outside what a time
 * can be written as.
 */
export const MAX_DURATION_MS = 100 * 365 * 86_400_000;

/** The longest a timer can wait: Node fires a longer setTimeout after 1 ms instead. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Milliseconds in a Prometheus-style duration (`30s`, `7d`, `1h30m`); undefined when it is not
 * one, or longer than MAX_DURATION_MS. The schema's "duration" format is this function.
 */
export function parseDuration(text: string): number | undefined {
  if (typeof text !== 'string' || !WHOLE.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART)) total += Number(amount) * UNIT_MS[unit as Unit];
  return Number.isSafeInteger(total) && total <= MAX_DURATION_MS ? total : undefined;
}

/** Milliseconds in a duration the schema has already checked. */
export function durationMs(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new Error(`not a duration: ${text}`);
  return ms;
}

/** Days first, down to `smallest`, with no weeks (so 7d reads `7d`, as a manifest writes it). */
const WRITTEN_UNITS = ['d', 'h', 'm', 's', 'ms'] as const satisfies readonly Unit[];

/** A whole number of `smallest` units in Prometheus form, largest units first; `0s` for nothing. */
function unitsText(ms: number, smallest: (typeof WRITTEN_UNITS)[number]): string {
  let rest = ms;
  let text = '';
  for (const unit of WRITTEN_UNITS.slice(0, WRITTEN_UNITS.indexOf(smallest) + 1)) {
    const count = Math.floor(rest / UNIT_MS[unit]);
    if (count > 0) {
      text += `${count}${unit}`;
      rest -= count * UNIT_MS[unit];
    }
  }
  return text === '' ? '0s' : text;
}

/**
 * A duration a manifest or a flag sets (a timeout, the wait between attempts), as a person reads
 * it: `500ms`, `3.2s`, `30s`, `1m30s`, `10m`, `2h`; to a tenth of a second below a minute, to the
 * second above. Messages, plans and reports use it; a manifest's own text stays as written.
 */
export function durationText(ms: number): string {
  const rounded = Math.max(0, Math.round(ms));
  if (rounded < 1000) return `${rounded}ms`;
  const tenths = Math.round(rounded / 100);
  if (tenths < 600) return `${tenths / 10}s`;
  return unitsText(Math.round(rounded / 1000) * 1000, 's');
}

/**
 * A window or step as it goes into a query (`$window`) and a record: whole seconds and at
 * least one (a range of `0s` selects nothing): `7d`, `15m`, `3d4h12m5s`. Prometheus, the http
 * and command sources and people all read this form.
 */
export function windowText(ms: number): string {
  return unitsText(Math.max(1, Math.round(ms / 1000)) * 1000, 's');
}

/**
 * A span of time for a person, counted down (a stage that ran 6d23h59m50s has not run 7d):
 * whole seconds, and whole minutes from an hour up: `7d`, `3d4h12m`, `45s`. Parses back as a
 * duration, so a proposed window can be offered as an answer.
 */
export function formatSpan(ms: number): string {
  const smallest = Math.abs(ms) >= UNIT_MS.h ? 'm' : 's';
  return unitsText(Math.max(0, ms), smallest);
}

/**
 * A duration as a drill reports it: `340ms`, `2.4s`, `9m57s`, `1h2m`. Precise enough to read a
 * margin, short enough for a progress line. Negative values (an overrun) keep their sign.
 */
export function formatElapsed(ms: number): string {
  if (ms < 0) return `-${formatElapsed(-ms)}`;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)}s`;
  const totalSeconds = Math.floor(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours > 0) return `${hours}h${minutes}m`;
  return `${minutes}m${String(seconds).padStart(2, '0')}s`;
}

/** How long ago, for a person, in its largest unit: `just now`, `45s ago`, `12m ago`, `5h ago`, `3d ago`. */
export function ageText(ms: number | undefined): string {
  if (ms === undefined) return 'at an unknown time';
  const seconds = Math.floor(ms / 1000);
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds}s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ago`;
  return `${Math.floor(hours / 24)}d ago`;
}
