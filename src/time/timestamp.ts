/** Points in time as agent-rollout writes them: RFC 3339 in UTC for files, a short form for people. */

/** RFC 3339 in UTC to the whole second (milliseconds cut): `2026-11-16T09:00:00Z`. */
export function isoSeconds(time: Date | number): string {
  return new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A recorded RFC 3339 time without its fraction of a second: `…09:00:00.123Z` → `…09:00:00Z`. */
export function withoutFraction(at: string): string {
  return at.replace(/\.\d+Z$/, 'Z');
}

/** A time as a person reads it: `2026-11-16 09:00 UTC` (seconds when they are not zero). */
export function formatTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  const seconds = iso.slice(17, 19);
  return `${iso.slice(0, 10)} ${iso.slice(11, seconds === '00' ? 16 : 19)} UTC`;
}
