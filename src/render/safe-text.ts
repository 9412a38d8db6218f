/**
 * Text from outside (a manifest, a metric source, a drill step or probe, an agent, the audit
 * trail, git) is hostile. It must never drive the terminal: an escape sequence can move the
 * cursor, rewrite what was printed, set the window title, write the clipboard (OSC 52) or hide a
 * link (OSC 8); a bidirectional or invisible character can make a reviewer read something other
 * than what is there ("Trojan source"). This module is the one place that decides which
 * characters those are and how they are shown: visibly, as `\u202e`, never emitted.
 *
 * - `safeText` / `safeData`: for outside values as they enter a renderer.
 * - `guardTerminal`: the last guard at the Io, which lets through only the tool's own colour
 *   codes (and, on a live terminal, its own clear-line sequence).
 * - `escapeJsonOutput`: JSON output keeps the data but writes these characters as `\uXXXX`.
 */

/**
 * The characters that never reach a terminal raw: C0 controls (tab and line feed are decided by
 * the caller), DEL, C1 controls, the soft hyphen, the Arabic letter mark, the invisible and
 * bidirectional format characters (U+200B–U+200F, U+202A–U+202E, U+2060–U+2064, U+2066–U+206F),
 * the line and paragraph separators (U+2028/U+2029), the byte order mark (U+FEFF), the
 * interlinear annotation characters (U+FFF9–U+FFFB) and the tag characters (U+E0000–U+E007F,
 * invisible text used to smuggle instructions to agents).
 */
const HOSTILE_CLASS =
  '\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u00ad\\u061c\\u180e\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb\\u{e0000}-\\u{e007f}';

/** One hostile character, tab and line feed included. */
const HOSTILE_OR_LINE = new RegExp(`[\\t\\n${HOSTILE_CLASS}]`, 'gu');
/** One hostile character, tab and line feed left alone. */
const HOSTILE = new RegExp(`[${HOSTILE_CLASS}]`, 'gu');

const SHORT: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** The visible form of one character: `\n`, `\r`, `\t`, else `\u001b`, `\u202e`, `\u{e0041}`. */
export function visibleEscape(char: string): string {
  const short = SHORT[char];
  if (short !== undefined) return short;
  const code = char.codePointAt(0) ?? 0;
  return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

export interface SafeTextOptions {
  /** Keep line feeds and tabs (multi-line text such as a step's output); a CR LF becomes LF. Default false. */
  lines?: boolean;
}

/**
 * Outside text made safe to print: every control, bidirectional or invisible character is shown
 * as its escape (`\u001b[2J` prints as the text `\u001b[2J`). Line feeds and tabs are escaped
 * too unless `lines` is set. Text with nothing to escape is returned as it is.
 */
export function safeText(text: string, options: SafeTextOptions = {}): string {
  if (options.lines) {
    HOSTILE.lastIndex = 0;
    if (!HOSTILE.test(text)) return text;
    return text.replace(/\r\n/g, '\n').replace(HOSTILE, visibleEscape);
  }
  HOSTILE_OR_LINE.lastIndex = 0;
  if (!HOSTILE_OR_LINE.test(text)) return text;
  return text.replace(HOSTILE_OR_LINE, visibleEscape);
}

/** Whether a string holds a character `safeText` would escape (line feeds and tabs not counted). */
export function hasHostileCharacter(text: string): boolean {
  HOSTILE.lastIndex = 0;
  return HOSTILE.test(text);
}

/** The first character `safeText` would escape (line feeds and tabs not counted), or undefined. */
export function firstHostileCharacter(text: string): string | undefined {
  HOSTILE.lastIndex = 0;
  return HOSTILE.exec(text)?.[0];
}

/**
 * A copy of a renderer's input with `safeText(…, { lines: true })` applied to every string in
 * it, property names included: what a renderer then prints from it cannot drive the terminal.
 * Plain objects and arrays are copied; anything else (numbers, dates, functions) is kept.
 * Line feeds stay, so a step's output keeps its lines; a renderer that puts a value on one line
 * or in a table cell escapes them (`renderTable` does).
 */
export function safeData<T>(value: T): T {
  return copySafe(value, new Map()) as T;
}

function copySafe(value: unknown, seen: Map<object, unknown>): unknown {
  if (typeof value === 'string') return safeText(value, { lines: true });
  if (value === null || typeof value !== 'object') return value;
  const known = seen.get(value);
  if (known !== undefined) return known;
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    seen.set(value, copy);
    for (const item of value) copy.push(copySafe(item, seen));
    return copy;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  const copy: Record<string, unknown> = {};
  seen.set(value, copy);
  for (const [key, item] of Object.entries(value)) copy[safeText(key, { lines: true })] = copySafe(item, seen);
  return copy;
}

/** What the terminal guard lets through besides plain text, line feeds and tabs. */
export interface TerminalAllowance {
  /** The tool's own colour codes (SGR with the attributes chalk's basic colours use). */
  color: boolean;
  /** The tool's own "go to the start of the line and clear it" (`\r` ESC [2K), on a live terminal. */
  clearLine: boolean;
}

/** SGR parameters the tool itself emits: reset, bold, dim, italic, underline, their resets, the basic colours. */
const OWN_SGR = new Set([0, 1, 2, 3, 4, 22, 23, 24, 39, 49, 30, 31, 32, 33, 34, 35, 36, 37, 90, 91, 92, 93, 94, 95, 96, 97]);

const ONE_HOSTILE = new RegExp(`^[${HOSTILE_CLASS}]$`, 'u');

const GUARDED = new RegExp(`(\\r\\u001b\\[2K)|\\u001b\\[([0-9;]*)m|[${HOSTILE_CLASS}]`, 'gu');

/**
 * The last guard before a stream: every control, bidirectional or invisible character is shown
 * as its escape, except the tool's own colour codes and clear-line sequence where `allow` permits
 * them. Line feeds and tabs pass. With nothing allowed (no colour, not a live terminal), no ESC
 * and no CR reach the stream at all.
 */
export function guardTerminal(text: string, allow: TerminalAllowance): string {
  GUARDED.lastIndex = 0;
  if (!GUARDED.test(text)) return text;
  return text.replace(GUARDED, (match: string, clear: string | undefined, sgr: string | undefined) => {
    if (clear !== undefined && allow.clearLine) return match;
    if (sgr !== undefined && allow.color && (sgr === '' || sgr.split(';').every((p) => p !== '' && OWN_SGR.has(Number(p))))) return match;
    return [...match].map((char) => (ONE_HOSTILE.test(char) ? visibleEscape(char) : char)).join('');
  });
}

const JSON_UNSAFE =
  /[\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]|\udb40[\udc00-\udc7f]/g;

/**
 * JSON text with every character that JSON.stringify leaves raw but a terminal would act on
 * (DEL, C1 controls, bidirectional and invisible format characters, U+2028/U+2029, tag
 * characters) written as a `\uXXXX` escape. JSON.stringify already escapes C0 controls; these
 * characters can only occur inside strings, where the escape means the same character, so the
 * data is unchanged.
 */
export function escapeJsonOutput(json: string): string {
  JSON_UNSAFE.lastIndex = 0;
  if (!JSON_UNSAFE.test(json)) return json;
  return json.replace(JSON_UNSAFE, (units) => {
    let escaped = '';
    for (let i = 0; i < units.length; i++) escaped += `\\u${units.charCodeAt(i).toString(16).padStart(4, '0')}`;
    return escaped;
  });
}
