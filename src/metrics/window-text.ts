/**
 * A window or step as it goes into a query (`$window`) and a record: whole seconds, days first
 * and no weeks, so a 7d window reads `7d` as in the manifest: `7d`, `15m`, `3d4h12m5s`.
 * Prometheus, the http and command sources and people all read this form.
 */
export function windowText(ms: number): string {
  let rest = Math.max(1, Math.round(ms / 1000));
  let text = '';
  for (const [suffix, size] of [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    const count = Math.floor(rest / size);
    if (count > 0) {
      text += `${count}${suffix}`;
      rest -= count * size;
    }
  }
  return text;
}
