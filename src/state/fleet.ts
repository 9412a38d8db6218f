import type { OrgAccess } from '../export/org-view.js';
import type { Manifest } from '../manifest/types.js';
import { durationMs } from '../time/duration.js';
import { isoSeconds } from '../time/timestamp.js';
import type { Dated, RolloutStatus } from './status.js';

/**
 * Many agents at once: `status` over several manifests. Each row is the single-agent status
 * object (src/state/status.ts) with what a fleet listing adds: the owner, when the stage may
 * advance at the earliest, how many blockers `plan` lists, and what needs attention. Pure.
 */

/** How much a row needs a person: `act` (something is wrong), `watch` (held back or evidence missing), `ok`. */
export type AttentionLevel = 'act' | 'watch' | 'ok';

/** What drill evidence covers the rollback section as it is now. */
export type DrillState = 'current' | 'outdated' | 'failed' | 'none';

/** What the trail says about itself: intact and agreeing, a broken chain, or a state that differs from it. */
export type TrailHealth = 'ok' | 'broken chain' | 'state drift' | 'none';

/** One agent's row: its status, plus what the listing adds. */
export interface FleetAgent extends RolloutStatus {
  manifest: string;
  owner: string;
  /** agent.description, for the board. */
  description?: string;
  /** The manifest's stages in order, for the board's stage track. */
  stages: { id: string; percent?: number }[];
  /** The earliest time the stage may advance as far as the manifest and trail tell: stage entry plus minDuration. */
  earliestAdvance: { at: string; reached: boolean } | { unknown: string } | null;
  drill: DrillState;
  trailHealth: TrailHealth;
  /** How many blockers `agent-rollout plan` lists for this manifest. */
  blockers: number;
  attention: { level: AttentionLevel; reasons: string[] };
}

/** A manifest not shown (it could not be read, is not a valid manifest, or is newer than this tool): a row saying why. */
export interface FleetError {
  manifest: string;
  error: string;
}

export type FleetRow = FleetAgent | FleetError;

export const isFleetError = (row: FleetRow): row is FleetError => 'error' in row;

function drillState(status: RolloutStatus): DrillState {
  const drill = status.lastDrill;
  if (!drill) return 'none';
  if (!drill.coversCurrentRollback) return 'outdated';
  return drill.passed === false ? 'failed' : 'current';
}

function trailHealth(trail: RolloutStatus['trail']): TrailHealth {
  if (trail.problems > 0) return 'broken chain';
  if (trail.state === 'drift') return 'state drift';
  if (!trail.exists || trail.entries === 0) return 'none';
  return 'ok';
}

function earliestAdvance(manifest: Manifest, since: (Dated & { at: string }) | undefined, now: number): FleetAgent['earliestAdvance'] {
  const stage = manifest.stages.find((s) => s.id === manifest.state.stage);
  if (!stage || stage.minDuration === undefined) return null;
  const entered = since ? Date.parse(since.at) : Number.NaN;
  if (Number.isNaN(entered)) return { unknown: 'the stage entry time is unknown (no state.since, no advance in the trail)' };
  const at = entered + durationMs(stage.minDuration);
  return { at: isoSeconds(new Date(at)), reached: at <= now };
}

/** What needs attention in one row, most serious first. */
export function attentionOf(row: Omit<FleetAgent, 'attention'>): FleetAgent['attention'] {
  const act: string[] = [];
  const watch: string[] = [];
  if (row.trailHealth === 'broken chain') act.push('audit trail broken');
  if (row.trailHealth === 'state drift') act.push('state differs from the trail');
  if (row.lastGate?.verdict === 'no-go' || row.lastGate?.verdict === 'error') act.push(`last gate ${row.lastGate.verdict}`);
  if (row.drill === 'failed') act.push('last drill failed');
  if (row.guardrailTests?.state === 'current' && row.guardrailTests.run?.passed === false) act.push('guardrail tests failed');
  if (!row.enabled) watch.push('switched off');
  if (row.paused) watch.push('paused');
  if (row.drill === 'outdated') watch.push('drill outdated');
  if (row.drill === 'none') watch.push('never drilled');
  if (row.guardrailTests && (row.guardrailTests.state === 'outdated' || row.guardrailTests.state === 'none'))
    watch.push(`guardrail tests ${row.guardrailTests.state}`);
  if (!row.stage.declared) watch.push('stage not declared');
  const reasons = [...act, ...watch];
  return { level: act.length > 0 ? 'act' : watch.length > 0 ? 'watch' : 'ok', reasons };
}

/** The fleet row of one agent, from its status (the one computation `status` shows) and its plan's blocker count. */
export function fleetAgent(manifestPath: string, manifest: Manifest, status: RolloutStatus, blockers: number, now: number): FleetAgent {
  const row: Omit<FleetAgent, 'attention'> = {
    manifest: manifestPath,
    ...status,
    owner: manifest.agent.owner,
    ...(manifest.agent.description !== undefined ? { description: manifest.agent.description } : {}),
    stages: manifest.stages.map((stage) =>
      stage.audience.percent === undefined ? { id: stage.id } : { id: stage.id, percent: stage.audience.percent },
    ),
    earliestAdvance: earliestAdvance(manifest, status.stage.since, now),
    drill: drillState(status),
    trailHealth: trailHealth(status.trail),
    blockers,
  };
  return { ...row, attention: attentionOf(row) };
}

const RANK: Record<AttentionLevel, number> = { act: 0, watch: 1, ok: 2 };

/** Rows needing attention first (an unreadable manifest first of all), then by agent id and path. */
export function sortFleet(rows: readonly FleetRow[]): FleetRow[] {
  const rank = (row: FleetRow): number => (isFleetError(row) ? -1 : RANK[row.attention.level]);
  const key = (row: FleetRow): string => (isFleetError(row) ? '' : row.agent.id);
  return [...rows].sort((a, b) => rank(a) - rank(b) || key(a).localeCompare(key(b)) || a.manifest.localeCompare(b.manifest));
}

/** `--owner` and `--stage`: an unreadable manifest is always kept (it may be either). */
export function filterFleet(rows: readonly FleetRow[], filter: { owner?: string; stage?: string }): FleetRow[] {
  return rows.filter(
    (row) =>
      isFleetError(row) ||
      ((filter.owner === undefined || row.owner === filter.owner) && (filter.stage === undefined || row.stage.id === filter.stage)),
  );
}

/** `status --org ORG`: what ORG gets of one agent (src/export/org-view.ts), or why the manifest could not be read. */
export type OrgRow = ({ manifest: string; agent: FleetAgent['agent'] } & OrgAccess) | FleetError;

/** Unreadable manifests first, then by agent id and path. */
export function sortOrgRows(rows: readonly OrgRow[]): OrgRow[] {
  const key = (row: OrgRow): string => ('error' in row ? '' : row.agent.id);
  return [...rows].sort(
    (a, b) => Number('error' in b) - Number('error' in a) || key(a).localeCompare(key(b)) || a.manifest.localeCompare(b.manifest),
  );
}
