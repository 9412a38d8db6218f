import { currentStage } from '../manifest/access.js';
import type { Audience, GovernanceMode, Manifest } from '../manifest/types.js';
import type { GuardrailEvidence } from '../guardrails/evidence.js';
import { judgeEvidence } from '../guardrails/evidence.js';
import { lastGate } from '../plan/history.js';
import type { EvidenceIdentity } from '../guardrails/identity.js';
import type { AuditEntry, ParsedTrail } from './audit.js';
import type { StateDriftCheck } from './drift.js';
import { checkStateDrift } from './drift.js';
import { rollbackSha256 } from './rollback-hash.js';
import type { StageEntry } from './stage-entry.js';
import { stageEnteredAt } from './stage-entry.js';
import { effectiveMode } from './transitions.js';
import type { SignalsCheckRecord } from '../plan/history.js';
import { lastSignalsCheck } from '../plan/history.js';

/** A time and how long ago it was, at the moment the status was taken. */
export interface Dated {
  at: string;
  /** Milliseconds between `at` and now; undefined when `at` is not a date. */
  ageMs?: number;
}

/** Where the rollout stands: what `agent-rollout status` prints. */
export interface RolloutStatus {
  agent: { id: string; name?: string };
  enabled: boolean;
  stage: { id: string; declared: boolean; position?: number; of: number; audience?: Audience; since?: StageEntry & Dated };
  governanceMode?: { mode: GovernanceMode; source: 'state' | 'stage' };
  paused?: { reason: string; by?: string } & Dated;
  orgs: { org: string; enabled?: boolean; governanceMode?: GovernanceMode }[];
  /**
   * The newest recorded gate of the current stage since it was entered: a `gate --record` entry,
   * or the gate an `advance` out of it passed (the same as `plan`'s).
   */
  lastGate?: { via: 'gate' | 'advance'; seq: number; actor: string; stage?: string; verdict?: string; advancedTo?: string } & Dated;
  /** Guardrail test evidence: current, outdated, none (or unknown), with the reason; absent without refusal tests. */
  guardrailTests?: GuardrailEvidence;
  /** The newest drill, and whether it drilled the rollback section as it is now. */
  lastDrill?: { seq: number; actor: string; passed?: boolean; coversCurrentRollback: boolean } & Dated;
  trail: { exists: boolean; entries: number; problems: number; state: StateDriftCheck['status']; driftSeq?: number };
  /** The newest `signals check --record`. */
  lastSignalsCheck?: SignalsCheckRecord;
}

function dated(at: string, now: number): Dated {
  const time = Date.parse(at);
  return Number.isNaN(time) ? { at } : { at, ageMs: Math.max(0, now - time) };
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function newest(entries: readonly AuditEntry[], actions: readonly string[]): AuditEntry | undefined {
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i] as AuditEntry;
    if (actions.includes(entry.action)) return entry;
  }
  return undefined;
}

/** The current stage's last gate, as `plan` finds it (src/plan/history.ts), with its age. */
function lastGateOf(entries: readonly AuditEntry[], stage: string, since: string | undefined, now: number): RolloutStatus['lastGate'] {
  const gate = lastGate(entries, stage, since);
  if (!gate) return undefined;
  return {
    via: gate.action,
    seq: gate.seq,
    actor: gate.actor,
    ...dated(gate.at, now),
    stage,
    verdict: gate.verdict,
    ...(gate.to !== undefined ? { advancedTo: gate.to } : {}),
  };
}

function lastDrill(entries: readonly AuditEntry[], manifest: Manifest, now: number): RolloutStatus['lastDrill'] {
  const entry = newest(entries, ['drill']);
  if (!entry) return undefined;
  const details = record(entry.details);
  const current = rollbackSha256(manifest);
  const passed = typeof details['passed'] === 'boolean' ? details['passed'] : undefined;
  return {
    seq: entry.seq,
    actor: entry.actor,
    ...dated(entry.at, now),
    ...(passed !== undefined ? { passed } : {}),
    coversCurrentRollback: current !== undefined && details['rollbackSha256'] === current,
  };
}

/**
 * Where the rollout stands, from the manifest and its audit trail, as of `now`; `evidence` is
 * the identity guardrail test runs must match (when the manifest has refusal tests). Pure.
 */
export function rolloutStatus(
  manifest: Manifest,
  trail: ParsedTrail & { exists: boolean },
  now: number,
  evidence?: EvidenceIdentity,
): RolloutStatus {
  const { state } = manifest;
  const stage = currentStage(manifest);
  const position = manifest.stages.findIndex((s) => s.id === state.stage);
  const since = stageEnteredAt(state, trail.entries);
  const mode = effectiveMode(manifest);
  const drift = checkStateDrift(state, trail.entries);
  const lastGateEntry = lastGateOf(trail.entries, state.stage, since?.at, now);
  const lastDrillEntry = lastDrill(trail.entries, manifest, now);
  const signalsCheck = lastSignalsCheck(trail.entries);
  return {
    agent: { id: manifest.agent.id, ...(manifest.agent.name ? { name: manifest.agent.name } : {}) },
    enabled: state.enabled,
    stage: {
      id: state.stage,
      declared: stage !== undefined,
      ...(position >= 0 ? { position: position + 1 } : {}),
      of: manifest.stages.length,
      ...(stage ? { audience: stage.audience } : {}),
      ...(since ? { since: { ...since, ...dated(since.at, now) } } : {}),
    },
    ...(mode ? { governanceMode: mode } : {}),
    ...(state.paused
      ? { paused: { reason: state.paused.reason, ...(state.paused.by ? { by: state.paused.by } : {}), ...dated(state.paused.at, now) } }
      : {}),
    orgs: Object.entries(state.orgs ?? {}).map(([org, override]) => ({ org, ...override })),
    ...(lastGateEntry ? { lastGate: lastGateEntry } : {}),
    ...(evidence ? { guardrailTests: judgeEvidence(trail.entries, evidence) } : {}),
    ...(lastDrillEntry ? { lastDrill: lastDrillEntry } : {}),
    ...(signalsCheck ? { lastSignalsCheck: signalsCheck } : {}),
    trail: {
      exists: trail.exists,
      entries: trail.entries.length,
      problems: trail.problems.length,
      state: drift.status,
      ...(drift.status === 'drift' ? { driftSeq: drift.entry.seq } : {}),
    },
  };
}
