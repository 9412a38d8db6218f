/**
 * A dependency-free, position-aware JSON parser (RFC 8259) for the manifest linter.
 *
 * Unlike `JSON.parse` it records where every value sits in the file, reports duplicate
 * keys instead of silently dropping them, and explains syntax errors in terms a person
 * can act on ("trailing comma: ... remove it", "property names must be double-quoted").
 *
 * Positions:
 * - `offset` is the 0-based UTF-16 index into the ORIGINAL source string (a leading BOM is
 *   offset 0, so the first character after it is offset 1).
 * - `line` and `column` are 1-based; `column` counts UTF-16 code units (SARIF's default
 *   `columnKind`), so an emoji advances it by 2 and `é` by 1.
 * - A leading BOM is invisible to positions: the first character after it is line 1, column 1.
 * - `\r\n`, `\n` and a lone `\r` each count as one line break.
 *
 * The parser is iterative (an explicit stack, not recursion), runs in linear time and never
 * throws for any input string: every problem comes back as `{ ok: false, error }`.
 *
 * Most documents are well-formed, and most callers need a location only for a finding. So
 * `parseJson` first lets `JSON.parse` (native, several times faster) read the document and
 * checks what it does not (repeated keys, depth, numbers out of range); when all is well the
 * locations are worked out by this parser only on first use. Anything else takes this parser
 * from the start, for its messages.
 *
 * This module is pure: no fs, no process, no console.
 */

import { pointerSegment } from '../json/pointer.js';

/** Any value a JSON document can hold. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** 1-based line and column; column counts UTF-16 code units (SARIF's default columnKind); offset is the 0-based index into the source string. */
export interface Position {
  line: number;
  column: number;
  offset: number;
}

/** Where one value sits. `key` is the position of the property name's opening quote when the value is an object member. `end` is just after the value. */
export interface Location {
  value: Position;
  end: Position;
  key?: Position;
}

/**
 * A property name that occurs more than once in the same object. The parser keeps the LAST
 * value (like `JSON.parse`). `first` is the key position of the first occurrence, `duplicate`
 * the key position of this later one, `pointer` the JSON pointer of the member.
 */
export interface DuplicateKey {
  pointer: string;
  key: string;
  first: Position;
  duplicate: Position;
}

/** Category of a parse failure. */
export type ParseErrorCode = 'syntax' | 'unexpected-end' | 'too-deep' | 'number-range' | 'empty';

/** Why a document could not be parsed, and where. */
export interface ParseError {
  code: ParseErrorCode;
  message: string;
  position: Position;
  /** what would have been valid here, e.g. "a value", "',' or '}'" */
  expected?: string;
  /** for an unclosed container: where it was opened (for a cut-off string: where the string starts) */
  related?: Position;
}

/** Where each value sits, by JSON pointer. */
export type Locations = ReadonlyMap<string, Location>;

/** Outcome of {@link parseJson}. */
export type ParseResult =
  | { ok: true; value: JsonValue; locations: Locations; duplicates: DuplicateKey[] }
  | { ok: false; error: ParseError };

/** Options for {@link parseJson}. */
export interface ParseOptions {
  /** Maximum nesting of objects/arrays; default 256. The root container is level 1. */
  maxDepth?: number;
}

const DEFAULT_MAX_DEPTH = 256;
const MAX_SNIPPET = 40;

// Parser states.
const S_VALUE = 0; // a value is expected
const S_OBJ_START = 1; // just after '{'
const S_OBJ_NEXT = 2; // just after ',' in an object
const S_ARR_START = 3; // just after '['
const S_ARR_NEXT = 4; // just after ',' in an array
const S_AFTER = 5; // a value inside a container is complete
const S_DONE = 6; // the top-level value is complete

// Character codes.
const C_TAB = 0x09;
const C_LF = 0x0a;
const C_CR = 0x0d;
const C_SPACE = 0x20;
const C_QUOTE = 0x22;
const C_DOLLAR = 0x24;
const C_APOS = 0x27;
const C_PLUS = 0x2b;
const C_COMMA = 0x2c;
const C_MINUS = 0x2d;
const C_DOT = 0x2e;
const C_SLASH = 0x2f;
const C_0 = 0x30;
const C_1 = 0x31;
const C_9 = 0x39;
const C_COLON = 0x3a;
const C_E = 0x45;
const C_LBRACKET = 0x5b;
const C_BACKSLASH = 0x5c;
const C_RBRACKET = 0x5d;
const C_UNDERSCORE = 0x5f;
const C_e = 0x65;
const C_LBRACE = 0x7b;
const C_RBRACE = 0x7d;
const C_STAR = 0x2a;
const C_BOM = 0xfeff;

