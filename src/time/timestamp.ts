/** Points in time as agent-rollout writes them: RFC 3339 in UTC for files, a short form for people. */

/** RFC 3339 in UTC to the whole second (milliseconds cut): `2026-11-16T09:00:00Z`. */
export function isoSeconds(time: Date | number): string {
  return new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * A time as a person reads it, in every text and markdown output: `2026-11-16 09:00:00 UTC`, always
 * to the second, so two times on neighbouring lines look alike. Takes milliseconds or a recorded
 * RFC 3339 time (`2026-11-16T09:00:00.123Z`, any offset); a recorded text that is not a time is
 * shown as it is. JSON output keeps RFC 3339 (isoSeconds, or the time as recorded).
 */
export function formatTime(time: number | string): string {
  const ms = typeof time === 'string' ? Date.parse(time) : time;
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return String(time);
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}
