import { safeData } from '../safe-text.js';
import type { InventoryCheck } from '../../inventory/check.js';
import type { SectionCompleteness } from '../../inventory/completeness.js';
import type { InventoryGap } from '../../inventory/gaps.js';
import { SECTION_LABELS } from '../../inventory/sections.js';
import type { Style } from '../style.js';
import { renderTable } from '../table.js';
import { renderBlastRadiusText } from './blast-radius.js';
import { plural } from '../../text/plural.js';
import type { SignalCoverage } from '../../manifest/signal-coverage.js';
import { coverageGapText } from '../../manifest/signal-coverage.js';

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

/** The signal coverage as a row of the completeness table: `signals  ✖ 71%  5 of 7 categories`. */
export function coverageRow(coverage: SignalCoverage): { complete: boolean; percent: number; count: string } {
  const required = coverage.measures.filter((m) => m.required).length;
  const covered = required - coverage.incomplete.length;
  const percent = coverage.complete ? 100 : Math.min(99, Math.floor((covered / required) * 100));
  return { complete: coverage.complete, percent, count: `${covered} of ${required} categories measured and attributed` };
}

/** `inventory --check` for a person. */
export function renderInventoryText(check: InventoryCheck, style: Style): string {
  check = safeData(check);
  const out: string[] = [`${style.bold(`Inventory of ${check.agent.id}`)} ${style.dim(`(${check.manifest})`)}`, ''];
  const signals = coverageRow(check.signals);
  out.push(
    renderTable(
      ['section', 'status', 'entries'],
      [
        ...check.sections.map((s) => [s.label, s.complete ? style.green(`✔ ${s.percent}%`) : style.red(`✖ ${s.percent}%`), countText(s)]),
        ['signals', signals.complete ? style.green(`✔ ${signals.percent}%`) : style.red(`✖ ${signals.percent}%`), signals.count],
      ],
    ),
  );
  const missing = check.signals.measures.filter((m) => m.required && m.status !== 'covered');
  if (check.gaps.length + missing.length > 0) {
    out.push(style.bold(`Gaps (${check.gaps.length + missing.length})`));
    for (const gap of check.gaps) out.push(...gapLines(gap, style));
    for (const m of missing)
      out.push(
        `  ${style.yellow('!')} ${style.dim('signals:')} ${coverageGapText(m)}`,
        `      ${style.cyan('hint:')} give a signal "measures": "${m.measure}" and "attribution" (docs/signals.md)`,
      );
    out.push('');
  }
  out.push(
    style.bold('Blast radius'),
    style.dim('  per stage: the data classes the agent can read and write, through which tools [credentials], from which triggers'),
  );
  out.push(...renderBlastRadiusText(check.blastRadius, style), '');
  const incomplete = check.sections.filter((s) => !s.complete).length + (missing.length > 0 ? 1 : 0);
  out.push(
    check.complete
      ? style.green('✔ the inventory is complete')
      : style.red(
          `✖ the inventory is incomplete: ${plural(check.gaps.length + missing.length, 'gap')} in ${plural(incomplete, 'section')}`,
        ),
  );
  return `${out.join('\n')}\n`;
}
