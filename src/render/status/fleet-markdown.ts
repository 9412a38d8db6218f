import type { FleetRow, OrgRow } from '../../state/fleet.js';
import { isFleetError } from '../../state/fleet.js';
import { md, mdCode } from '../markdown.js';
import { safeData } from '../safe-text.js';
import { renderMarkdownTable } from '../table.js';
import { FLEET_HEADERS, fleetCells, whyCell } from './fleet-cells.js';
import { fleetCounts } from './fleet-text.js';

const MARK = { act: '🔴', watch: '🟡', ok: '🟢' } as const;

/** `status --format markdown` over the fleet: a table to paste into an issue or a job summary; the same facts as the text. */
export function renderFleetMarkdown(rows: readonly FleetRow[], now: number): string {
  rows = safeData(rows);
  const out = [`**${fleetCounts(rows)}**\n`];
  const agents = rows.flatMap((row) => (isFleetError(row) ? [] : [row]));
  if (agents.length > 0) {
    out.push(
      renderMarkdownTable(
        ['', ...FLEET_HEADERS, 'needs attention'],
        agents.map((row) => [md`${MARK[row.attention.level]}`, ...fleetCells(row, now), row.attention.reasons.join(', ') || '-']),
      ),
    );
  }
  const errors = rows.flatMap((row) => (isFleetError(row) ? [row] : []));
  if (errors.length > 0) {
    out.push('\n**Not shown:**\n');
    for (const row of errors) out.push(md`- ${mdCode(row.manifest)}: ${row.error}`.markdown);
    out.push('');
  }
  return `${out.join('\n')}\n`.replace(/\n{3,}$/, '\n');
}

/** `status --org ORG --format markdown`. */
export function renderOrgMarkdown(org: string, rows: readonly OrgRow[]): string {
  org = safeData(org);
  rows = safeData(rows);
  const agents = rows.flatMap((row) => ('error' in row ? [] : [row]));
  const on = agents.filter((row) => row.on).length;
  const out = [md`**Org ${mdCode(org)}: on for ${String(on)} of ${String(agents.length)} agents**\n`.markdown];
  if (agents.length > 0) {
    out.push(
      renderMarkdownTable(
        ['agent', 'on', 'why', 'mode', 'manifest'],
        agents.map((row) => [row.agent.id, row.on ? 'on' : 'off', whyCell(row), row.mode, row.manifest]),
      ),
    );
  }
  const errors = rows.flatMap((row) => ('error' in row ? [row] : []));
  if (errors.length > 0) {
    out.push('\n**Not shown:**\n');
    for (const row of errors) out.push(md`- ${mdCode(row.manifest)}: ${row.error}`.markdown);
  }
  return `${out.join('\n')}\n`;
}
