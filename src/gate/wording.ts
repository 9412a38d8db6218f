/** How numbers, times and counts read in the gate's reasons. */

/** A number, to six significant digits: 0.0823, 4032, 1.5e-7. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(6)));
}

/** A number next to a bound it is compared with: more digits when the short forms would look equal. */
export function formatAgainst(value: number, bound: number): string {
  const text = formatNumber(value);
  return text === formatNumber(bound) && value !== bound ? String(value) : text;
}

/** A time as a person reads it: `2026-11-16 09:00 UTC` (seconds when they are not zero). */
export function formatTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  const seconds = iso.slice(17, 19);
  return `${iso.slice(0, 10)} ${iso.slice(11, seconds === '00' ? 16 : 19)} UTC`;
}

/**
 * A span of time as a person and Prometheus read it, days first (no weeks, so 7d stays 7d):
 * whole seconds, and whole minutes from an hour up: `7d`, `3d4h12m`, `45s`.
 */
export function formatSpan(ms: number): string {
  const unit = Math.abs(ms) >= 3_600_000 ? 60_000 : 1000;
  let rest = Math.round(ms / unit) * unit;
  if (rest <= 0) return '0s';
  let text = '';
  for (const [suffix, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    const count = Math.floor(rest / size);
    if (count > 0) {
      text += `${count}${suffix}`;
      rest -= count * size;
    }
  }
  return text;
}

/** `1 criterion`, `2 criteria`. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/** A list in a sentence, cut after `limit` items: `a, b and 3 more`. */
export function listText(items: readonly string[], limit = 3): string {
  if (items.length <= limit) return items.join(', ');
  return `${items.slice(0, limit).join(', ')} and ${items.length - limit} more`;
}
