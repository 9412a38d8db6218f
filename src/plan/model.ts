import { alertRuleName } from '../export/alert-name.js';
import { credentialAccess, reachesEveryone } from '../manifest/access.js';
import { dailyEstimate } from '../manifest/cost.js';
import type { Diagnostic } from '../manifest/diagnostic.js';
import { SPEND_HEADROOM } from '../manifest/rules/spend.js';
import type { Manifest, Stage } from '../manifest/types.js';
import type { AuditEntry } from '../state/audit.js';
import { judgeEvidence } from '../guardrails/evidence.js';
import type { EvidenceIdentity } from '../guardrails/identity.js';
import { rollbackSha256 } from '../state/rollback-hash.js';
import { blastRadius } from '../inventory/blast-radius.js';
import { inventoryReport } from '../inventory/completeness.js';
import { signalCoverage } from '../manifest/signal-coverage.js';
import { findBlockers } from './blockers.js';
import type {
  Change,
  GuardrailsPlan,
  Plan,
  PlanAlert,
  PlanCredential,
  PlanCriterion,
  RollbackPlan,
  RollbackStepPlan,
  StageEstimate,
  StagePlan,
  StatePlan,
} from './types.js';
import { audienceText, criterionText } from './criterion-text.js';
import { lastDrills, lastGate, lastSignalsCheck } from './history.js';
import { stageEnteredAt } from '../state/stage-entry.js';

export interface PlanInput {
  /** The manifest's path, as shown. */
  path: string;
  manifest: Manifest;
  diagnostics: readonly Diagnostic[];
  /** The audit trail's entries, oldest first. */
  trail: readonly AuditEntry[];
  /** Problems `audit verify` would report. */
  trailProblems: number;
  now: Date;
  /** What guardrail test evidence must be about (src/guardrails/identity.ts); absent without refusal tests. */
  guardrailEvidence?: EvidenceIdentity;
}

function credentialChanges(manifest: Manifest, stage: Stage, previous: Stage | undefined): PlanCredential[] {
  const { credentials, tools } = manifest.inventory;
  const describe = (id: string, change: Change): PlanCredential => {
    const credential = credentials.find((c) => c.id === id);
    const planned: PlanCredential = {
      id,
      change,
      scopes: credential?.scopes ?? [],
      access: credential ? credentialAccess(credential, tools) : 'read',
    };
    if (credential) planned.kind = credential.kind;
    return planned;
  };
  const held = stage.credentials ?? [];
  const before = new Set(previous?.credentials ?? []);
  const now = new Set(held);
  return [
    ...held.map((id) => describe(id, before.has(id) ? 'kept' : 'added')),
    ...[...before].filter((id) => !now.has(id)).map((id) => describe(id, 'dropped')),
  ];
}

function stageEstimate(manifest: Manifest, stage: Stage): StageEstimate | undefined {
  const estimate = dailyEstimate(stage, manifest.inventory.costEnvelope);
  if (!estimate) return undefined;
  const result: StageEstimate = { ...estimate };
  const tokens = manifest.inventory.costEnvelope?.tokensPerInvocation;
  if (tokens !== undefined) result.tokensPerDay = estimate.invocationsPerDay * tokens;
  return result;
}

function planStage(manifest: Manifest, stage: Stage, index: number, currentIndex: number): StagePlan {
  const previous = index > 0 ? manifest.stages[index - 1] : undefined;
  const position = index < currentIndex ? 'passed' : index === currentIndex ? 'current' : index === currentIndex + 1 ? 'next' : 'later';
  const planned: StagePlan = {
    id: stage.id,
    index,
    position,
    audience: { ...stage.audience, text: audienceText(stage.audience), reachesEveryone: reachesEveryone(stage) },
    credentials: credentialChanges(manifest, stage, previous),
    governanceMode: stage.governanceMode,
    exitCriteria: (stage.exitCriteria ?? []).map((criterion) => {
      const item: PlanCriterion = { id: criterion.id, text: criterionText(criterion, manifest), observe: criterion.observe === true };
      if (criterion.description !== undefined) item.description = criterion.description;
      return item;
    }),
  };
  if (stage.description !== undefined) planned.description = stage.description;
  if (stage.dataAccess !== undefined) planned.dataAccess = stage.dataAccess;
  if (stage.spendLimit !== undefined) planned.spendLimit = { ...stage.spendLimit };
  const estimate = stageEstimate(manifest, stage);
  if (estimate) {
    planned.estimate = estimate;
    const limit = stage.spendLimit?.usdPerDay;
    if (limit !== undefined) {
      planned.spendCheck =
        limit < estimate.usdPerDay ? 'below-estimate' : limit > SPEND_HEADROOM * estimate.usdPerDay ? 'far-above-estimate' : 'within';
    }
  }
  if (stage.minDuration !== undefined) planned.minDuration = stage.minDuration;
  if (stage.minSamples !== undefined) planned.minSamples = stage.minSamples;
  return planned;
}

