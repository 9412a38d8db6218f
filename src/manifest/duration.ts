const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  y: 365 * 86_400_000,
};

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
  for (const [, amount, unit] of text.matchAll(PART)) total += Number(amount) * (UNIT_MS[unit as string] as number);
  return Number.isSafeInteger(total) && total <= MAX_DURATION_MS ? total : undefined;
}

/** Milliseconds in a duration the schema has already checked. */
export function durationMs(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new Error(`not a duration: ${text}`);
  return ms;
}

/** A duration in Prometheus form, largest units first: 90061000 → `1d1h1m1s`. */
export function formatDuration(ms: number): string {
  if (ms <= 0) return '0s';
  let rest = Math.round(ms);
  let text = '';
  for (const unit of ['w', 'd', 'h', 'm', 's', 'ms'] as const) {
    const size = UNIT_MS[unit] as number;
    const count = Math.floor(rest / size);
    if (count > 0) {
      text += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return text;
}
