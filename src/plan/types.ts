import type { GuardrailEvidence } from '../guardrails/evidence.js';
/**
 * The plan as data: what `agent-rollout plan` shows, built by buildPlan (model.ts) and what
 * stands in the way of the next stage (blockers.ts); the renderers in src/render/plan read it.
 */
import type { Diagnostic } from '../manifest/diagnostic.js';
import type { Access, Audience, GovernanceMode } from '../manifest/types.js';
import type { StageBlastRadius } from '../inventory/blast-radius.js';
import type { DrillRecord, GateRecord, SignalsCheckRecord } from './history.js';
import type { SignalCoverage } from '../manifest/signal-coverage.js';

export type BlockerKind =
  | 'validation-errors'
  | 'audit-trail-broken'
  | 'disabled'
  | 'paused'
  | 'inventory-incomplete'
  | 'stage-too-young'
  | 'criteria-not-evaluated'
  | 'gate-not-go'
  | 'no-rollback'
  | 'drill-never-run'
  | 'drill-outdated'
  | 'drill-failed'
  | 'drill-too-old'
  | 'observe-before-full-audience'
  | 'signal-coverage-incomplete';

/** One thing that stands between the current stage and the next. */
export interface Blocker {
  kind: BlockerKind;
  message: string;
  /** The command or edit that clears it. */
  hint: string;
  /** The criteria concerned, for criteria-not-evaluated and gate-not-go. */
  criteria?: string[];
}

/** Compared with the stage before: added (`+`), kept, or dropped (`-`). */
export type Change = 'added' | 'kept' | 'dropped';

export interface PlanCredential {
  id: string;
  change: Change;
  kind?: string;
  scopes: string[];
  access: Access;
}

export interface PlanCriterion {
  id: string;
  /** The criterion in words: `security_events must be 0`. */
  text: string;
  description?: string;
  /** Reported but does not decide the verdict. */
  observe: boolean;
}

export interface StageEstimate {
  invocationsPerDay: number;
  usdPerDay: number;
  tokensPerDay?: number;
  basis: string;
}

export interface StagePlan {
  id: string;
  index: number;
  /** Where the stage sits relative to the current one. */
  position: 'passed' | 'current' | 'next' | 'later';
  description?: string;
  audience: Audience & { text: string; reachesEveryone: boolean };
  /** Held credentials (added or kept), then the ones dropped since the stage before. */
  credentials: PlanCredential[];
  dataAccess?: string;
  spendLimit?: { usdPerDay?: number; tokensPerDay?: number };
  estimate?: StageEstimate;
  /** How the dollar limit compares with the estimate (validate's AR115/AR116). */
  spendCheck?: 'below-estimate' | 'within' | 'far-above-estimate';
  governanceMode: GovernanceMode;
  minDuration?: string;
  minSamples?: number;
  exitCriteria: PlanCriterion[];
}

export interface GuardrailsPlan {
  /** `prompt injection: block`, `credentials: block`, `pii: redact`. */
  input: string[];
  output?: { dataClasses: string[]; action: string };
  refuse: string[];
  tests?: string;
  /** Whether a guardrail test run of the agent, guardrails and cases as they are now is recorded. */
  evidence?: GuardrailEvidence;
}

export interface RollbackStepPlan {
  id: string;
  /** `run ./scripts/flag.sh off`, or `manual: Post in #support-ops...`. */
  text: string;
  credential?: string;
  timeout?: string;
  manual: boolean;
}

export interface RollbackPlan {
  window: string;
  steps: RollbackStepPlan[];
  verify: { id: string; description?: string }[];
  restore: string[];
  sha256: string;
  /** The newest drill of this rollback section, and the newest passing one. */
  lastDrill?: DrillRecord;
  lastPassingDrill?: DrillRecord;
}

/** An entry of metrics.alerts and what happens when it fires. */
export interface PlanAlert {
  /** The alerting rule's name, as `export prometheus-rules` writes it. */
  name: string;
  signal: string;
  /** e.g. `above 0.05 for 15m`. */
  threshold: string;
  action: 'pause' | 'disable' | 'page' | 'notify';
  /** Whether `agent-rollout guard` changes the state when it fires (pause, disable). */
  changesState: boolean;
}

export interface StatePlan {
  enabled: boolean;
  stage: string;
  /** 1-based, for `stage 2 of 3`. */
  position: number;
  stageCount: number;
  since?: string;
  sinceSource?: 'state.since' | 'audit';
  governanceMode?: GovernanceMode;
  paused?: { reason: string; at: string; by?: string };
  orgs: { org: string; enabled?: boolean; governanceMode?: GovernanceMode }[];
  /** The stage the next step leads to; absent at the last stage. */
  next?: string;
  lastGate?: GateRecord;
  /** The newest `signals check --record`. */
  lastSignalsCheck?: SignalsCheckRecord;
}

export interface PlanFindings {
  errors: number;
  warnings: number;
  diagnostics: Diagnostic[];
}

/** The whole rollout as a person reads it before asking to expand: `agent-rollout plan`. */
export interface Plan {
  manifest: string;
  agent: { id: string; name: string; owner: string; contact?: string; model?: string };
  findings: PlanFindings;
  /** The signal that counts samples (minSamples), from metrics.sampleSignal. */
  sampleSignal?: string;
  stages: StagePlan[];
  guardrails?: GuardrailsPlan;
  rollback?: RollbackPlan;
  /** The manifest's alerts: what pauses the rollout or switches the agent off between gates. */
  alerts: PlanAlert[];
  state: StatePlan;
  inventory: { complete: boolean; gaps: number };
  /** Which categories the practice requires the signals to cover before leaving the first stage (docs/signals.md). */
  signalCoverage: SignalCoverage;
  blastRadius: StageBlastRadius[];
  /** What stands between the current stage and the next; empty when nothing does. */
  blockedBy: Blocker[];
}
