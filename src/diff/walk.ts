import { childPointer } from '../json/pointer.js';
import { sameJson } from '../json/same-json.js';
import { canonicalJson } from '../state/canonical-json.js';
import type { ChangeKind, Section } from './model.js';
import { SECTIONS } from './model.js';
import type { KeyedList } from './shape.js';
import { FIXED_SUBJECTS, LISTS, MAPS, keyItems } from './shape.js';
import { showName } from './show.js';

/**
 * What changed, before any risk is judged: found by walking both documents together, matching
 * list items by key and map entries by name. Values are the raw ones (risk rules need them);
 * they are redacted when the change is finished.
 */
export interface RawChange {
  /** Logical path: keys by name, list items as `[]`, map entries as `*`, e.g. `stages/[]/audience/percent`. */
  logical: string;
  /**
   * field: a value added, removed or changed at a path; item: a whole list item or map entry
   * added or removed; element: a value added to or removed from a set (scopes, orgs); order:
   * the items of an ordered list (stages, rollback steps) were reordered.
   */
  shape: 'field' | 'item' | 'element' | 'order';
  kind: ChangeKind;
  section: Section;
  subject: string;
  field: string;
  /** The last key of the path (a property name), for secret detection. */
  key?: string;
  path: string;
  /** undefined when absent on that side. */
  before: unknown;
  after: unknown;
  /** The subject's object on each side (the stage, the credential...), when present. */
  scope: { base: unknown; head: unknown };
}

interface Cursor {
  /** Logical path, e.g. `stages/[]/audience` ('' at the root). */
  logical: string;
  /** JSON pointers of this value in each document. */
  base: string;
  head: string;
  section: Section;
  /** The subject's name, computed when a change needs it (it checks names for secrets). */
  subject: () => string;
  /** The subject is a list item or map entry (nested subjects are prefixed with it). */
  itemSubject: boolean;
  /** The field from the subject down, dotted ('' at the subject). */
  field: string;
  /** The last key of the path. */
  key: string | undefined;
  scope: { base: unknown; head: unknown };
}

function join(parent: string, segment: string, separator: string): string {
  return parent === '' ? segment : `${parent}${separator}${segment}`;
}

type Obj = Record<string, unknown>;

/** The one list whose absence means something ("unknown") other than an empty list. */
const UNKNOWN_WHEN_ABSENT = 'inventory/tools/[]/dataClasses';

function isObject(value: unknown): value is Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function sectionOf(key: string): Section {
  return (SECTIONS as readonly string[]).includes(key) && key !== 'other' ? (key as Section) : 'other';
}

