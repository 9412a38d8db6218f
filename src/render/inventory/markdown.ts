import { safeData } from '../safe-text.js';
import type { InventoryCheck } from '../../inventory/check.js';
import { SECTION_LABELS } from '../../inventory/sections.js';
import { md, mdCode, mdProse } from '../markdown.js';
import { renderMarkdownTable } from '../table.js';
import { renderBlastRadiusMarkdown } from './blast-radius.js';
import { plural } from '../../text/plural.js';
import { countText, coverageRow } from './text.js';
import { coverageGapText } from '../../manifest/signal-coverage.js';

/** `inventory --check --format markdown`: for a pull request or a wiki. */
export function renderInventoryMarkdown(check: InventoryCheck): string {
  check = safeData(check);
  const out: string[] = [md`## Inventory of ${mdCode(check.agent.id)}`.markdown, ''];
  const missing = check.signals.measures.filter((m) => m.required && m.status !== 'covered');
  const gaps = check.gaps.length + missing.length;
  out.push(check.complete ? '✅ The inventory is complete.' : `❌ The inventory is incomplete: ${plural(gaps, 'gap')}.`, '');
  const signals = coverageRow(check.signals);
  out.push(
    renderMarkdownTable(
      ['section', 'status', 'entries'],
      [
        ...check.sections.map((s) => [s.label, `${s.complete ? '✅' : '❌'} ${s.percent}%`, countText(s)]),
        ['signals', `${signals.complete ? '✅' : '❌'} ${signals.percent}%`, signals.count],
      ],
    ),
  );
  if (gaps > 0) {
    out.push('### Gaps', '');
    for (const gap of check.gaps)
      out.push(md`- **${SECTION_LABELS[gap.section]}**: ${mdProse(gap.message)}. _${mdProse(gap.hint)}_`.markdown);
    for (const m of missing) out.push(md`- **signals**: ${mdProse(coverageGapText(m))}.`.markdown);
    out.push('');
  }
  out.push('### Blast radius', '', renderBlastRadiusMarkdown(check.blastRadius));
  return out.join('\n');
}
