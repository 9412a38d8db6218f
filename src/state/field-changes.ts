import { canonicalJson } from './canonical-json.js';

/** One value that differs between two versions of the state, by its dotted path. */
export interface FieldChange {
  /** e.g. `state.paused.reason`, `state.orgs.acme.enabled` */
  path: string;
  kind: 'added' | 'removed' | 'changed';
  /** Absent when added. */
  before?: unknown;
  /** Absent when removed. */
  after?: unknown;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The leaf values that differ between two JSON values, in the order their keys appear (the
 * before's keys first, then keys only the after has). Objects are walked; arrays and scalars are
 * compared whole. Pure.
 */
export function fieldChanges(before: unknown, after: unknown, path = 'state'): FieldChange[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...Object.keys(before), ...Object.keys(after).filter((key) => !Object.hasOwn(before, key))];
    return keys.flatMap((key) => {
      const inBefore = Object.hasOwn(before, key) && before[key] !== undefined;
      const inAfter = Object.hasOwn(after, key) && after[key] !== undefined;
      const child = `${path}.${key}`;
      if (inBefore && inAfter) return fieldChanges(before[key], after[key], child);
      if (inBefore) return leaves(before[key], child).map(([p, value]) => ({ path: p, kind: 'removed' as const, before: value }));
      if (inAfter) return leaves(after[key], child).map(([p, value]) => ({ path: p, kind: 'added' as const, after: value }));
      return [];
    });
  }
  if (canonicalJson(before) === canonicalJson(after)) return [];
  return [{ path, kind: 'changed', before, after }];
}

/** The leaves of a value under a path; an empty object is a leaf of its own. */
function leaves(value: unknown, path: string): [string, unknown][] {
  if (!isPlainObject(value) || Object.keys(value).length === 0) return [[path, value]];
  return Object.entries(value)
    .filter(([, child]) => child !== undefined)
    .flatMap(([key, child]) => leaves(child, `${path}.${key}`));
}