/** Walks two manifests (or any two JSON documents) and returns what changed, in HEAD's order. */
export function walkManifests(base: unknown, head: unknown): RawChange[] {
  const changes: RawChange[] = [];
  const root: Cursor = {
    logical: '',
    base: '',
    head: '',
    section: 'other',
    subject: () => 'manifest',
    itemSubject: false,
    field: '',
    key: undefined,
    scope: { base, head },
  };

  const emit = (
    cursor: Cursor,
    shape: RawChange['shape'],
    kind: ChangeKind,
    before: unknown,
    after: unknown,
    pointerSide: 'base' | 'head',
  ): void => {
    const change: RawChange = {
      logical: cursor.logical,
      shape,
      kind,
      section: cursor.section,
      subject: cursor.subject(),
      field: cursor.field,
      path: pointerSide === 'base' ? cursor.base : cursor.head,
      before,
      after,
      scope: cursor.scope,
    };
    if (cursor.key !== undefined && shape === 'field') change.key = cursor.key;
    changes.push(change);
  };

  /** The cursor of a property of the object at `cursor`. */
  const property = (cursor: Cursor, key: string, base: unknown, head: unknown): Cursor => {
    const logical = join(cursor.logical, key, '/');
    const fixed = FIXED_SUBJECTS.get(logical);
    return {
      logical,
      base: childPointer(cursor.base, key),
      head: childPointer(cursor.head, key),
      section: cursor.logical === '' ? sectionOf(key) : cursor.section,
      subject: fixed === undefined ? cursor.subject : () => fixed,
      itemSubject: fixed === undefined && cursor.itemSubject,
      field: fixed === undefined ? join(cursor.field, key, '.') : '',
      key,
      scope: fixed === undefined ? cursor.scope : { base, head },
    };
  };

  /** The cursor of a named thing: a keyed list item or a map entry. */
  const item = (
    cursor: Cursor,
    noun: string,
    name: string,
    marker: string,
    baseIndex: string | number | undefined,
    headIndex: string | number | undefined,
    base: unknown,
    head: unknown,
  ): Cursor => {
    const parent = cursor.itemSubject ? cursor.subject : undefined;
    let subject: string | undefined;
    return {
      logical: `${cursor.logical}/${marker}`,
      base: baseIndex === undefined ? cursor.base : childPointer(cursor.base, baseIndex),
      head: headIndex === undefined ? cursor.head : childPointer(cursor.head, headIndex),
      section: cursor.section,
      subject: () => (subject ??= `${parent ? `${parent()} ` : ''}${noun} ${showName(name)}`),
      itemSubject: true,
      field: '',
      key: undefined,
      scope: { base, head },
    };
  };

  const walkKeyed = (cursor: Cursor, shape: KeyedList, base: unknown[], head: unknown[]): void => {
    const baseItems = keyItems(base, shape);
    const headItems = keyItems(head, shape);
    const byKey = new Map(baseItems.map((entry) => [entry.key, entry]));
    const inHead = new Set<string>();
    for (const entry of headItems) {
      inHead.add(entry.key);
      const before = byKey.get(entry.key);
      if (before !== undefined && sameJson(before.item, entry.item)) continue;
      const child = item(cursor, shape.noun, entry.name, '[]', before?.index, entry.index, before?.item, entry.item);
      if (before === undefined) emit(child, 'item', 'added', undefined, entry.item, 'head');
      else visit(child, before.item, entry.item);
    }
    for (const entry of baseItems) {
      if (inHead.has(entry.key)) continue;
      emit(
        item(cursor, shape.noun, entry.name, '[]', entry.index, undefined, entry.item, undefined),
        'item',
        'removed',
        entry.item,
        undefined,
        'base',
      );
    }
    if (shape.ordered) {
      const baseOrder = baseItems.filter((entry) => inHead.has(entry.key)).map((entry) => entry.key);
      const headOrder = headItems.filter((entry) => byKey.has(entry.key)).map((entry) => entry.key);
      if (baseOrder.some((key, i) => key !== headOrder[i])) {
        emit(
          cursor,
          'order',
          'changed',
          baseItems.map((entry) => entry.name),
          headItems.map((entry) => entry.name),
          'head',
        );
      }
    }
  };

  const walkSet = (cursor: Cursor, base: unknown[], head: unknown[]): void => {
    const keyOf = (value: unknown): string =>
      value !== null && typeof value === 'object' ? canonicalJson(value) : (JSON.stringify(value) ?? 'null');
    const baseKeys = new Set(base.map(keyOf));
    const headKeys = new Set(head.map(keyOf));
    head.forEach((value, index) => {
      if (!baseKeys.has(keyOf(value)))
        emit({ ...cursor, head: childPointer(cursor.head, index) }, 'element', 'added', undefined, value, 'head');
    });
    base.forEach((value, index) => {
      if (!headKeys.has(keyOf(value)))
        emit({ ...cursor, base: childPointer(cursor.base, index) }, 'element', 'removed', value, undefined, 'base');
    });
  };

  const walkMap = (cursor: Cursor, noun: string, base: Obj, head: Obj): void => {
    for (const [name, value] of Object.entries(head)) {
      if (value === undefined) continue;
      const before = Object.hasOwn(base, name) ? base[name] : undefined;
      if (before !== undefined && sameJson(before, value)) continue;
      const child = item(cursor, noun, name, '*', name, name, before, value);
      if (before === undefined) emit(child, 'item', 'added', undefined, value, 'head');
      else visit(child, before, value);
    }
    for (const [name, value] of Object.entries(base)) {
      if (value === undefined || (Object.hasOwn(head, name) && head[name] !== undefined)) continue;
      emit(item(cursor, noun, name, '*', name, undefined, value, undefined), 'item', 'removed', value, undefined, 'base');
    }
  };

  const visit = (cursor: Cursor, base: unknown, head: unknown): void => {
    const path = cursor.logical;
    if (base === undefined && head === undefined) return;
    // A list left out is an empty one (each item is reported), except a tool's dataClasses,
    // where leaving the list out means "unknown" and is a change of its own.
    if (LISTS.has(path) && path !== UNKNOWN_WHEN_ABSENT) {
      if (base === undefined && Array.isArray(head)) base = [];
      if (head === undefined && Array.isArray(base)) head = [];
    }
    if (base === undefined) return emit(cursor, 'field', 'added', undefined, head, 'head');
    if (head === undefined) return emit(cursor, 'field', 'removed', base, undefined, 'base');
    if (Array.isArray(base) && Array.isArray(head)) {
      const list = LISTS.get(path);
      if (list?.kind === 'keyed') return walkKeyed(cursor, list, base, head);
      if (list?.kind === 'set') return walkSet(cursor, base, head);
    }
    if (isObject(base) && isObject(head)) {
      const noun = MAPS.get(path);
      if (noun !== undefined) return walkMap(cursor, noun, base, head);
      for (const [name, value] of Object.entries(head)) {
        visit(property(cursor, name, base[name], value), base[name], value);
      }
      for (const [name, value] of Object.entries(base)) {
        if (!Object.hasOwn(head, name)) visit(property(cursor, name, value, undefined), value, undefined);
      }
      return;
    }
    if (!sameJson(base, head)) emit(cursor, 'field', 'changed', base, head, 'head');
  };

  visit(root, base, head);
  return changes;
}