const INVISIBLE_NAMES: Readonly<Record<number, string>> = {
  0x00: 'NUL',
  0x0b: 'vertical tab',
  0x0c: 'form feed',
  0xa0: 'no-break space',
  0x200b: 'zero-width space',
  0x200c: 'zero-width non-joiner',
  0x200d: 'zero-width joiner',
  0x2028: 'line separator',
  0x2029: 'paragraph separator',
  0xfeff: 'byte order mark',
};

const WORD_HINTS: Readonly<Record<string, string>> = {
  True: 'write true',
  TRUE: 'write true',
  False: 'write false',
  FALSE: 'write false',
  None: 'write null',
  Null: 'write null',
  NULL: 'write null',
  nil: 'write null',
  undefined: 'write null or leave the property out',
  NaN: 'JSON has no NaN; use null or a string',
  Infinity: 'JSON has no Infinity; use a large number, null or a string',
  '-Infinity': 'JSON has no Infinity; use a large number, null or a string',
};

class Failure {
  constructor(readonly error: ParseError) {}
}

interface Frame {
  readonly isObject: boolean;
  readonly open: Position;
  readonly pointer: string;
  readonly loc: Location;
  readonly obj: { [key: string]: JsonValue } | undefined;
  readonly arr: JsonValue[] | undefined;
  /** Current member's key (objects only). */
  key: string;
  /** Position of the last ',' seen in this container. */
  comma: Position | undefined;
}

function isDigit(c: number): boolean {
  return c >= C_0 && c <= C_9;
}

function isAsciiLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function isWordChar(c: number): boolean {
  return isAsciiLetter(c) || isDigit(c) || c === C_UNDERSCORE || c === C_DOLLAR;
}

function hexValue(c: number): number {
  if (c >= C_0 && c <= C_9) return c - C_0;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -1;
}

function truncate(text: string): string {
  return text.length > MAX_SNIPPET ? `${text.slice(0, MAX_SNIPPET)}…` : text;
}

/** `"name"` with JSON escaping, shortened for messages. */
function quoteKey(key: string): string {
  return JSON.stringify(truncate(key));
}

