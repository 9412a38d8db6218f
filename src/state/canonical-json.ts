/**
 * Canonical JSON: keys sorted at every level, no whitespace. Two documents that mean the same
 * serialize to the same bytes, so a hash over it identifies content, not formatting.
 *
 * Every audit entry's hash is taken over it, so `status` over a fleet runs it on every entry of
 * every trail: it is written as loops over sorted keys (no intermediate arrays of pairs), which
 * is several times faster than mapping and joining. Keys sort by UTF-16 code units (`Array.sort`'s
 * own order); an `undefined` member is left out and an `undefined` array item is `null`, as
 * `JSON.stringify` does. `omit` leaves out that top-level member (an audit entry's own `hash`)
 * without copying the object.
 */
export function canonicalJson(value: unknown, omit?: string): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      out += (i === 0 ? '' : ',') + (item === undefined ? 'null' : canonicalJson(item));
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const item = record[key];
    if (item === undefined || key === omit) continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${canonicalJson(item)}`;
    first = false;
  }
  return `${out}}`;
}
