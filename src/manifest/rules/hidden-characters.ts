import type { Place } from '../../json/place.js';
import { segmentsOf } from '../../json/place.js';
import { toPointer } from '../../json/pointer.js';
import type { Severity } from '../diagnostic.js';
import type { JsonValue } from '../json-parse.js';
import type { Finding } from './rule.js';

/**
 * AR123: "Trojan source". A bidirectional control, an invisible format character or a control
 * character in a manifest makes the text a reviewer reads differ from the text that runs: a
 * right-to-left override can show `rm -rf ~/build` as something else, a zero-width space makes
 * two ids that look the same differ. Works on the raw document, like AR103, so it also runs on
 * a manifest that does not match the schema. Ids are ASCII-only in the schema already.
 */

/** Bidirectional controls: they reorder what is displayed. */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
/** Invisible format characters: they take no room but are there. */
const INVISIBLE = /[\u00ad\u180e\u200b-\u200d\u2060-\u2064\u206a-\u206f\ufeff\ufff9-\ufffb\u{e0000}-\u{e007f}]/u;
/** Control characters; tab and line feed only where prose may hold them (see `PROSE_LINES`). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/u;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const LINE_CONTROL = /[\u0009\u000a]/u;

/**
 * Keys whose values are run, queried or fetched (anything under them, and header and env
 * names): a hidden character there changes what the tool does, so it is an error.
 */
const OPERATIVE = new Set([
  'run',
  'args',
  'argv',
  'shell',
  'query',
  'url',
  'endpoint',
  'path',
  'pointer',
  'headers',
  'envHeaders',
  'env',
  'secretRef',
  'http',
  'method',
  'body',
  'expect',
  'stdout',
  'cases',
  'cron',
  'source',
  'runbook',
]);

/** Prose keys where a line break or tab is ordinary. */
const PROSE_LINES = new Set(['description', 'instruction', 'reason', 'notes']);

/** Any character of the three kinds above, tab and line feed included: the fast path for clean text. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const ANY = /[\u0000-\u001f\u007f-\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\u206a-\u206f\ufeff\ufff9-\ufffb\udb40]/;

function kindOf(text: string, lines: boolean): { what: string; char: string } | undefined {
  if (!ANY.test(text)) return undefined;
  for (const char of text) {
    if (BIDI.test(char)) return { what: 'a bidirectional control character', char };
    if (INVISIBLE.test(char)) return { what: 'an invisible character', char };
    if (CONTROL.test(char) || (!lines && LINE_CONTROL.test(char))) return { what: 'a control character', char };
  }
  return undefined;
}

function codePoint(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** A dotted path for a message, its segments shown escaped (a key may hold the character itself). */
function where(segments: readonly string[]): string {
  if (segments.length === 0) return 'the manifest';
  return segments.map((s) => s.replace(/[^\x20-\x7e]/gu, (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`)).join('.');
}

/** AR123: bidirectional, invisible or control characters in any key or string of the manifest. */
export function checkHiddenCharacters(document: JsonValue): Finding[] {
  const findings: Finding[] = [];
  const report = (segments: string[], found: { what: string; char: string }, operative: boolean, key: boolean): void => {
    const severity: Severity = operative ? 'error' : 'warning';
    const thing = key ? 'a property name that holds' : 'holds';
    const effect = operative
      ? 'what runs, is queried or is fetched differs from what a reviewer reads'
      : 'the text may read differently from what it is';
    findings.push({
      rule: 'AR123',
      severity,
      pointer: toPointer(segments),
      message: `${where(segments)} ${thing} ${found.what} (${codePoint(found.char)}): ${effect}`,
    });
  };
  const stack: { value: JsonValue; place: Place | undefined; key: string | undefined; operative: boolean }[] = [
    { value: document, place: undefined, key: undefined, operative: false },
  ];
  while (stack.length > 0) {
    const { value, place, key, operative } = stack.pop() as (typeof stack)[number];
    if (typeof value === 'string') {
      const found = kindOf(value, !operative && key !== undefined && PROSE_LINES.has(key));
      if (found) report(segmentsOf(place), found, operative, false);
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++)
        stack.push({ value: value[i] as JsonValue, place: { parent: place, segment: String(i) }, key, operative });
    } else if (value !== null && typeof value === 'object') {
      for (const name of Object.keys(value)) {
        const child: Place = { parent: place, segment: name };
        const found = kindOf(name, false);
        if (found) report(segmentsOf(child), found, operative, true);
        stack.push({ value: value[name] as JsonValue, place: child, key: name, operative: operative || OPERATIVE.has(name) });
      }
    }
  }
  return findings.reverse();
}

/**
 * The first bidirectional, invisible or control character in any string or property name of a
 * value (tab and line feed not counted), described, or undefined. `diff` rates a change that
 * brings one high.
 */
export function findHiddenCharacter(value: unknown): string | undefined {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'string') {
      const found = kindOf(item, true);
      if (found) return `${found.what} (${codePoint(found.char)})`;
    } else if (Array.isArray(item)) {
      stack.push(...(item as unknown[]));
    } else if (item !== null && typeof item === 'object') {
      for (const [name, element] of Object.entries(item)) {
        const found = kindOf(name, false);
        if (found) return `${found.what} (${codePoint(found.char)})`;
        stack.push(element);
      }
    }
  }
  return undefined;
}
