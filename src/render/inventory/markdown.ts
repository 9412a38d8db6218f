import { safeData } from '../safe-text.js';
import type { InventoryCheck } from '../../inventory/check.js';
import { SECTION_LABELS } from '../../inventory/sections.js';
import { md, mdCode, mdProse } from '../markdown.js';
import { renderMarkdownTable } from '../table.js';
import { renderBlastRadiusMarkdown } from './blast-radius.js';
import { countText } from './text.js';
import { plural } from '../../text/plural.js';

/** `inventory --check --format markdown`: for a pull request or a wiki. */
export function renderInventoryMarkdown(check: InventoryCheck): string {
  check = safeData(check);
  const out: string[] = [md`## Inventory of ${mdCode(check.agent.id)}`.markdown, ''];
  out.push(check.complete ? '✅ The inventory is complete.' : `❌ The inventory is incomplete: ${plural(check.gaps.length, 'gap')}.`, '');
  out.push(
    renderMarkdownTable(
      ['section', 'status', 'entries'],
      check.sections.map((s) => [s.label, `${s.complete ? '✅' : '❌'} ${s.percent}%`, countText(s)]),
    ),
  );
  if (check.gaps.length > 0) {
    out.push('### Gaps', '');
    for (const gap of check.gaps)
      out.push(md`- **${SECTION_LABELS[gap.section]}**: ${mdProse(gap.message)}. _${mdProse(gap.hint)}_`.markdown);
    out.push('');
  }
  out.push('### Blast radius', '', renderBlastRadiusMarkdown(check.blastRadius));
  return out.join('\n');
}