function codePointLabel(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

const VISIBLE = /^[\p{L}\p{N}\p{P}\p{S}\p{M}]+$/u;

/** `'x' (U+0078)` for a visible character, `U+00A0 (no-break space)` for an invisible one. */
function describeChar(src: string, offset: number): string {
  const cp = src.codePointAt(offset);
  if (cp === undefined) return 'end of file';
  const label = codePointLabel(cp);
  const ch = String.fromCodePoint(cp);
  if (VISIBLE.test(ch)) return `'${ch}' (${label})`;
  const name = INVISIBLE_NAMES[cp];
  return name === undefined ? label : `${label} (${name})`;
}

function setMember(obj: { [key: string]: JsonValue }, key: string, value: JsonValue): void {
  if (key === '__proto__') {
    // A plain assignment would invoke the Object.prototype.__proto__ setter and change the prototype.
    Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}

function normalizeMaxDepth(maxDepth: number | undefined): number {
  if (typeof maxDepth !== 'number' || Number.isNaN(maxDepth)) return DEFAULT_MAX_DEPTH;
  return Math.max(0, Math.floor(maxDepth));
}

class Parser {
  readonly locations = new Map<string, Location>();
  readonly duplicates: DuplicateKey[] = [];
  /** Key position of the first occurrence, for members that have been duplicated. */
  private readonly firstKeys = new Map<string, Position>();
  private readonly stack: Frame[] = [];
  private readonly src: string;
  private readonly maxDepth: number;
  private pos: number;
  private line = 1;
  /** Offset of the first character of the current line. */
  private lineStart: number;
  private root: JsonValue = null;

  constructor(src: string, maxDepth: number) {
    this.src = src;
    this.maxDepth = maxDepth;
    const bom = src.charCodeAt(0) === C_BOM ? 1 : 0;
    this.pos = bom;
    this.lineStart = bom;
  }

  /** Position of `offset`, which must lie on the current line (tokens never span lines). */
  private at(offset: number): Position {
    return { line: this.line, column: offset - this.lineStart + 1, offset };
  }

  private fail(code: ParseErrorCode, message: string, position: Position, expected?: string, related?: Position): never {
    const error: ParseError = { code, message, position };
    if (expected !== undefined) error.expected = expected;
    if (related !== undefined) error.related = related;
    throw new Failure(error);
  }

  private top(): Frame {
    const frame = this.stack[this.stack.length - 1];
    if (frame === undefined) throw new Error('json-parse: internal error: no open container');
    return frame;
  }

  private skipWhitespace(): void {
    const src = this.src;
    let i = this.pos;
    for (;;) {
      const c = src.charCodeAt(i);
      if (c === C_SPACE || c === C_TAB) {
        i++;
      } else if (c === C_LF) {
        i++;
        this.line++;
        this.lineStart = i;
      } else if (c === C_CR) {
        i++;
        if (src.charCodeAt(i) === C_LF) i++;
        this.line++;
        this.lineStart = i;
      } else {
        break;
      }
    }
    this.pos = i;
  }

  /** Skip whitespace and return the next character code (NaN at end of file); rejects comments. */
  private peek(expected: string): number {
    this.skipWhitespace();
    const c = this.src.charCodeAt(this.pos);
    if (c === C_SLASH) {
      const next = this.src.charCodeAt(this.pos + 1);
      if (next === C_SLASH || next === C_STAR) {
        this.fail('syntax', 'comments are not allowed in JSON; remove the comment', this.at(this.pos), expected);
      }
    }
    return c;
  }

  /** Fail for end of file where `expected` was wanted, naming the innermost unclosed container. */
  private eof(expected: string): never {
    const frame = this.stack[this.stack.length - 1];
    const position = this.at(this.pos);
    if (frame === undefined) {
      this.fail('unexpected-end', `unexpected end of file (expected ${expected})`, position, expected);
    }
    const kind = frame.isObject ? 'object' : 'array';
    this.fail(
      'unexpected-end',
      `unexpected end of file: the ${kind} opened at line ${frame.open.line}, column ${frame.open.column} is not closed (expected ${expected})`,
      position,
      expected,
      frame.open,
    );
  }

  private unexpectedChar(expected: string): never {
    this.fail('syntax', `unexpected character ${describeChar(this.src, this.pos)}: expected ${expected}`, this.at(this.pos), expected);
  }

  /** Remember where a value starts, under `pointer`. */
  private record(pointer: string, start: Position, keyPos: Position | undefined): Location {
    const loc: Location = keyPos === undefined ? { value: start, end: start } : { value: start, end: start, key: keyPos };
    this.locations.set(pointer, loc);
    return loc;
  }

  /** Hand a complete value to its container (or make it the root); returns the next state. */
  private attach(value: JsonValue): number {
    const parent = this.stack[this.stack.length - 1];
    if (parent === undefined) {
      this.root = value;
      return S_DONE;
    }
    if (parent.arr !== undefined) {
      parent.arr.push(value);
    } else if (parent.obj !== undefined) {
      setMember(parent.obj, parent.key, value);
    }
    return S_AFTER;
  }

  /** Close the innermost container at the current '}' or ']'; returns the next state. */
  private close(): number {
    const frame = this.stack.pop();
    if (frame === undefined) throw new Error('json-parse: internal error: nothing to close');
    this.pos++;
    frame.loc.end = this.at(this.pos);
    return this.attach(frame.obj ?? frame.arr ?? null);
  }

  run(): JsonValue {
    const src = this.src;
    this.skipWhitespace();
    if (this.pos >= src.length) {
      const offset = src.charCodeAt(0) === C_BOM ? 1 : 0;
      this.fail('empty', 'the file is empty: a manifest is a JSON object', { line: 1, column: 1, offset }, 'a value');
    }

    let state = S_VALUE;
    let pointer = '';
    let keyPos: Position | undefined;
    let valueExpected = 'a value';

    for (;;) {
      switch (state) {
        case S_VALUE: {
          const c = this.peek(valueExpected);
          if (c === C_LBRACE || c === C_LBRACKET) {
            const open = this.at(this.pos);
            if (this.stack.length >= this.maxDepth) {
              this.fail('too-deep', `nesting is deeper than ${this.maxDepth} levels`, open);
            }
            const loc = this.record(pointer, open, keyPos);
            const isObject = c === C_LBRACE;
            this.stack.push({
              isObject,
              open,
              pointer,
              loc,
              obj: isObject ? {} : undefined,
              arr: isObject ? undefined : [],
              key: '',
              comma: undefined,
            });
            this.pos++;
            state = isObject ? S_OBJ_START : S_ARR_START;
            break;
          }
          if (Number.isNaN(c)) this.eof(valueExpected);
          const loc = this.record(pointer, this.at(this.pos), keyPos);
          const value = this.scalar(c, valueExpected);
          loc.end = this.at(this.pos);
          state = this.attach(value);
          break;
        }

        case S_OBJ_START:
        case S_OBJ_NEXT: {
          const frame = this.top();
          const expected = state === S_OBJ_START ? "a property name or '}'" : 'a property name';
          const c = this.peek(expected);
          if (c === C_RBRACE) {
            if (state === S_OBJ_NEXT && frame.comma !== undefined) {
              this.fail('syntax', "trailing comma: JSON does not allow a ',' before '}'; remove it", frame.comma, expected);
            }
            state = this.close();
            break;
          }
          if (c !== C_QUOTE) this.badKey(c, expected);
          const kp = this.at(this.pos);
          const key = this.string();
          const colon = this.peek("':'");
          if (colon !== C_COLON) {
            if (Number.isNaN(colon)) this.eof("':'");
            this.fail(
              'syntax',
              `expected ':' after the property name ${quoteKey(key)}, found ${describeChar(src, this.pos)}`,
              this.at(this.pos),
              "':'",
            );
          }
          this.pos++;

          pointer = `${frame.pointer}/${pointerSegment(key)}`;
          // A member's pointer is unique to it, so an existing location means a repeated key.
          const previous = this.locations.get(pointer);
          if (previous !== undefined) this.duplicate(frame, pointer, key, previous, kp);
          frame.key = key;
          keyPos = kp;
          valueExpected = 'a value';
          state = S_VALUE;
          break;
        }

        case S_ARR_START:
        case S_ARR_NEXT: {
          const frame = this.top();
          const expected = state === S_ARR_START ? "a value or ']'" : 'a value';
          const c = this.peek(expected);
          if (c === C_RBRACKET) {
            if (state === S_ARR_NEXT && frame.comma !== undefined) {
              this.fail('syntax', "trailing comma: JSON does not allow a ',' before ']'; remove it", frame.comma, expected);
            }
            state = this.close();
            break;
          }
          if (Number.isNaN(c)) this.eof(expected);
          pointer = `${frame.pointer}/${frame.arr?.length ?? 0}`;
          keyPos = undefined;
          valueExpected = expected;
          state = S_VALUE;
          break;
        }

        case S_AFTER: {
          const frame = this.top();
          const closer = frame.isObject ? C_RBRACE : C_RBRACKET;
          const expected = frame.isObject ? "',' or '}'" : "',' or ']'";
          const c = this.peek(expected);
          if (c === C_COMMA) {
            frame.comma = this.at(this.pos);
            this.pos++;
            state = frame.isObject ? S_OBJ_NEXT : S_ARR_NEXT;
          } else if (c === closer) {
            state = this.close();
          } else if (Number.isNaN(c)) {
            this.eof(expected);
          } else {
            this.missingComma(frame, c, expected);
          }
          break;
        }

        default: {
          // S_DONE
          const c = this.peek('end of file');
          if (!Number.isNaN(c)) {
            this.fail(
              'syntax',
              `unexpected content after the end of the JSON value: found ${describeChar(src, this.pos)} (a file holds exactly one JSON value)`,
              this.at(this.pos),
              'end of file',
            );
          }
          return this.root;
        }
      }
    }
  }

  /** Record a repeated key and forget everything below the value it replaces (that value is dropped). */
  private duplicate(frame: Frame, pointer: string, key: string, previous: Location, keyPos: Position): void {
    let first = this.firstKeys.get(pointer);
    if (first === undefined) {
      first = previous.key ?? previous.value;
      this.firstKeys.set(pointer, first);
    }
    this.duplicates.push({ pointer, key, first, duplicate: keyPos });
    const replaced = frame.obj === undefined ? undefined : Object.getOwnPropertyDescriptor(frame.obj, key)?.value;
    // Each dropped value is visited once, so this stays linear overall.
    const pending: [string, unknown][] = [[pointer, replaced]];
    for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
      const [base, value] = item;
      if (value === null || typeof value !== 'object') continue;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const child = `${base}/${i}`;
          this.locations.delete(child);
          pending.push([child, value[i]]);
        }
      } else {
        for (const [childKey, childValue] of Object.entries(value)) {
          const child = `${base}/${pointerSegment(childKey)}`;
          this.locations.delete(child);
          this.firstKeys.delete(child);
          pending.push([child, childValue]);
        }
      }
    }
  }

  private missingComma(frame: Frame, c: number, expected: string): never {
    const found = describeChar(this.src, this.pos);
    const after = frame.isObject ? `after the value of ${quoteKey(frame.key)}` : 'after an array element';
    let message = `expected ${expected} ${after}, found ${found}`;
    let related: Position | undefined;
    if (c === C_RBRACE || c === C_RBRACKET) {
      const kind = frame.isObject ? 'object' : 'array';
      message += `; the ${kind} opened at line ${frame.open.line}, column ${frame.open.column} must be closed with '${frame.isObject ? '}' : ']'}' first`;
      related = frame.open;
    } else if (c === C_QUOTE || c === C_LBRACE || c === C_LBRACKET || c === C_MINUS || isDigit(c) || isAsciiLetter(c)) {
      message += '; is a comma missing?';
    }
    this.fail('syntax', message, this.at(this.pos), expected, related);
  }

  /** Explain a property name that does not start with '"'. */
  private badKey(c: number, expected: string): never {
    if (Number.isNaN(c)) this.eof(expected);
    const position = this.at(this.pos);
    if (c === C_APOS) {
      this.fail('syntax', 'strings must use double quotes, not single quotes', position, 'a property name in double quotes');
    }
    const rest = this.src.slice(this.pos, this.pos + 200);
    const ident = /^[\p{L}\p{N}_$-]+/u.exec(rest);
    if (ident !== null) {
      const name = truncate(ident[0]);
      this.fail(
        'syntax',
        `property names must be double-quoted: write "${name}" instead of ${name}`,
        position,
        'a property name in double quotes',
      );
    }
    this.unexpectedChar(expected);
  }

  /** Parse a string, number or literal word starting at the current position (`c` is its first char code). */
  private scalar(c: number, expected: string): JsonValue {
    if (c === C_QUOTE) return this.string();
    if (c === C_MINUS || isDigit(c)) return this.number();
    if (isAsciiLetter(c) || c === C_UNDERSCORE || c === C_DOLLAR) return this.word(this.pos);
    const position = this.at(this.pos);
    if (c === C_APOS) {
      this.fail('syntax', 'strings must use double quotes, not single quotes', position, expected);
    }
    if (c === C_DOT && isDigit(this.src.charCodeAt(this.pos + 1))) {
      const literal = this.numberLike(this.pos);
      this.fail(
        'syntax',
        `numbers must have a digit before the decimal point: write 0${literal} instead of ${literal}`,
        position,
        expected,
      );
    }
    if (c === C_PLUS && isDigit(this.src.charCodeAt(this.pos + 1))) {
      const literal = this.numberLike(this.pos + 1);
      this.fail('syntax', `numbers must not start with '+': write ${literal} instead of +${literal}`, position, expected);
    }
    this.unexpectedChar(expected);
  }

  /** The run of number-ish characters starting at `from`, for messages. */
  private numberLike(from: number): string {
    const m = /^[0-9A-Za-z.+-]*/.exec(this.src.slice(from, from + 100));
    return truncate(m === null ? '' : m[0]);
  }

  /** `true`, `false`, `null`, or an error naming the word. `start` may point at a '-' (for `-Infinity`). */
  private word(start: number): JsonValue {
    const src = this.src;
    let i = src.charCodeAt(start) === C_MINUS ? start + 1 : start;
    while (isWordChar(src.charCodeAt(i))) i++;
    const word = src.slice(start, i);
    if (word === 'true') {
      this.pos = i;
      return true;
    }
    if (word === 'false') {
      this.pos = i;
      return false;
    }
    if (word === 'null') {
      this.pos = i;
      return null;
    }
    this.badWord(start);
  }

  /** Fail for a bare word (or `-word`) starting at `start`. */
  private badWord(start: number): never {
    const src = this.src;
    let i = src.charCodeAt(start) === C_MINUS ? start + 1 : start;
    while (isWordChar(src.charCodeAt(i))) i++;
    const word = src.slice(start, i);
    const hint = WORD_HINTS[word];
    this.fail(
      'syntax',
      `unexpected word '${truncate(word)}': JSON values are strings, numbers, true, false, null, objects and arrays${hint === undefined ? '' : ` (${hint})`}`,
      this.at(start),
      'a value',
    );
  }

  private number(): number {
    const src = this.src;
    const start = this.pos;
    let i = start;
    if (src.charCodeAt(i) === C_MINUS) {
      i++;
      const c = src.charCodeAt(i);
      if (isAsciiLetter(c)) this.badWord(start); // -Infinity, -NaN
    }
    const intStart = i;
    const first = src.charCodeAt(i);
    if (first === C_0) {
      i++;
      if (isDigit(src.charCodeAt(i))) {
        const literal = this.numberLike(start);
        const fixed = literal.replace(/^(-?)0+(?=\d)/, '$1');
        this.fail('syntax', `numbers must not have leading zeros: write ${fixed} instead of ${literal}`, this.at(intStart), 'a value');
      }
    } else if (first >= C_1 && first <= C_9) {
      i++;
      while (isDigit(src.charCodeAt(i))) i++;
    } else {
      this.digitExpected(start, i, "a digit after '-'");
    }
    if (src.charCodeAt(i) === C_DOT) {
      i++;
      if (!isDigit(src.charCodeAt(i))) this.digitExpected(start, i, 'a digit after the decimal point');
      while (isDigit(src.charCodeAt(i))) i++;
    }
    const e = src.charCodeAt(i);
    if (e === C_e || e === C_E) {
      i++;
      const sign = src.charCodeAt(i);
      if (sign === C_PLUS || sign === C_MINUS) i++;
      if (!isDigit(src.charCodeAt(i))) this.digitExpected(start, i, 'a digit in the exponent');
      while (isDigit(src.charCodeAt(i))) i++;
    }
    const next = src.charCodeAt(i);
    if (isWordChar(next) || next === C_DOT) {
      const literal = this.numberLike(start);
      this.fail(
        'syntax',
        `invalid number '${literal}': JSON numbers are plain decimals like 12, -3.5 or 6.02e23 (no hex, no suffixes)`,
        this.at(i),
        this.afterValueExpected(),
      );
    }
    const text = src.slice(start, i);
    const value = Number(text);
    if (!Number.isFinite(value)) {
      this.fail(
        'number-range',
        `the number ${truncate(text)} is out of range: it is too large for a 64-bit floating-point number`,
        this.at(start),
      );
    }
    this.pos = i;
    return value;
  }

  /** What may follow a complete value in the current context (for `expected`). */
  private afterValueExpected(): string {
    const frame = this.stack[this.stack.length - 1];
    if (frame === undefined) return 'end of file';
    return frame.isObject ? "',' or '}'" : "',' or ']'";
  }

  private digitExpected(start: number, i: number, what: string): never {
    const literal = truncate(this.src.slice(start, i));
    if (i >= this.src.length) {
      const frame = this.stack[this.stack.length - 1];
      this.fail('unexpected-end', `unexpected end of file in the number '${literal}' (expected ${what})`, this.at(i), what, frame?.open);
    }
    this.fail('syntax', `invalid number '${literal}': expected ${what}, found ${describeChar(this.src, i)}`, this.at(i), what);
  }

  /** Parse a string whose opening quote is at the current position. */
  private string(): string {
    const src = this.src;
    const len = src.length;
    const startOffset = this.pos;
    let i = startOffset + 1;
    let chunkStart = i;
    let parts: string[] | undefined;
    for (;;) {
      if (i >= len) this.unterminated(startOffset, i);
      const c = src.charCodeAt(i);
      if (c === C_QUOTE) {
        const tail = src.slice(chunkStart, i);
        this.pos = i + 1;
        if (parts === undefined) return tail;
        parts.push(tail);
        return parts.join('');
      }
      if (c === C_BACKSLASH) {
        parts ??= [];
        if (i > chunkStart) parts.push(src.slice(chunkStart, i));
        i = this.escape(startOffset, i, parts);
        chunkStart = i;
        continue;
      }
      if (c < C_SPACE) this.controlChar(startOffset, i, c);
      i++;
    }
  }

  private unterminated(startOffset: number, i: number): never {
    const start = this.at(startOffset);
    this.fail(
      'unexpected-end',
      `unexpected end of file inside a string that starts at line ${start.line}, column ${start.column}`,
      this.at(i),
      "'\"'",
      start,
    );
  }

  private controlChar(startOffset: number, i: number, c: number): never {
    const position = this.at(i);
    if (c === C_TAB) {
      this.fail('syntax', 'a raw tab inside a string must be escaped as \\t', position, "a character or '\"'");
    }
    if (c === C_LF || c === C_CR) {
      const start = this.at(startOffset);
      this.fail(
        'syntax',
        `a raw line break inside a string must be escaped as \\n; if the string that starts at line ${start.line}, column ${start.column} should end here, add the closing '"'`,
        position,
        "a character or '\"'",
        start,
      );
    }
    const hex = c.toString(16).toUpperCase().padStart(4, '0');
    this.fail('syntax', `a raw control character (U+${hex}) inside a string must be escaped as \\u${hex}`, position, "a character or '\"'");
  }

  /** Decode the escape whose backslash is at `i` into `parts`; returns the index after it. */
  private escape(startOffset: number, i: number, parts: string[]): number {
    const src = this.src;
    const e = src.charCodeAt(i + 1);
    switch (e) {
      case C_QUOTE:
        parts.push('"');
        return i + 2;
      case C_BACKSLASH:
        parts.push('\\');
        return i + 2;
      case C_SLASH:
        parts.push('/');
        return i + 2;
      case 0x62: // b
        parts.push('\b');
        return i + 2;
      case 0x66: // f
        parts.push('\f');
        return i + 2;
      case 0x6e: // n
        parts.push('\n');
        return i + 2;
      case 0x72: // r
        parts.push('\r');
        return i + 2;
      case 0x74: // t
        parts.push('\t');
        return i + 2;
      case 0x75: {
        // u
        let code = 0;
        for (let k = 0; k < 4; k++) {
          const h = src.charCodeAt(i + 2 + k);
          if (Number.isNaN(h)) this.unterminated(startOffset, src.length);
          const v = hexValue(h);
          if (v < 0) {
            const shown = Array.from(src.slice(i, i + 6), (ch) => (ch < ' ' || ch === '"' ? '' : ch)).join('');
            this.fail(
              'syntax',
              `invalid escape '${shown}': \\u must be followed by exactly 4 hex digits, e.g. \\u00e9`,
              this.at(i),
              'a hex digit',
            );
          }
          code = code * 16 + v;
        }
        // Lone surrogates are allowed, as in JSON.parse.
        parts.push(String.fromCharCode(code));
        return i + 6;
      }
      default: {
        if (Number.isNaN(e)) this.unterminated(startOffset, src.length);
        const cp = src.codePointAt(i + 1) ?? e;
        const ch = String.fromCodePoint(cp);
        const shown = VISIBLE.test(ch) ? `'\\${ch}'` : `'\\' followed by ${codePointLabel(cp)}`;
        const hint = e === C_APOS ? "; a single quote needs no escape, write ' on its own" : '';
        this.fail(
          'syntax',
          `invalid escape ${shown} in a string: JSON only allows \\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX${hint}`,
          this.at(i),
          'an escape character',
        );
      }
    }
  }
}

