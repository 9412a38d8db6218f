import { safeData } from '../safe-text.js';
import type { Change, ChangeText, DiffResult, Risk, Section } from '../../diff/model.js';
import { RISKS, SECTION_TITLES, changeText } from '../../diff/model.js';
import { mdCode, mdProse, mdTextOf } from '../markdown.js';
import { bySection } from './text.js';
import { plural } from '../../text/plural.js';

/** GitHub refuses a comment longer than this many characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;

/** The first line of the comment: a workflow finds its earlier comment by it and updates it. */
export const MARKDOWN_MARKER = '<!-- agent-rollout diff -->';

/** A section with more changes than this shows its high-risk changes and folds the rest. */
export const FOLD_AFTER = 10;

const BADGE: Record<Risk, string> = { high: '🔴 high', medium: '🟠 medium', low: '⚪ low' };

export interface MarkdownOptions {
  /** The most characters the comment may have (default: GitHub's limit). */
  limit?: number;
  /** The command that shows every change, named in the note when some are left out. */
  fullCommand?: string;
}

/** Outside text, inert (src/render/markdown.ts); `|` escaped, as every line of a table needs. */
function plain(text: string): string {
  return mdTextOf(text).replace(/\|/g, '\\|');
}

/** A code span that holds any text, also inside a table cell. */
function code(text: string): string {
  return mdCode(text).markdown.replace(/\|/g, '\\|');
}

/** Prose that may quote values in backticks: the quoted parts stay code, the rest is inert. */
function prose(text: string): string {
  return mdProse(text).markdown;
}

function changeCell(change: Change): string {
  const parts: ChangeText = { ...change.parts, label: plain(change.parts.label) };
  if (parts.detail !== undefined) parts.detail = plain(parts.detail);
  return `**${plain(change.subject)}**: ${changeText(parts, code)}`;
}

function row(change: Change): string {
  return `| ${BADGE[change.risk]} | ${changeCell(change)} | ${plain(change.reason)} |`;
}

const TABLE_HEAD = '| risk | change | why |\n| --- | --- | --- |';

function counts(changes: readonly Change[]): string {
  const by = RISKS.map((risk) => [risk, changes.filter((c) => c.risk === risk).length] as const).filter(([, n]) => n > 0);
  return by.map(([risk, n]) => `${n} ${risk}`).join(', ');
}

function renderSection(section: Section, shown: readonly Change[], total: number): string {
  const title = `#### ${SECTION_TITLES[section]} · ${plural(total, 'change')} (${counts(shown)}${shown.length < total ? `; ${total - shown.length} not shown` : ''})`;
  const rows = (changes: readonly Change[]): string => `${TABLE_HEAD}\n${changes.map(row).join('\n')}`;
  if (shown.length <= FOLD_AFTER) return `${title}\n\n${rows(shown)}\n`;
  const open = shown.filter((change) => change.risk === 'high');
  const folded = shown.filter((change) => change.risk !== 'high');
  const parts = [title, ''];
  if (open.length > 0) parts.push(rows(open), '');
  if (folded.length > 0) {
    const what =
      open.length > 0
        ? `${plural(folded.length, 'more change')} (${counts(folded)})`
        : `${plural(folded.length, 'change')} (${counts(folded)})`;
    parts.push(`<details><summary>${what}</summary>`, '', rows(folded), '', '</details>', '');
  }
  return parts.join('\n');
}

function header(result: DiffResult): string {
  const lines = [
    MARKDOWN_MARKER,
    '### agent-rollout diff',
    '',
    `${code(result.base)} → ${code(result.head)}: **${plural(result.summary.changes, 'change')}**`,
    '',
  ];
  if (result.summary.changes > 0) {
    lines.push('| risk | changes |', '| --- | ---: |');
    for (const risk of RISKS) lines.push(`| ${BADGE[risk]} | ${result.summary[risk]} |`);
    lines.push('');
  }
  for (const note of result.notes) {
    lines.push(`> [!${note.level === 'warning' ? 'WARNING' : 'NOTE'}]`, `> ${prose(note.text)}`, '');
  }
  return lines.join('\n');
}

function footer(left: readonly Change[], fullCommand: string, limit: number): string {
  if (left.length === 0) return '';
  const what =
    limit === GITHUB_COMMENT_LIMIT
      ? `GitHub's ${limit.toLocaleString('en-US')}-character comment limit`
      : `the ${limit.toLocaleString('en-US')}-character limit`;
  return `---\n**${plural(left.length, 'change')} not shown** (${counts(left)}) to stay under ${what}. See every change with ${code(fullCommand)} (or \`--format json\`).\n`;
}

function compose(result: DiffResult, shown: ReadonlySet<Change>, fullCommand: string, limit: number): string {
  const sections = bySection(result.changes).map(([section, changes]) => {
    const visible = changes.filter((change) => shown.has(change));
    return visible.length > 0 ? renderSection(section, visible, changes.length) : '';
  });
  const left = result.changes.filter((change) => !shown.has(change));
  return [header(result), ...sections.filter((s) => s !== '').map((s) => `${s}\n`), footer(left, fullCommand, limit)]
    .join('\n')
    .replace(/\n{3,}/g, '\n\n');
}

/** Per section: a heading, a table head and a <details> wrapper, at most. */
const SECTION_OVERHEAD = 400;
/** Room kept for the note on what was left out. */
const FOOTER_RESERVE = 600;

/**
 * `diff --format markdown`, for a pull-request comment: the marker, the counts by risk, the notes,
 * then each section's changes (a long section shows its high-risk changes and folds the rest in
 * <details>). Never longer than `limit`: when the changes do not fit, high-risk ones are kept
 * first, then medium, then low, and a note says how many were left out and how to see them all.
 */
export function renderDiffMarkdown(result: DiffResult, options: MarkdownOptions = {}): string {
  result = safeData(result);
  options = safeData(options);
  const limit = options.limit ?? GITHUB_COMMENT_LIMIT;
  const fullCommand = options.fullCommand ?? 'agent-rollout diff';
  const everything = new Set(result.changes);
  const full = compose(result, everything, fullCommand, limit);
  if (full.length <= limit) return full;

  // Choose what fits, by priority (high, medium, low; document order within each), without
  // re-rendering per change: each row's length is known, each section adds a bounded overhead.
  const priority = RISKS.flatMap((risk) => result.changes.filter((change) => change.risk === risk));
  let budget = limit - header(result).length - FOOTER_RESERVE - fullCommand.length;
  const opened = new Set<Section>();
  const chosen: Change[] = [];
  for (const change of priority) {
    const cost = row(change).length + 1 + (opened.has(change.section) ? 0 : SECTION_OVERHEAD);
    if (cost > budget) break;
    budget -= cost;
    opened.add(change.section);
    chosen.push(change);
  }
  for (;;) {
    const text = compose(result, new Set(chosen), fullCommand, limit);
    if (text.length <= limit || chosen.length === 0) return text.length <= limit ? text : text.slice(0, limit);
    chosen.splice(Math.floor(chosen.length * 0.95));
  }
}
