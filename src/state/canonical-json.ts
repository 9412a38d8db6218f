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

/** Past this depth `inSortedOrder` says no: it bounds the walk over a deep value. */
const SORTED_DEPTH = 32;

/**
 * Whether `JSON.stringify(value)` is already `canonicalJson(value)`: plain JSON data (null,
 * booleans, numbers, strings, arrays, plain objects) whose objects list their keys in sorted
 * order, with no `undefined` anywhere. Anything else (a Date, a function, an instance) says no.
 */
export function inSortedOrder(value: unknown, depth = 0): boolean {
  if (value === null) return true;
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean') return true;
  if (type !== 'object' || depth > SORTED_DEPTH) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!inSortedOrder(value[i], depth + 1)) return false;
    return true;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  for (let i = 1; i < keys.length; i++) if ((keys[i - 1] as string) >= (keys[i] as string)) return false;
  for (const key of keys) if (!inSortedOrder(record[key], depth + 1)) return false;
  return true;
}

/**
 * A deep copy of plain JSON data with every object's keys in sorted order: the same content, and
 * `JSON.stringify` of it is its canonical form (unless a key is an integer such as "10", which
 * objects list first). Other values are kept as they are.
 */
export function sortedCopy<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item: unknown) => sortedCopy(item)) as T;
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record).sort()) {
    // A parsed "__proto__" member is data: define it, never assign it (that would set the prototype).
    Object.defineProperty(out, key, { value: sortedCopy(record[key]), enumerable: true, writable: true, configurable: true });
  }
  return out as T;
}
