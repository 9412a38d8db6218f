import { safeData } from '../safe-text.js';
import type { Change, DiffResult, Risk, Section } from '../../diff/model.js';
import { SECTIONS, SECTION_TITLES, changeText } from '../../diff/model.js';
import type { Style } from '../style.js';
import { plural } from '../../text/plural.js';
import { tableLines } from '../table.js';

/** "3 changes: 1 high, 2 low" (risks with no change are left out). */
export function countLine(result: Pick<DiffResult, 'summary'>): string {
  const { summary } = result;
  const parts = (['high', 'medium', 'low'] as const).filter((risk) => summary[risk] > 0).map((risk) => `${summary[risk]} ${risk}`);
  return `${plural(summary.changes, 'change')}${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`;
}

/** The changes of each section, in section order, leaving out empty sections. */
export function bySection(changes: readonly Change[]): [Section, Change[]][] {
  const groups = new Map<Section, Change[]>();
  for (const change of changes) {
    const group = groups.get(change.section);
    if (group) group.push(change);
    else groups.set(change.section, [change]);
  }
  return SECTIONS.filter((section) => groups.has(section)).map((section) => [section, groups.get(section) as Change[]]);
}

/** `diff --format text`: a heading, the counts, then each section's changes with their risk and reason. */
export function renderDiffText(result: DiffResult, style: Style): string {
  result = safeData(result);
  const paint: Record<Risk, (text: string) => string> = {
    high: (text) => style.red.bold(text),
    medium: (text) => style.yellow(text),
    low: (text) => style.dim(text),
  };
  const out: string[] = [`${style.bold('agent-rollout diff')} ${result.base} → ${result.head}`];
  if (result.changes.length === 0) {
    out.push(style.green('No changes.'));
  } else {
    out.push(countLine(result));
    for (const [section, changes] of bySection(result.changes)) {
      out.push('', style.bold(SECTION_TITLES[section]));
      for (const change of changes) {
        out.push(
          ...tableLines([[paint[change.risk](change.risk), `${change.subject}: ${changeText(change.parts)}`]], {
            indent: '  ',
            minWidths: [6],
          }),
        );
        out.push(`          ${style.dim(change.reason)}`);
      }
    }
  }
  if (result.notes.length > 0) {
    out.push('', style.bold('Notes'));
    for (const note of result.notes)
      out.push(`  ${note.level === 'warning' ? style.yellow('warning:') : style.cyan('note:')} ${note.text}`);
  }
  return `${out.join('\n')}\n`;
}
