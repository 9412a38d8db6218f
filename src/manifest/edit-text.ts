import type { Location, Locations } from './json-parse.js';
import { pointer } from '../json/pointer.js';
import { sameJson } from '../json/same-json.js';
import type { JsonStyle } from './write.js';
import { detectStyle, serializeJson } from './write.js';

/**
 * Writes a changed document back into the text it was read from, touching only what changed.
 *
 * A person's manifest has a layout worth keeping: arrays of scopes on one line, a blank-free
 * block per stage, CRLF, a BOM. Re-serializing the whole document would turn a one-value edit
 * into a diff of every compact array in the file, which is exactly what a reviewer must not have
 * to wade through. So this computes edits against the original text instead: a changed scalar
 * is replaced where it stands; a new member or element is inserted after its neighbours in the
 * container's own layout (one line or one per line); a removed one is cut out with its comma.
 * Everything else keeps its bytes. If the result would not mean the new document (it always
 * should), the whole document is serialized in the file's style instead. Pure.
 */

export interface LoadedText {
  text: string;
  value?: unknown;
  locations: Locations;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

type Container = Record<string, unknown> | unknown[];

function kindOf(value: unknown): 'array' | 'object' | 'scalar' {
  if (Array.isArray(value)) return 'array';
  return value !== null && typeof value === 'object' ? 'object' : 'scalar';
}

/** The same text, key order included: such a value needs no edit at all. */
function sameText(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Compact (one-line) JSON with the given separators: `["a", "b"]`, `{ "k": 1 }`. */
function compactJson(value: unknown, seps: { comma: string; colon: string; pad: string }): string {
  if (Array.isArray(value)) return `[${value.map((item) => compactJson(item ?? null, seps)).join(seps.comma)}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .map(([key, item]) => `${JSON.stringify(key)}${seps.colon}${compactJson(item, seps)}`);
    return members.length === 0 ? '{}' : `{${seps.pad}${members.join(seps.comma)}${seps.pad}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

class TextEditor {
  private readonly edits: Edit[] = [];
  private readonly style: JsonStyle;

  constructor(private readonly loaded: LoadedText) {
    this.style = { ...detectStyle(loaded.text), finalNewline: false, bom: false };
  }

  private location(at: string): Location {
    const location = this.loaded.locations.get(at);
    if (!location) throw new Error(`no location for ${at || '/'}`);
    return location;
  }

  private slice(location: Location): string {
    return this.loaded.text.slice(location.value.offset, location.end.offset);
  }

  /** The indentation of the line on which `offset` sits. */
  private lineIndent(offset: number): string {
    const { text } = this.loaded;
    const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
    return /^[ \t]*/.exec(text.slice(lineStart))?.[0] ?? '';
  }

  /** A new value, laid out multi-line in the file's style, continuing lines at `indent`. */
  private fresh(value: unknown, indent: string): string {
    return serializeJson(value, this.style).split(this.style.eol).join(`${this.style.eol}${indent}`);
  }

  private separators(original: string): { comma: string; colon: string; pad: string } {
    return {
      comma: /,\s/.test(original) ? ', ' : ',',
      colon: /":\s/.test(original) ? ': ' : ':',
      pad: /^[[{]\s/.test(original) ? ' ' : '',
    };
  }

  /** Records the edits that turn the value at `at` (now `before`) into `after`. */
  diff(at: string, before: unknown, after: unknown): void {
    if (sameText(before, after)) return;
    const location = this.location(at);
    const kind = kindOf(after);
    const original = this.slice(location);
    const emptyBefore = kind !== 'scalar' && kind === kindOf(before) && Object.keys(before as Container).length === 0;
    if (kind === 'scalar' || kind !== kindOf(before) || emptyBefore || Object.keys(after as Container).length === 0) {
      const text =
        original.includes('\n') || kind === 'scalar' || emptyBefore
          ? this.fresh(after, this.lineIndent(location.value.offset))
          : compactJson(after, this.separators(original));
      this.edits.push({ start: location.value.offset, end: location.end.offset, text });
      return;
    }
    if (kind === 'array') this.diffArray(at, location, before as unknown[], after as unknown[]);
    else this.diffObject(at, location, before as Record<string, unknown>, after as Record<string, unknown>);
  }

  private diffArray(at: string, location: Location, before: unknown[], after: unknown[]): void {
    const shared = Math.min(before.length, after.length);
    for (let i = 0; i < shared; i++) this.diff(`${at}/${i}`, before[i], after[i]);
    const members = before.map((_, i) => ({ at: `${at}/${i}`, keyOffset: undefined as number | undefined }));
    const kept = members.slice(0, shared);
    this.removeMembers(members, kept.length);
    const added = after.slice(shared).map((item) => ({ key: undefined, value: item }));
    this.insertAfter(location, kept.at(-1)?.at, added);
  }

  private diffObject(at: string, location: Location, before: Record<string, unknown>, after: Record<string, unknown>): void {
    const memberAt = (key: string): string => `${at}${pointer(key)}`;
    const oldKeys = Object.keys(before);
    const newKeys = Object.keys(after).filter((key) => after[key] !== undefined);
    if (!oldKeys.some((key) => newKeys.includes(key))) {
      // Nothing to keep: a new value in the container's place.
      const original = this.slice(location);
      const text = original.includes('\n')
        ? this.fresh(after, this.lineIndent(location.value.offset))
        : compactJson(after, this.separators(original));
      this.edits.push({ start: location.value.offset, end: location.end.offset, text });
      return;
    }
    for (const key of oldKeys) if (key in after && after[key] !== undefined) this.diff(memberAt(key), before[key], after[key]);
    // Removed members: cut each with the comma that joins it to its neighbour.
    const removed = new Set(oldKeys.filter((key) => !newKeys.includes(key)));
    const keptKeys = oldKeys.filter((key) => !removed.has(key));
    this.cut(oldKeys.map((key) => ({ at: memberAt(key), removed: removed.has(key) })));
    // New members go after the nearest earlier member of the new order that already existed.
    let anchor: string | undefined;
    let pending: { key: string; value: unknown }[] = [];
    const flush = (): void => {
      if (pending.length > 0)
        this.insertAfter(
          location,
          anchor === undefined ? undefined : memberAt(anchor),
          pending,
          anchor === undefined && keptKeys.length > 0 ? memberAt(keptKeys[0]!) : undefined,
        );
      pending = [];
    };
    for (const key of newKeys) {
      if (key in before) {
        flush();
        anchor = key;
      } else {
        pending.push({ key, value: after[key] });
      }
    }
    flush();
  }

  /** The offset where a member starts: its key, or for an array element its value. */
  private memberStart(at: string): number {
    const location = this.location(at);
    return location.key?.offset ?? location.value.offset;
  }

  private removeMembers(members: { at: string }[], keep: number): void {
    this.cut(members.map((member, i) => ({ at: member.at, removed: i >= keep })));
  }

  /** Cuts the removed members out, each with one separating comma; at least one member is kept. */
  private cut(members: { at: string; removed: boolean }[]): void {
    const firstKept = members.findIndex((member) => !member.removed);
    if (firstKept < 0) return;
    if (firstKept > 0) {
      this.edits.push({ start: this.memberStart(members[0]!.at), end: this.memberStart(members[firstKept]!.at), text: '' });
    }
    for (let i = firstKept + 1; i < members.length; i++) {
      if (!members[i]!.removed) continue;
      this.edits.push({ start: this.location(members[i - 1]!.at).end.offset, end: this.location(members[i]!.at).end.offset, text: '' });
    }
  }

  /**
   * Inserts members after the member at `after` (or, with none, before the member at `before`),
   * in the container's layout: one per line at the existing members' indentation, or on the
   * same line when the container was written on one line.
   */
  private insertAfter(
    container: Location,
    after: string | undefined,
    members: { key: string | undefined; value: unknown }[],
    before?: string,
  ): void {
    if (members.length === 0) return;
    const original = this.slice(container);
    const multiline = original.includes('\n');
    const sibling = after ?? before;
    const childIndent =
      sibling !== undefined ? this.lineIndent(this.memberStart(sibling)) : this.lineIndent(container.value.offset) + this.style.indent;
    const seps = this.separators(original);
    const text = members.map(({ key, value }) => {
      const valueText = multiline ? this.fresh(value, childIndent) : compactJson(value, seps);
      return key === undefined ? valueText : `${JSON.stringify(key)}${multiline ? ': ' : seps.colon}${valueText}`;
    });
    const joint = multiline ? `,${this.style.eol}${childIndent}` : seps.comma;
    if (after !== undefined) {
      this.edits.push({ start: this.location(after).end.offset, end: this.location(after).end.offset, text: joint + text.join(joint) });
    } else if (before !== undefined) {
      const start = this.memberStart(before);
      this.edits.push({ start, end: start, text: text.join(joint) + joint });
    }
  }

  apply(): string {
    const sorted = [...this.edits].sort((a, b) => b.start - a.start || b.end - a.end);
    let text = this.loaded.text;
    let limit = Infinity;
    for (const edit of sorted) {
      if (edit.end > limit) throw new Error('overlapping edits');
      text = text.slice(0, edit.start) + edit.text + text.slice(edit.end);
      limit = edit.start;
    }
    return text;
  }
}

/**
 * `next` written into `loaded.text` with the fewest changed bytes: what did not change keeps its
 * layout. Throws when the text has no parsed value or the edits would not read back as `next`
 * (textWithValue falls back instead).
 */
export function editedText(loaded: LoadedText, next: unknown): string {
  if (loaded.value === undefined || !loaded.locations.has('')) throw new Error('the text has no parsed value to edit');
  const editor = new TextEditor(loaded);
  editor.diff('', loaded.value, next);
  const text = editor.apply();
  if (!sameJson(JSON.parse(text.replace(/^\uFEFF/, '')), next)) throw new Error('the edited text does not read back as the new document');
  return text;
}

/**
 * editedText, or, should that fail, `next` serialized whole in the file's style: a write never
 * fails for the sake of layout.
 */
export function textWithValue(loaded: LoadedText, next: unknown): string {
  try {
    return editedText(loaded, next);
  } catch {
    return serializeJson(next, detectStyle(loaded.text));
  }
}
