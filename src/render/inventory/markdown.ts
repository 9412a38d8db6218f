import type { InventoryCheck } from '../../inventory/check.js';
import { SECTION_LABELS } from '../../inventory/sections.js';
import { markdownCell, renderMarkdownTable } from '../table.js';
import { renderBlastRadiusMarkdown } from './blast-radius.js';
import { countText } from './text.js';

/** `inventory --check --format markdown`: for a pull request or a wiki. */
export function renderInventoryMarkdown(check: InventoryCheck): string {
  const out: string[] = [`## Inventory of \`${check.agent.id}\``, ''];
  out.push(check.complete ? '✅ The inventory is complete.' : `❌ The inventory is incomplete: ${check.gaps.length} gap(s).`, '');
  out.push(
    renderMarkdownTable(
      ['section', 'status', 'entries'],
      check.sections.map((s) => [s.label, `${s.complete ? '✅' : '❌'} ${s.percent}%`, countText(s)]),
    ),
  );
  if (check.gaps.length > 0) {
    out.push('### Gaps', '');
    for (const gap of check.gaps)
      out.push(`- **${SECTION_LABELS[gap.section]}**: ${markdownCell(gap.message)}. _${markdownCell(gap.hint)}_`);
    out.push('');
  }
  out.push('### Blast radius', '', renderBlastRadiusMarkdown(check.blastRadius));
  return out.join('\n');
}