/**
 * Parse `source` as strict JSON (RFC 8259), recording the location of every value and every
 * duplicate key. A leading BOM is skipped. Never throws for any input string: problems come
 * back as `{ ok: false, error }` with a position and a human-readable, fixable message.
 *
 * Duplicate keys keep the LAST value (like `JSON.parse`); each repeat is reported in
 * `duplicates`, and `locations` describes the kept value. A `__proto__` key becomes an own
 * data property; the result's prototype is always `Object.prototype`.
 */
export function parseJson(source: string, options?: ParseOptions): ParseResult {
  const maxDepth = normalizeMaxDepth(options?.maxDepth);
  return parsedNatively(source, maxDepth) ?? parseCarefully(source, maxDepth);
}

/** The careful parser alone: what parseJson returns, positions worked out at once. For tests. */
export function parseCarefully(source: string, maxDepth = DEFAULT_MAX_DEPTH): ParseResult {
  const parser = new Parser(source, maxDepth);
  try {
    const value = parser.run();
    return { ok: true, value, locations: parser.locations, duplicates: parser.duplicates };
  } catch (e) {
    if (e instanceof Failure) return { ok: false, error: e.error };
    throw e;
  }
}

/** A string token and, when it is a property name, its colon. Matched from each token's opening quote. */
const STRING_TOKEN = /"[^"\\]*(?:\\.[^"\\]*)*"[ \t\n\r]*(:)?/g;

/** How many property names the text holds: one per string followed by a colon. */
function propertyNamesIn(source: string): number {
  let count = 0;
  STRING_TOKEN.lastIndex = 0;
  for (let m = STRING_TOKEN.exec(source); m !== null; m = STRING_TOKEN.exec(source)) if (m[1] !== undefined) count++;
  return count;
}

/**
 * The fast path: the document as JSON.parse reads it, when that is also what the careful parser
 * would return with no duplicates: JSON.parse accepted it, no container is nested deeper than
 * `maxDepth`, every number is finite, and the parsed objects hold as many members as the text
 * names (fewer means a repeated key, which JSON.parse silently drops). Otherwise undefined.
 */
function parsedNatively(source: string, maxDepth: number): ParseResult | undefined {
  const text = source.charCodeAt(0) === C_BOM ? source.slice(1) : source;
  let value: JsonValue;
  try {
    value = JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
  let members = 0;
  const stack: [JsonValue, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [JsonValue, number];
    if (typeof node === 'number') {
      if (!Number.isFinite(node)) return undefined;
    } else if (node !== null && typeof node === 'object') {
      if (depth + 1 > maxDepth) return undefined;
      if (Array.isArray(node)) {
        for (const item of node) stack.push([item, depth + 1]);
      } else {
        for (const key of Object.keys(node)) {
          members++;
          stack.push([node[key] as JsonValue, depth + 1]);
        }
      }
    }
  }
  if (propertyNamesIn(text) !== members) return undefined;
  return { ok: true, value, locations: new LazyLocations(source, maxDepth), duplicates: [] };
}

/** Locations the careful parser works out on first use, for a document the fast path read. */
class LazyLocations implements ReadonlyMap<string, Location> {
  private computed: Map<string, Location> | undefined;

  constructor(
    private readonly source: string,
    private readonly maxDepth: number,
  ) {}

  private get map(): Map<string, Location> {
    if (this.computed === undefined) {
      const parsed = parseCarefully(this.source, this.maxDepth);
      if (!parsed.ok) throw new Error(`json-parse: internal error: JSON.parse read what the parser refuses: ${parsed.error.message}`);
      this.computed = parsed.locations as Map<string, Location>;
    }
    return this.computed;
  }

  get size(): number {
    return this.map.size;
  }
  get(pointer: string): Location | undefined {
    return this.map.get(pointer);
  }
  has(pointer: string): boolean {
    return this.map.has(pointer);
  }
  forEach(callback: (value: Location, key: string, map: ReadonlyMap<string, Location>) => void, thisArg?: unknown): void {
    this.map.forEach((value, key) => callback.call(thisArg, value, key, this));
  }
  entries(): MapIterator<[string, Location]> {
    return this.map.entries();
  }
  keys(): MapIterator<string> {
    return this.map.keys();
  }
  values(): MapIterator<Location> {
    return this.map.values();
  }
  [Symbol.iterator](): MapIterator<[string, Location]> {
    return this.map[Symbol.iterator]();
  }
}

/** Location of the deepest existing ancestor of `pointer` (the pointer itself if present, else its parent, ..., else the root). Used to place a diagnostic for a missing property on the object that lacks it. Falls back to line 1, column 1 if even the root is absent. */
export function locate(locations: Locations, pointer: string): Location {
  let current = pointer;
  for (;;) {
    const loc = locations.get(current);
    if (loc !== undefined) return loc;
    if (current === '') break;
    const cut = current.lastIndexOf('/');
    current = cut <= 0 ? '' : current.slice(0, cut);
  }
  const start: Position = { line: 1, column: 1, offset: 0 };
  return { value: start, end: start };
}
