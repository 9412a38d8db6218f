/**
 * RFC 6901 JSON pointers: `''` is the whole document, `/stages/0/id` a value inside it. A key
 * holding `~` or `/` is escaped (`~0`, `~1`). The one place that builds or splits a pointer.
 */

/** A key as one pointer segment: `b/c` → `b~1c`, `m~n` → `m~0n`. */
export function pointerSegment(key: string | number): string {
  const text = String(key);
  return text.includes('~') || text.includes('/') ? text.replace(/~/g, '~0').replace(/\//g, '~1') : text;
}

/** A pointer segment back to its key: `b~1c` → `b/c` (`~1` first, so `~01` reads `~1`). */
export function segmentKey(segment: string): string {
  return segment.includes('~') ? segment.replace(/~1/g, '/').replace(/~0/g, '~') : segment;
}

/** `parent` and one key more: `childPointer('/stages', 0)` → `/stages/0`. */
export function childPointer(parent: string, key: string | number): string {
  return `${parent}/${pointerSegment(key)}`;
}

/** The pointer of a path of keys and indices: `['a', 0, 'b/c']` → `/a/0/b~1c`; `[]` → `''`. */
export function toPointer(keys: readonly (string | number)[]): string {
  let out = '';
  for (const key of keys) out += `/${pointerSegment(key)}`;
  return out;
}

/** `pointer('stages', 0, 'id')` → `/stages/0/id`: toPointer for keys written out. */
export function pointer(...keys: (string | number)[]): string {
  return toPointer(keys);
}

/**
 * A pointer's keys, unescaped (`''` gives `[]`; indices come back as strings). Throws an Error
 * for a malformed pointer: not starting with `/`, or a `~` not followed by 0 or 1.
 */
export function fromPointer(text: string): string[] {
  if (text === '') return [];
  if (!text.startsWith('/')) throw new Error(`invalid JSON pointer ${JSON.stringify(text)}: it must be empty or start with '/'`);
  if (/~(?![01])/.test(text)) throw new Error(`invalid JSON pointer ${JSON.stringify(text)}: '~' must be followed by 0 or 1`);
  return text.slice(1).split('/').map(segmentKey);
}
