/**
 * Times as agent-rollout reads them from the outside (`--at`, `--time`, a pasted window or
 * series, a source's samples): strict RFC 3339 with a real calendar day (`2026-02-30` is not
 * one, though `Date.parse` rolls it over to March 2), and within the years 1970 to 9999, so
 * every time it computes with can be written back as RFC 3339. Pure.
 */

/** 1970-01-01T00:00:00Z. */
export const EARLIEST_TIME_MS = 0;
/** 9999-12-31T23:59:59.999Z. */
export const LATEST_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|([+-])(\d{2}):(\d{2})))?$/;

function daysIn(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

/** Why a text is not a time agent-rollout accepts, or its ms since the epoch. */
export function parseTimestamp(text: string): { ms: number } | { problem: string } {
  const m = DATE_TIME.exec(text);
  if (!m) return { problem: 'not an RFC 3339 time (e.g. 2026-11-23T09:00:00Z)' };
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month))
    return { problem: `there is no day ${m[1]}-${m[2]}-${m[3]} in the calendar` };
  let ms = Date.UTC(year, month - 1, day);
  if (m[4] !== undefined) {
    const [hour, minute, second] = [Number(m[4]), Number(m[5]), Number(m[6])];
    // A leap second (:60) is read as the last millisecond of its minute: Date has no leap seconds.
    if (hour > 23 || minute > 59 || second > 60) return { problem: `${m[4]}:${m[5]}:${m[6]} is not a time of day` };
    const fraction = m[7] === undefined ? 0 : Math.floor(Number(`0${m[7]}`) * 1000);
    const offsetHours = Number(m[10] ?? 0);
    const offsetMinutes = Number(m[11] ?? 0);
    if (offsetHours > 23 || offsetMinutes > 59) return { problem: `${m[9]}${m[10]}:${m[11]} is not a time zone offset` };
    const offset = (m[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
    ms += (hour * 3600 + minute * 60 + Math.min(second, 59)) * 1000 + (second === 60 ? 999 : fraction) - offset;
  }
  return inRange(ms) ? { ms } : { problem: 'out of range: times from 1970 to 9999 are accepted' };
}

/** Whether ms since the epoch is a time from 1970 to 9999. */
export function inRange(ms: number): boolean {
  return Number.isFinite(ms) && ms >= EARLIEST_TIME_MS && ms <= LATEST_TIME_MS;
}

/** Seconds since the epoch (as Prometheus writes times) in ms, or undefined when not a time from 1970 to 9999. */
export function secondsToMs(seconds: unknown): number | undefined {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return undefined;
  const ms = Math.round(seconds * 1000);
  return inRange(ms) ? ms : undefined;
}