function planGuardrails(
  manifest: Manifest,
  trail: readonly AuditEntry[],
  identity: EvidenceIdentity | undefined,
): GuardrailsPlan | undefined {
  const { guardrails } = manifest;
  if (!guardrails) return undefined;
  const input: string[] = [];
  if (guardrails.input?.promptInjection) input.push(`prompt injection: ${guardrails.input.promptInjection}`);
  if (guardrails.input?.credentials) input.push(`credentials: ${guardrails.input.credentials}`);
  if (guardrails.input?.pii) input.push(`pii: ${guardrails.input.pii}`);
  const planned: GuardrailsPlan = { input, refuse: guardrails.boundaries?.refuse ?? [] };
  if (guardrails.output) planned.output = { dataClasses: guardrails.output.dataClasses, action: guardrails.output.action };
  if (guardrails.boundaries?.tests) planned.tests = guardrails.boundaries.tests.cases;
  if (identity) planned.evidence = judgeEvidence(trail, identity);
  return planned;
}

function planRollback(manifest: Manifest, trail: readonly AuditEntry[]): RollbackPlan | undefined {
  const { rollback } = manifest;
  const sha256 = rollbackSha256(manifest);
  if (!rollback || sha256 === undefined) return undefined;
  const planned: RollbackPlan = {
    window: rollback.window,
    steps: rollback.steps.map((step) => {
      const text = step.run ? `run ${step.run.join(' ')}` : `manual: ${step.manual ?? step.description ?? '(no instruction)'}`;
      const item: RollbackStepPlan = { id: step.id, text, manual: step.run === undefined };
      if (step.credential !== undefined) item.credential = step.credential;
      if (step.timeout !== undefined) item.timeout = step.timeout;
      return item;
    }),
    verify: (rollback.verify ?? []).map((probe) =>
      probe.description === undefined ? { id: probe.id } : { id: probe.id, description: probe.description },
    ),
    restore: (rollback.restore ?? []).map((step) => step.id),
    sha256,
  };
  const drills = lastDrills(trail, sha256);
  if (drills.last) planned.lastDrill = drills.last;
  if (drills.lastPassing) planned.lastPassingDrill = drills.lastPassing;
  return planned;
}

function planState(manifest: Manifest, trail: readonly AuditEntry[], currentIndex: number): StatePlan {
  const { state, stages } = manifest;
  const planned: StatePlan = {
    enabled: state.enabled,
    stage: state.stage,
    position: currentIndex + 1,
    stageCount: stages.length,
    orgs: Object.entries(state.orgs ?? {}).flatMap(([org, override]) => {
      if (!override) return [];
      const item: StatePlan['orgs'][number] = { org };
      if (override.enabled !== undefined) item.enabled = override.enabled;
      if (override.governanceMode !== undefined) item.governanceMode = override.governanceMode;
      return [item];
    }),
  };
  const entered = stageEnteredAt(manifest.state, trail);
  if (entered) {
    planned.since = entered.at;
    planned.sinceSource = entered.source;
  }
  if (state.governanceMode !== undefined) planned.governanceMode = state.governanceMode;
  if (state.paused) planned.paused = { ...state.paused };
  const next = stages[currentIndex + 1];
  if (next && currentIndex >= 0) planned.next = next.id;
  const gate = lastGate(trail, state.stage, planned.since);
  if (gate) planned.lastGate = gate;
  const signalsCheck = lastSignalsCheck(trail);
  if (signalsCheck) planned.lastSignalsCheck = signalsCheck;
  return planned;
}

function planAlerts(manifest: Manifest): PlanAlert[] {
  return (manifest.metrics?.alerts ?? []).map((alert, index) => {
    const bounds = [alert.max !== undefined ? `above ${alert.max}` : '', alert.min !== undefined ? `below ${alert.min}` : '']
      .filter(Boolean)
      .join(' or ');
    return {
      name: alertRuleName(alert, index, manifest),
      signal: alert.signal,
      threshold: `${bounds}${alert.for ? ` for ${alert.for}` : ''}`,
      action: alert.action,
      changesState: alert.action === 'pause' || alert.action === 'disable',
    };
  });
}

/** Builds the plan from a manifest, its findings and its audit trail. Pure. */
export function buildPlan(input: PlanInput): Plan {
  const { manifest, trail } = input;
  const currentIndex = manifest.stages.findIndex((stage) => stage.id === manifest.state.stage);
  const inventory = inventoryReport(manifest);
  const agent: Plan['agent'] = { id: manifest.agent.id, name: manifest.agent.name, owner: manifest.agent.owner };
  if (manifest.agent.contact !== undefined) agent.contact = manifest.agent.contact;
  if (manifest.agent.model !== undefined) agent.model = manifest.agent.model;
  const guardrails = planGuardrails(manifest, trail, input.guardrailEvidence);
  const rollback = planRollback(manifest, trail);
  const plan: Plan = {
    manifest: input.path,
    agent,
    findings: {
      errors: input.diagnostics.filter((d) => d.severity === 'error').length,
      warnings: input.diagnostics.filter((d) => d.severity === 'warning').length,
      diagnostics: [...input.diagnostics],
    },
    ...(manifest.metrics?.sampleSignal !== undefined ? { sampleSignal: manifest.metrics.sampleSignal } : {}),
    stages: manifest.stages.map((stage, index) => planStage(manifest, stage, index, currentIndex)),
    ...(guardrails ? { guardrails } : {}),
    ...(rollback ? { rollback } : {}),
    alerts: planAlerts(manifest),
    state: planState(manifest, trail, currentIndex),
    inventory: { complete: inventory.complete, gaps: inventory.gaps.length },
    signalCoverage: signalCoverage(manifest),
    blastRadius: blastRadius(manifest),
    blockedBy: [],
  };
  plan.blockedBy = findBlockers({ manifest, plan, trail, trailProblems: input.trailProblems, now: input.now, inventory });
  return plan;
}
