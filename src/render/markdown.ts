import { safeText } from './safe-text.js';

/**
 * The one markdown escaper. Markdown output (a pull-request comment, a drill report) holds text
 * from outside: a manifest's names and descriptions, a metric source's values and errors, a
 * step's output, an audit trail's actor and reason. None of it may produce emphasis, a link, an
 * image, raw HTML, a heading, a list, a table break or an `@mention`, or close the code span or
 * fence it sits in.
 *
 * The rule: a plain `string` is text and is escaped; only a `Markdown` value (made here, by `md`,
 * `mdCode`, `mdFence`, `mdHtml` or `mdRaw` for the renderer's own literals) is markup. So a
 * renderer writes md`**${subject}**: ${mdCode(value)}` and every interpolated string is made inert.
 */
export interface Markdown {
  readonly markdown: string;
}

const isMarkdown = (value: unknown): value is Markdown =>
  typeof value === 'object' && value !== null && typeof (value as { markdown?: unknown }).markdown === 'string';

/** The renderer's own markup, taken as it is. Never pass outside text. */
export function mdRaw(markdown: string): Markdown {
  return { markdown };
}

/** Characters with a markdown meaning anywhere in a line (`|` is left to `cell`, which escapes it in tables). */
const INLINE = /[\\`*_[\]<>&~#]/g;

/**
 * One character of `INLINE`, escaped. An `_` between two letters or digits is left alone: it
 * cannot open or close emphasis there (CommonMark's flanking rules), so `error_rate` stays readable.
 */
function escapeChar(c: string, offset: number, text: string): string {
  if (c === '_' && /[\p{L}\p{N}]/u.test(text[offset - 1] ?? '') && /[\p{L}\p{N}]/u.test(text[offset + 1] ?? '')) return c;
  return ENTITY[c] ?? `\\${c}`;
}
const ENTITY: Readonly<Record<string, string>> = {
  '<': '&lt;',
  '>': '&gt;',
  '&': '&amp;',
};
/** What starts a block when it opens a line: a list item, a thematic break or setext underline, a quote. */
const BLOCK_START = /^(\s*)(?:([-+=])|(\d+)([.)]))/;

function escapeInline(text: string): string {
  return (
    text
      .replace(INLINE, escapeChar)
      .replace(BLOCK_START, (_all, space: string, sign?: string, digits?: string, dot?: string) =>
        sign !== undefined ? `${space}\\${sign}` : `${space}${digits ?? ''}\\${dot ?? ''}`,
      )
      // Leading spaces would make an indented code block at a line start: keep them as entities.
      .replace(/^ +/, (spaces) => '&#32;'.repeat(spaces.length))
  );
}

/**
 * Outside text that GitHub or a linkifier would turn into a link or a ping goes in code: URLs
 * (protocol-relative `//host` too), e-mail, `#123`.
 */
const LINKABLE =
  /[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s`]*|\/\/[^\s`]*|www\.[^\s`]*|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+|#\d+|GH-\d+/gi;

/**
 * Outside text as inert markdown inline text: controls and format characters shown escaped
 * (`safeText`), so a line break shows as `\n`; markdown punctuation backslash-escaped; `<`, `>`
 * and `&` as entities; URLs, e-mail addresses and issue references in code (GitHub would link
 * them); every other `@` in a code span of its own.
 */
export function mdTextOf(text: string): string {
  const safe = safeText(text);
  let out = '';
  let last = 0;
  for (const match of safe.matchAll(LINKABLE)) {
    out += escapePlain(safe.slice(last, match.index), last === 0);
    out += codeSpan(match[0]);
    last = match.index + match[0].length;
  }
  return out + escapePlain(safe.slice(last), last === 0);
}

/**
 * Escapes text; every `@` goes in a code span of its own. An `@` after a letter could still start
 * a mention (`a@b`) or an e-mail autolink that a fuzzier linkifier reads wider than `LINKABLE`
 * does (`a@1.|`): no linkifier and no mention crosses a code span.
 */
function escapePlain(text: string, atStart: boolean): string {
  const inline = (part: string): string => part.replace(INLINE, escapeChar);
  return text
    .split('@')
    .map((part, i) => (i === 0 ? (atStart ? escapeInline(part) : inline(part)) : `\`@\`${inline(part)}`))
    .join('');
}

/** A code span that holds any text: a backtick fence longer than any run inside, padded when needed. */
function codeSpan(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || (text.startsWith(' ') && text.endsWith(' ') && text.trim() !== '') ? ' ' : '';
  return text === '' ? '` `' : `${ticks}${pad}${text}${pad}${ticks}`;
}

/** Outside text as inert inline markdown. */
export function mdText(text: string): Markdown {
  return { markdown: mdTextOf(text) };
}

/** Outside text in a code span (`safeText` first, so a line break shows as `\n`). */
export function mdCode(text: string): Markdown {
  return { markdown: codeSpan(safeText(text)) };
}

/** Multi-line outside text in a fenced block that no run of backticks or tildes inside can close. */
export function mdFence(text: string, info = 'text'): Markdown {
  const body = safeText(text, { lines: true });
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return { markdown: `${fence}${info}\n${body}\n${fence}` };
}

/** Outside text inside raw HTML the renderer writes (`<summary>`): entities, no markup. */
export function mdHtml(text: string): Markdown {
  const escaped = safeText(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/@/g, '&#64;');
  return { markdown: escaped };
}

/**
 * Prose of the tool's own that quotes outside values in backticks (a gate reason, a diff note):
 * each backticked part becomes a code span, the rest inert text.
 */
export function mdProse(text: string): Markdown {
  return {
    markdown: text
      .split(/(`[^`\n]+`)/)
      .map((part, i) => (i % 2 === 1 ? codeSpan(safeText(part.slice(1, -1))) : mdTextOf(part)))
      .join(''),
  };
}

/** A value in markdown: a `Markdown` as it is, anything else as inert text. */
export function mdOf(value: Markdown | string | number | boolean): string {
  if (isMarkdown(value)) return value.markdown;
  return mdTextOf(String(value));
}

/**
 * A tagged template: the literal parts are the renderer's own markup, every interpolated value
 * that is not `Markdown` is outside text and made inert. md`**${name}**` is bold around an
 * escaped name.
 */
export function md(literals: TemplateStringsArray, ...values: (Markdown | string | number | boolean)[]): Markdown {
  let out = literals[0] ?? '';
  values.forEach((value, i) => {
    out += mdOf(value) + (literals[i + 1] ?? '');
  });
  return { markdown: out };
}

/** Joins markdown values. */
export function mdJoin(values: readonly (Markdown | string)[], separator = ''): Markdown {
  return { markdown: values.map(mdOf).join(separator) };
}
