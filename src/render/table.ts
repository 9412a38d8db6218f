import type { Markdown } from './markdown.js';
import { mdOf } from './markdown.js';
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the ESC that starts a colour code is the point
const ANSI = /\u001b\[[0-9;]*m/g;

/** Characters that take no column: combining marks and format characters. */
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]$/u;

/**
 * East Asian wide and fullwidth characters (and emoji presentation), which a terminal draws in
 * two columns: Hangul Jamo, CJK radicals to Yi, Hangul syllables, CJK compatibility, vertical and
 * small forms, fullwidth forms, the emoji blocks and the supplementary ideographic planes.
 */
function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x231a && code <= 0x231b) ||
    (code >= 0x23e9 && code <= 0x23ec) ||
    code === 0x23f0 ||
    code === 0x23f3 ||
    (code >= 0x25fd && code <= 0x25fe) ||
    (code >= 0x2614 && code <= 0x2615) ||
    (code >= 0x2648 && code <= 0x2653) ||
    code === 0x267f ||
    code === 0x2693 ||
    code === 0x26a1 ||
    (code >= 0x26aa && code <= 0x26ab) ||
    (code >= 0x26bd && code <= 0x26be) ||
    (code >= 0x26c4 && code <= 0x26c5) ||
    code === 0x26ce ||
    code === 0x26d4 ||
    code === 0x26ea ||
    (code >= 0x26f2 && code <= 0x26f3) ||
    code === 0x26f5 ||
    code === 0x26fa ||
    code === 0x26fd ||
    code === 0x2705 ||
    (code >= 0x270a && code <= 0x270b) ||
    code === 0x2728 ||
    code === 0x274c ||
    code === 0x274e ||
    (code >= 0x2753 && code <= 0x2755) ||
    code === 0x2757 ||
    (code >= 0x2795 && code <= 0x2797) ||
    code === 0x27b0 ||
    code === 0x27bf ||
    (code >= 0x2b1b && code <= 0x2b1c) ||
    code === 0x2b50 ||
    code === 0x2b55 ||
    (code >= 0x2e80 && code <= 0x303e) ||
    (code >= 0x3041 && code <= 0x33ff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0xa000 && code <= 0xa4cf) ||
    (code >= 0xa960 && code <= 0xa97f) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe10 && code <= 0xfe19) ||
    (code >= 0xfe30 && code <= 0xfe6f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f004 && code <= 0x1f004) ||
    code === 0x1f0cf ||
    code === 0x1f18e ||
    (code >= 0x1f191 && code <= 0x1f19a) ||
    (code >= 0x1f200 && code <= 0x1f251) ||
    (code >= 0x1f300 && code <= 0x1f64f) ||
    (code >= 0x1f680 && code <= 0x1f6ff) ||
    (code >= 0x1f7e0 && code <= 0x1f7eb) ||
    (code >= 0x1f90c && code <= 0x1f9ff) ||
    (code >= 0x1fa70 && code <= 0x1faff) ||
    (code >= 0x20000 && code <= 0x3fffd)
  );
}

/**
 * Columns a string takes on a terminal: ANSI colour codes none, combining marks and format
 * characters none, East Asian wide and fullwidth characters and emoji two, anything else one.
 */
export function visibleWidth(text: string): number {
  let width = 0;
  for (const char of text.replace(ANSI, '')) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x300 && code >= 0x20) width += 1;
    else if (ZERO_WIDTH.test(char)) continue;
    else width += isWide(code) ? 2 : 1;
  }
  return width;
}

/** Pads to a width in terminal columns. */
export function padToWidth(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - visibleWidth(text)));
}

/** A cell is one line: a line break or tab in it is shown escaped, so the columns hold. */
function oneLine(cell: string): string {
  return cell.replace(/\r?\n|\r|\t/g, (c) => (c === '\t' ? '\\t' : c === '\r' ? '\\r' : '\\n'));
}

export interface TableOptions {
  /** Indent every line by this (default none). */
  indent?: string;
  /** Leave out the header and its rule (default false): a list of aligned rows. */
  headless?: boolean;
  /** Columns apart (default 2). */
  gap?: number;
  /** The least width of each column (a label column that lines up across several tables). */
  minWidths?: readonly number[];
}

/** A headless table as lines, for a renderer that builds its output line by line. */
export function tableLines(rows: readonly (readonly string[])[], options: Omit<TableOptions, 'headless'> = {}): string[] {
  if (rows.length === 0) return [];
  return renderTable([], rows, { ...options, headless: true })
    .replace(/\n$/, '')
    .split('\n');
}

/**
 * A plain-text table: a header row, a rule, and left-aligned columns two spaces apart, widths
 * in terminal columns (`visibleWidth`). Cells may carry the tool's colour codes; outside text
 * in them must already be neutralised (`safeData`/`safeText`). The one table layout of the tool.
 */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[], options: TableOptions = {}): string {
  const body = rows.map((row) => row.map(oneLine));
  const head = options.headless ? [] : [headers.map(oneLine)];
  const all = [...head, ...body];
  const columns = Math.max(headers.length, ...all.map((row) => row.length));
  const widths = Array.from({ length: columns }, (_, i) =>
    Math.max(options.minWidths?.[i] ?? 0, ...all.map((row) => visibleWidth(row[i] ?? ''))),
  );
  const gap = ' '.repeat(options.gap ?? 2);
  const indent = options.indent ?? '';
  const line = (cells: readonly string[]): string =>
    indent +
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : padToWidth(cell, widths[i] ?? 0)))
      .join(gap)
      .trimEnd();
  const rule = options.headless ? [] : [line(widths.slice(0, headers.length).map((w) => '-'.repeat(w)))];
  return [...head.map(line), ...rule, ...body.map(line)].join('\n') + '\n';
}

/** A markdown table cell: text unless it is `Markdown`; `|` escaped (GitHub splits cells before it reads escapes). */
function markdownCell(value: Markdown | string | number): string {
  return mdOf(value).replace(/\|/g, '\\|');
}

/**
 * A markdown table. A header or cell that is a plain string is outside text and made inert
 * (src/render/markdown.ts); only a `Markdown` value (md`...`, mdCode) is markup.
 */
export function renderMarkdownTable(
  headers: readonly (Markdown | string)[],
  rows: readonly (readonly (Markdown | string | number)[])[],
): string {
  const line = (cells: readonly (Markdown | string | number)[]): string => `| ${cells.map(markdownCell).join(' | ')} |`;
  return [line(headers), `| ${headers.map(() => '---').join(' | ')} |`, ...rows.map(line)].join('\n') + '\n';
}
