import type { GuardrailEvidence } from '../../guardrails/evidence.js';
import { formatNumber } from '../../plan/criterion-text.js';
import type { Blocker, GuardrailsPlan, Plan, PlanAlert, PlanCredential, RollbackPlan, StagePlan, StatePlan } from '../../plan/types.js';
import type { SignalCoverage } from '../../manifest/signal-coverage.js';
import { plural } from '../../text/plural.js';
import { formatTime } from '../../time/timestamp.js';

/** Pieces of the plan in words, shared by the text and markdown renderers so the two always agree. */

export function findingsSummary(plan: Plan): string {
  const { errors, warnings } = plan.findings;
  if (errors === 0 && warnings === 0) return 'no errors, no warnings';
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}

/** The `+`/`-` mark of a credential, as in a diff. */
export function changeMark(credential: PlanCredential): '+' | '-' | ' ' {
  return credential.change === 'added' ? '+' : credential.change === 'dropped' ? '-' : ' ';
}

/** A credential as two cells: its id, and its scopes with its access. */
export function credentialCells(credential: PlanCredential): [string, string] {
  const scopes = credential.scopes.length ? credential.scopes.join(', ') : 'no scopes listed';
  return [credential.id, `${scopes} (${credential.access})`];
}

/** `production (was staging)` when a value changed since the stage before. */
export function was(value: string | undefined, previous: string | undefined, index: number): string {
  const shown = value ?? 'not set';
  return index > 0 && value !== previous ? `${shown} (was ${previous ?? 'not set'})` : shown;
}

export function spendText(stage: StagePlan): string | undefined {
  const limit = stage.spendLimit;
  const parts: string[] = [];
  if (limit?.usdPerDay !== undefined) parts.push(`${formatNumber(limit.usdPerDay)} USD/day`);
  if (limit?.tokensPerDay !== undefined) parts.push(`${formatNumber(limit.tokensPerDay)} tokens/day`);
  const limitText = parts.length ? parts.join(', ') : 'no spend limit';
  const estimate = stage.estimate;
  if (!estimate) return limit ? `${limitText} (no estimate: the cost envelope or the audience's volume is missing)` : undefined;
  const est = [`${formatNumber(Number(estimate.usdPerDay.toFixed(4)))} USD/day`];
  if (estimate.tokensPerDay !== undefined) est.push(`${formatNumber(estimate.tokensPerDay)} tokens/day`);
  const check =
    stage.spendCheck === 'below-estimate'
      ? ' — below the estimate'
      : stage.spendCheck === 'far-above-estimate'
        ? ' — more than 3× the estimate'
        : '';
  return `${limitText} · estimate ${est.join(', ')} (${estimate.basis})${check}`;
}

export function governanceText(stage: StagePlan, previous?: StagePlan): string {
  const changed = previous && previous.governanceMode !== stage.governanceMode ? ` (was ${previous.governanceMode})` : '';
  return stage.governanceMode === 'observe'
    ? `observe${changed}: guardrails and policies log what they would block, and allow it`
    : `enforce${changed}: guardrails and policies log and block`;
}

export function minimumText(stage: StagePlan, sampleSignal: string | undefined): string | undefined {
  const parts: string[] = [];
  if (stage.minDuration !== undefined) parts.push(`runs at least ${stage.minDuration}`);
  if (stage.minSamples !== undefined) parts.push(`${formatNumber(stage.minSamples)} ${sampleSignal ?? 'samples'}`);
  return parts.length ? parts.join(' and ') : undefined;
}

export function positionText(stage: StagePlan, state: StatePlan): string {
  switch (stage.position) {
    case 'passed':
      return 'passed';
    case 'current':
      return state.since ? `current, since ${formatTime(state.since)}` : 'current';
    case 'next':
      return 'next';
    case 'later':
      return 'later';
  }
}

/** `current: passed 2026-12-01 09:00 UTC (seq 4 by qa)`, `outdated: agent.model changed since ...`, `none: ...`. */
export function evidenceText(evidence: GuardrailEvidence): string {
  if (evidence.state === 'current' && evidence.run) {
    const run = evidence.run;
    return `current: ${run.passed ? 'passed' : 'failed'} ${formatTime(run.at)} (audit seq ${run.seq} by ${run.actor})`;
  }
  const hint = evidence.state === 'unknown' ? '' : '; run `agent-rollout guardrails test`';
  return `${evidence.state}: ${evidence.reason}${hint}`;
}

