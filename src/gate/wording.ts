/** How numbers and lists read in the gate's reasons. */

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

/** A list in a sentence, cut after `limit` items: `a, b and 3 more`. */
export function listText(items: readonly string[], limit = 3): string {
  if (items.length <= limit) return items.join(', ');
  return `${items.slice(0, limit).join(', ')} and ${items.length - limit} more`;
}
