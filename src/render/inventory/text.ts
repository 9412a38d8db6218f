import { safeData } from '../safe-text.js';
import type { InventoryCheck } from '../../inventory/check.js';
import type { SectionCompleteness } from '../../inventory/completeness.js';
import type { InventoryGap } from '../../inventory/gaps.js';
import { SECTION_LABELS } from '../../inventory/sections.js';
import type { Style } from '../style.js';
import { renderTable } from '../table.js';
import { renderBlastRadiusText } from './blast-radius.js';
import { plural } from '../../text/plural.js';

/** `3 of 3 entries`, `4 of 4 fields`. */
export function countText(section: SectionCompleteness): string {
  return section.unit === 'fields'
    ? `${section.completeItems} of ${section.items} fields`
    : section.items === 0
      ? 'no entries'
      : `${section.completeItems} of ${section.items} ${section.items === 1 ? 'entry' : 'entries'} complete`;
}

/** The completeness table: one row per section. */
export function completenessTable(sections: readonly SectionCompleteness[], style: Style): string {
  return renderTable(
    ['section', 'status', 'entries'],
    sections.map((s) => [s.label, s.complete ? style.green(`✔ ${s.percent}%`) : style.red(`✖ ${s.percent}%`), countText(s)]),
  );
}

/** One gap as two lines: what is missing, and the hint. */
export function gapLines(gap: InventoryGap, style: Style): string[] {
  gap = safeData(gap);
  return [
    `  ${style.yellow('!')} ${style.dim(`${SECTION_LABELS[gap.section]}:`)} ${gap.message}`,
    `      ${style.cyan('hint:')} ${gap.hint}`,
  ];
}

/** `inventory --check` for a person. */
export function renderInventoryText(check: InventoryCheck, style: Style): string {
  check = safeData(check);
  const out: string[] = [`${style.bold(`Inventory of ${check.agent.id}`)} ${style.dim(`(${check.manifest})`)}`, ''];
  out.push(completenessTable(check.sections, style));
  if (check.gaps.length > 0) {
    out.push(style.bold(`Gaps (${check.gaps.length})`));
    for (const gap of check.gaps) out.push(...gapLines(gap, style));
    out.push('');
  }
  out.push(
    style.bold('Blast radius'),
    style.dim('  per stage: the data classes the agent can read and write, through which tools [credentials], from which triggers'),
  );
  out.push(...renderBlastRadiusText(check.blastRadius, style), '');
  const incomplete = check.sections.filter((s) => !s.complete).length;
  out.push(
    check.complete
      ? style.green('✔ the inventory is complete')
      : style.red(`✖ the inventory is incomplete: ${plural(check.gaps.length, 'gap')} in ${plural(incomplete, 'section')}`),
  );
  return `${out.join('\n')}\n`;
}
