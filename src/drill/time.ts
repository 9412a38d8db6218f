/**
 * Durations as a drill reports them: `340ms`, `2.4s`, `9m57s`, `1h2m`. Precise enough to read a
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
