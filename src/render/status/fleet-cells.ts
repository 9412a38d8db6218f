import type { OrgAccess } from '../../export/org-view.js';
import type { FleetAgent } from '../../state/fleet.js';
import { plural } from '../../text/plural.js';
import { ageText, formatSpan } from '../../time/duration.js';
import { formatTime } from '../../time/timestamp.js';

/**
 * The cells of a fleet row in words, the same for the text table, the markdown table and the
 * board, so the three show the same facts. Plain strings of outside text: each renderer makes
 * them safe for its medium (safeData, the markdown escaper, the HTML escaper).
 */

export const FLEET_HEADERS = [
  'agent',
  'owner',
  'stage',
  'on',
  'mode',
  'paused',
  'last gate',
  'drill',
  'guardrails',
  'may advance',
  'trail',
  'blockers',
] as const;

export function stageCell(row: FleetAgent): string {
  const { stage } = row;
  const where = stage.position !== undefined ? `${stage.position}/${stage.of}` : `?/${stage.of}`;
  const audience = stage.audience;
  const parts = [
    ...(audience?.percent !== undefined ? [`${audience.percent}%`] : []),
    ...(audience?.orgs?.length ? [plural(audience.orgs.length, 'org')] : []),
    ...(audience?.users?.length ? [plural(audience.users.length, 'user')] : []),
  ];
  return `${stage.id} ${where}${parts.length > 0 ? ` (${parts.join(' + ')})` : ''}`;
}

export function modeCell(row: FleetAgent): string {
  const mode = row.governanceMode?.mode ?? 'unknown';
  return row.orgs.length > 0 ? `${mode} +${plural(row.orgs.length, 'org override')}` : mode;
}

export function pausedCell(row: FleetAgent): string {
  if (!row.paused) return 'no';
  return `since ${ageText(row.paused.ageMs)}${row.paused.by ? ` by ${row.paused.by}` : ''}`;
}

export function gateCell(row: FleetAgent): string {
  const gate = row.lastGate;
  if (!gate) return 'none';
  return `${gate.verdict ?? 'no verdict'} ${ageText(gate.ageMs)}`;
}

export function drillCell(row: FleetAgent): string {
  if (row.drill === 'none' || !row.lastDrill) return 'none';
  return `${row.drill} ${ageText(row.lastDrill.ageMs)}`;
}

export function guardrailsCell(row: FleetAgent): string {
  const evidence = row.guardrailTests;
  if (!evidence) return '-';
  if (evidence.state === 'current' && evidence.run) return `current, ${evidence.run.passed ? 'passed' : 'failed'}`;
  return evidence.state;
}

export function advanceCell(row: FleetAgent, now: number): string {
  const earliest = row.earliestAdvance;
  if (earliest === null) return 'no minimum';
  if ('unknown' in earliest) return 'unknown';
  if (earliest.reached) return 'min duration met';
  return `${formatTime(earliest.at)} (in ${formatSpan(Date.parse(earliest.at) - now)})`;
}

export function trailCell(row: FleetAgent): string {
  return row.trailHealth;
}

/** Every cell of a row, in the order of FLEET_HEADERS. */
export function fleetCells(row: FleetAgent, now: number): string[] {
  return [
    row.agent.id,
    row.owner,
    stageCell(row),
    row.enabled ? 'on' : 'OFF',
    modeCell(row),
    pausedCell(row),
    gateCell(row),
    drillCell(row),
    guardrailsCell(row),
    advanceCell(row, now),
    trailCell(row),
    String(row.blockers),
  ];
}

/** An org view's reason, with the bucket where a percentage decided. */
export function whyCell(access: OrgAccess): string {
  return access.bucket
    ? `${access.why} (bucket ${access.bucket.bucket} of ${access.bucket.of}, on below ${access.bucket.onBelow}: ${access.bucket.percent}%)`
    : access.why;
}
