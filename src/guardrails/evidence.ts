import { formatTime } from '../time/timestamp.js';
import type { AuditEntry } from '../state/audit.js';
import type { AgentParts, EvidenceIdentity } from './identity.js';

/**
 * Whether the audit trail holds guardrail test evidence about the manifest as it is now. Pure.
 *
 * - `current`: the newest run whose casesSha256, guardrailsSha256 and agentSha256 all equal the
 *   manifest's; it may have passed or failed (`run.passed`).
 * - `outdated`: there are runs, but none of the manifest as it is now; `changed` names what
 *   changed since the newest one.
 * - `none`: no run is recorded.
 * - `unknown`: a file the identity needs (the cases, the prompt) cannot be read.
 */
export type EvidenceState = 'current' | 'outdated' | 'none' | 'unknown';

/** One recorded `guardrails test` run, as the trail has it. */
export interface GuardrailRun {
  seq: number;
  at: string;
  actor: string;
  passed: boolean;
  /** Attempts and failed attempts, when recorded. */
  total?: number;
  failed?: number;
  /** Categories below their bar, when recorded. */
  failedCategories?: string[];
}

export interface GuardrailEvidence {
  state: EvidenceState;
  /** current: the newest current run; outdated: the newest run. */
  run?: GuardrailRun;
  /** outdated: what changed since `run`, in the manifest's words (`agent.model`, `the cases file`). */
  changed: string[];
  /** One line, e.g. "agent.model changed since the run of 2026-12-01 09:00 UTC". */
  reason: string;
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function runOf(entry: AuditEntry): GuardrailRun {
  const details = record(entry.details);
  const run: GuardrailRun = { seq: entry.seq, at: entry.at, actor: entry.actor, passed: details['passed'] === true };
  if (typeof details['total'] === 'number') run.total = details['total'];
  if (typeof details['failed'] === 'number') run.failed = details['failed'];
  const failedCategories = details['failedCategories'];
  if (Array.isArray(failedCategories)) run.failedCategories = failedCategories.filter((c): c is string => typeof c === 'string');
  return run;
}

/** Whether a recorded run is evidence about this identity. */
export function isCurrent(entry: AuditEntry, identity: EvidenceIdentity): boolean {
  const details = record(entry.details);
  return (
    identity.casesSha256 !== undefined &&
    identity.agentSha256 !== undefined &&
    details['casesSha256'] === identity.casesSha256 &&
    details['guardrailsSha256'] === identity.guardrailsSha256 &&
    details['agentSha256'] === identity.agentSha256
  );
}

/** What differs between a recorded run and the manifest now, in the manifest's words. */
export function changedSince(entry: AuditEntry, identity: EvidenceIdentity): string[] {
  const details = record(entry.details);
  const changed: string[] = [];
  if (details['agentSha256'] !== identity.agentSha256) {
    const then = record(details['agent']) as AgentParts;
    const now = identity.agent;
    const parts: string[] = [];
    if (then.model !== now.model) parts.push('agent.model');
    if (then.version !== now.version) parts.push('agent.version');
    if (then.promptSha256 !== now.promptSha256) parts.push('the system prompt (agent.promptFile)');
    changed.push(...(parts.length > 0 ? parts : ['the agent']));
  }
  if (details['guardrailsSha256'] !== identity.guardrailsSha256) changed.push('the guardrails section');
  if (details['casesSha256'] !== identity.casesSha256) changed.push('the cases file');
  return changed;
}

function listText(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1) as string}`;
}

/**
 * Judges the guardrail test evidence in the trail against the manifest's identity, counting only
 * runs recorded at or before `endMs` (the end of a gate's window). Pure.
 */
export function judgeEvidence(
  entries: readonly AuditEntry[],
  identity: EvidenceIdentity,
  options: { endMs?: number } = {},
): GuardrailEvidence {
  if (identity.problems.length > 0) return { state: 'unknown', changed: [], reason: identity.problems.join('; ') };
  const endMs = options.endMs ?? Number.POSITIVE_INFINITY;
  let newest: AuditEntry | undefined;
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i] as AuditEntry;
    if (entry.action !== 'guardrails' || !(Date.parse(entry.at) <= endMs)) continue;
    newest ??= entry;
    if (isCurrent(entry, identity)) {
      const run = runOf(entry);
      return {
        state: 'current',
        run,
        changed: [],
        reason: `the run of ${formatTime(entry.at)} ${run.passed ? 'passed' : 'failed'} against the current agent, guardrails and cases`,
      };
    }
  }
  if (!newest) return { state: 'none', changed: [], reason: 'no guardrail test run is recorded' };
  const details = record(newest.details);
  const changed = changedSince(newest, identity);
  const reason =
    details['agentSha256'] === undefined && details['guardrailsSha256'] === undefined
      ? `the run of ${formatTime(newest.at)} recorded no agentSha256 or guardrailsSha256 (an earlier agent-rollout), so it cannot show what it tested`
      : `${listText(changed)} changed since the run of ${formatTime(newest.at)}`;
  return { state: 'outdated', run: runOf(newest), changed, reason };
}

/** The audit entry's details for a run: the gate reads these fields. */
export function evidenceDetails(identity: EvidenceIdentity): {
  casesSha256: string;
  guardrailsSha256: string;
  agentSha256: string;
  agent: AgentParts;
} {
  return {
    casesSha256: identity.casesSha256 ?? '',
    guardrailsSha256: identity.guardrailsSha256,
    agentSha256: identity.agentSha256 ?? '',
    agent: identity.agent,
  };
}
