import type { AuditEntry } from '../state/audit.js';
import { lastEntryInto } from '../state/stage-entry.js';

/** A recorded go/no-go for a stage: a `gate --record` entry, or the gate an `advance` carried. */
export interface GateRecord {
  at: string;
  action: 'gate' | 'advance';
  /** The audit entry's seq. */
  seq: number;
  actor: string;
  /** The stage an advance moved to. */
  to?: string;
  verdict: string;
  criteria: { id: string; status: string }[];
}

/** A recorded rollback drill. */
export interface DrillRecord {
  at: string;
  actor: string;
  passed: boolean;
  /** Whether the drill was of the rollback section as it is now. */
  current: boolean;
  durationMs?: number;
  windowMs?: number;
  report?: string;
  interrupted?: boolean;
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function criteriaOf(value: unknown): { id: string; status: string }[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) => {
    const c = record(item);
    return typeof c['id'] === 'string' ? [{ id: c['id'], status: typeof c['status'] === 'string' ? c['status'] : 'unknown' }] : [];
  });
}

/**
 * The newest recorded gate of a stage, from `gate --record` (details.stage) or an `advance`
 * out of it (details.from, details.gate), not older than the stage's entry when that is known.
 * The one notion of "last gate": `plan` and `status` both show this, so after a rollback neither
 * shows the gate of a stage the rollout has left, or one from before it came back.
 */
export function lastGate(trail: readonly AuditEntry[], stage: string, since?: string): GateRecord | undefined {
  const from = since === undefined ? Number.NEGATIVE_INFINITY : Date.parse(since);
  // Times can tie (a rollback in the same second as the advance before it, written to the
  // second): the entry that moved the rollout into the stage orders the trail without doubt.
  const entered = lastEntryInto(trail, stage)?.seq ?? Number.NEGATIVE_INFINITY;
  for (let i = trail.length - 1; i >= 0; i--) {
    const entry = trail[i] as AuditEntry;
    if (entry.seq <= entered) break;
    if (Date.parse(entry.at) < from) continue;
    const details = record(entry.details);
    // A recorded gate carries its result in details; an advance, in details.gate.
    const gate =
      entry.action === 'gate' && details['stage'] === stage
        ? details
        : entry.action === 'advance' && details['from'] === stage
          ? record(details['gate'])
          : undefined;
    if (gate) {
      const to = entry.action === 'advance' && typeof details['to'] === 'string' ? { to: details['to'] } : {};
      return {
        at: entry.at,
        action: entry.action as GateRecord['action'],
        seq: entry.seq,
        actor: entry.actor,
        ...to,
        verdict: String(gate['verdict'] ?? 'unknown'),
        criteria: criteriaOf(gate['criteria']),
      };
    }
  }
  return undefined;
}

function drillRecord(entry: AuditEntry, sha256: string): DrillRecord {
  const details = record(entry.details);
  const drill: DrillRecord = {
    at: entry.at,
    actor: entry.actor,
    passed: details['passed'] === true,
    current: details['rollbackSha256'] === sha256,
  };
  if (typeof details['durationMs'] === 'number') drill.durationMs = details['durationMs'];
  if (typeof details['windowMs'] === 'number') drill.windowMs = details['windowMs'];
  if (typeof details['report'] === 'string') drill.report = details['report'];
  if (typeof details['interrupted'] === 'boolean') drill.interrupted = details['interrupted'];
  return drill;
}

/** The drills in the trail: the newest of the current rollback section, the newest passing one, and the newest of any section. */
export function lastDrills(
  trail: readonly AuditEntry[],
  sha256: string,
): { last?: DrillRecord; lastPassing?: DrillRecord; newest?: DrillRecord } {
  const result: { last?: DrillRecord; lastPassing?: DrillRecord; newest?: DrillRecord } = {};
  for (let i = trail.length - 1; i >= 0; i--) {
    const entry = trail[i] as AuditEntry;
    if (entry.action !== 'drill') continue;
    const drill = drillRecord(entry, sha256);
    result.newest ??= drill;
    if (drill.current) {
      result.last ??= drill;
      if (drill.passed) result.lastPassing ??= drill;
    }
    if (result.last && result.lastPassing) break;
  }
  return result;
}

/** A recorded `signals check --record`: when, by whom, how it came out. */
export interface SignalsCheckRecord {
  at: string;
  seq: number;
  actor: string;
  /** ok, missing (a needed signal had no data) or failed (a source failed). */
  outcome: string;
  missing: string[];
  failed: string[];
}

function names(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The newest `signals-check` entry of the trail. */
export function lastSignalsCheck(trail: readonly AuditEntry[]): SignalsCheckRecord | undefined {
  for (let i = trail.length - 1; i >= 0; i--) {
    const entry = trail[i] as AuditEntry;
    if (entry.action !== 'signals-check') continue;
    const details = record(entry.details);
    return {
      at: entry.at,
      seq: entry.seq,
      actor: entry.actor,
      outcome: typeof details['outcome'] === 'string' ? details['outcome'] : 'unknown',
      missing: names(details['missing']),
      failed: names(details['failed']),
    };
  }
  return undefined;
}
