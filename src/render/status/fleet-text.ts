import type { FleetRow, OrgRow } from '../../state/fleet.js';
import { isFleetError } from '../../state/fleet.js';
import { plural } from '../../text/plural.js';
import { safeData } from '../safe-text.js';
import type { Style } from '../style.js';
import { renderTable } from '../table.js';
import { FLEET_HEADERS, fleetCells, whyCell } from './fleet-cells.js';

/**
 * The fleet's one-line count: how many agents, how many need action, how many to watch, and how
 * many manifests are not shown (unreadable, invalid, or of a version newer than this tool).
 */
export function fleetCounts(rows: readonly FleetRow[]): string {
  const agents = rows.flatMap((row) => (isFleetError(row) ? [] : [row]));
  const parts = [
    plural(agents.length, 'agent'),
    ...(['act', 'watch', 'ok'] as const).flatMap((level) => {
      const n = agents.filter((row) => row.attention.level === level).length;
      const word = level === 'act' ? 'need action' : level === 'watch' ? 'to watch' : 'ok';
      return n > 0 ? [`${n} ${word}`] : [];
    }),
  ];
  const notShown = rows.length - agents.length;
  if (notShown > 0) parts.push(`${plural(notShown, 'manifest')} not shown`);
  return parts.join(', ');
}

/**
 * `status` over several manifests for a person: one row per agent, attention first (`!!` act,
 * `!` watch), then what each row needing attention needs, and every manifest not shown, each with
 * its reason (it could not be read, is not a valid manifest, or is newer than this tool).
 */
export function renderFleetText(rows: readonly FleetRow[], style: Style, now: number): string {
  rows = safeData(rows);
  const marks = { act: style.red('!!'), watch: style.yellow('!'), ok: '' };
  const table = rows.flatMap((row) => (isFleetError(row) ? [] : [[marks[row.attention.level], ...fleetCells(row, now), row.manifest]]));
  const out = [style.bold(fleetCounts(rows))];
  if (table.length > 0) out.push(renderTable(['', ...FLEET_HEADERS, 'manifest'], table).trimEnd());
  const attention = rows.flatMap((row) =>
    !isFleetError(row) && row.attention.level !== 'ok'
      ? [`  ${row.attention.level === 'act' ? style.red(row.agent.id) : style.yellow(row.agent.id)}: ${row.attention.reasons.join(', ')}`]
      : [],
  );
  if (attention.length > 0) out.push('', 'needs attention:', ...attention);
  const errors = rows.flatMap((row) => (isFleetError(row) ? [`  ${style.red(row.manifest)}: ${row.error}`] : []));
  if (errors.length > 0) out.push('', 'not shown:', ...errors);
  return `${out.join('\n')}\n`;
}

/** `status --org ORG` for a person: per agent, on or off for that org, why, and its governance mode there. */
export function renderOrgText(org: string, rows: readonly OrgRow[], style: Style): string {
  org = safeData(org);
  rows = safeData(rows);
  const agents = rows.filter((row) => !('error' in row));
  const on = agents.filter((row) => 'on' in row && row.on).length;
  const title = `org ${org}: on for ${on} of ${plural(agents.length, 'agent')}`;
  const table = rows.flatMap((row) =>
    'error' in row ? [] : [[row.agent.id, row.on ? style.green('on') : style.red('off'), whyCell(row), row.mode, row.manifest]],
  );
  const out = [style.bold(title)];
  if (table.length > 0) out.push(renderTable(['agent', 'on', 'why', 'mode', 'manifest'], table).trimEnd());
  const errors = rows.flatMap((row) => ('error' in row ? [`  ${style.red(row.manifest)}: ${row.error}`] : []));
  if (errors.length > 0) out.push('', 'not shown:', ...errors);
  return `${out.join('\n')}\n`;
}