export function guardrailRows(guardrails: GuardrailsPlan | undefined): [string, string][] {
  if (!guardrails) return [['guardrails', 'none declared']];
  const rows: [string, string][] = [];
  rows.push(['input', guardrails.input.length ? guardrails.input.join(' · ') : 'no input inspection']);
  const output = guardrails.output;
  rows.push([
    'output',
    !output
      ? 'no output inspection'
      : output.dataClasses.length
        ? `${output.dataClasses.join(', ')} → ${output.action}`
        : 'inspects no data class',
  ]);
  if (guardrails.refuse.length || guardrails.tests) {
    rows.push([
      'refuse',
      `${guardrails.refuse.length ? guardrails.refuse.join('; ') : 'nothing listed'}${guardrails.tests ? ` (tests: ${guardrails.tests})` : ''}`,
    ]);
  }
  if (guardrails.evidence) rows.push(['tested', evidenceText(guardrails.evidence)]);
  return rows;
}

export function rollbackStepText(step: RollbackPlan['steps'][number]): string {
  return `${step.text}${step.timeout ? ` (timeout ${step.timeout})` : ''}${step.credential ? ` [revokes ${step.credential}]` : ''}`;
}

export function drillText(rollback: RollbackPlan): string {
  const { lastDrill, lastPassingDrill } = rollback;
  if (!lastDrill) return 'no drill of this rollback section';
  if (lastDrill.passed) return `passed ${formatTime(lastDrill.at)} by ${lastDrill.actor}`;
  const failed = `last drill failed ${formatTime(lastDrill.at)}${lastDrill.interrupted ? ' (interrupted)' : ''}`;
  return lastPassingDrill ? `${failed}; last passed ${formatTime(lastPassingDrill.at)}` : failed;
}

export function stateText(state: StatePlan): string {
  const parts = [
    state.enabled ? 'enabled' : 'DISABLED',
    `stage ${state.stage} (${state.position > 0 ? `${state.position} of ${state.stageCount}` : 'not a declared stage'})`,
  ];
  if (state.since) parts.push(`since ${formatTime(state.since)}${state.sinceSource === 'audit' ? ' (from the audit trail)' : ''}`);
  if (state.governanceMode) parts.push(`governance ${state.governanceMode}`);
  return parts.join(' · ');
}

export function orgsText(state: StatePlan): string | undefined {
  if (state.orgs.length === 0) return undefined;
  return state.orgs
    .map((o) => {
      const bits = [o.enabled === undefined ? '' : o.enabled ? 'on' : 'off', o.governanceMode ?? ''].filter(Boolean);
      return `${o.org}: ${bits.join(', ') || 'no override'}`;
    })
    .join(' · ');
}

export function lastGateText(state: StatePlan): string {
  const gate = state.lastGate;
  if (!gate) return `none recorded for ${state.stage}`;
  return `${gate.verdict} at ${formatTime(gate.at)} by ${gate.actor}${gate.action === 'advance' ? ' (with an advance)' : ''}`;
}

export function blockedHeading(plan: Plan): string {
  const { state } = plan;
  const count = plan.blockedBy.length;
  if (state.next === undefined) {
    return count === 0
      ? `${state.stage} is the last stage, and nothing is outstanding`
      : `${state.stage} is the last stage; ${plural(count, 'thing')} outstanding`;
  }
  return count === 0
    ? `Nothing blocks the next step: ${state.stage} → ${state.next} (agent-rollout advance)`
    : `Blocked: ${count === 1 ? '1 thing stands' : `${count} things stand`} between ${state.stage} and ${state.next}`;
}

export function blockerText(blocker: Blocker): string {
  const criteria = blocker.criteria?.length && blocker.kind === 'criteria-not-evaluated' ? ` (${blocker.criteria.join(', ')})` : '';
  return `${blocker.message}${criteria}`;
}

/**
 * The signal coverage as rows: the category, and `cost_per_invocation_usd by trigger`,
 * `no signal`, or `tool_calls, without an attribution`; a recommended category says so.
 */
export function coverageRows(coverage: SignalCoverage): { measure: string; ok: boolean; required: boolean; text: string }[] {
  return coverage.measures.map((m) => {
    const text =
      m.status === 'covered' && m.attributedBy
        ? `${m.attributedBy.signal} by ${m.attributedBy.attribution}`
        : m.status === 'unattributed'
          ? `${m.signals.join(', ')}, without an attribution`
          : 'no signal';
    return { measure: m.measure, ok: m.status === 'covered', required: m.required, text: m.required ? text : `${text} (recommended)` };
  });
}

/** `5 of 7 required categories measured and attributed`. */
export function coverageSummary(coverage: SignalCoverage): string {
  const required = coverage.measures.filter((m) => m.required);
  return `${required.length - coverage.incomplete.length} of ${required.length} required categories measured and attributed`;
}

/** What happens when an alert fires, in a few words. */
export const ALERT_ACTION_TEXT: Record<PlanAlert['action'], string> = {
  pause: 'pauses the rollout (guard)',
  disable: 'switches the agent off (guard)',
  page: 'pages the owner',
  notify: 'notifies',
};
