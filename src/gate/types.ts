import type { Manifest } from '../manifest/types.js';
import type { Observation } from '../metrics/types.js';
import type { AuditEntry, AuditProblem } from '../state/audit.js';
import type { EvidenceIdentity } from '../guardrails/identity.js';

/** DESIGN.md's verdicts; exit codes 0, 1, 3 and 2. */
export type Verdict = 'go' | 'no-go' | 'inconclusive' | 'error';

/** What one check came to. */
export type CheckStatus = 'pass' | 'fail' | 'inconclusive' | 'error';

/** How the window the evidence covers was chosen. */
export type WindowBasis = 'window-flag' | 'metrics' | 'stage-entry' | 'min-duration' | 'default';

/** The evaluation window, ms since the epoch. */
export interface EvaluationWindow {
  startMs: number;
  endMs: number;
  basis: WindowBasis;
}

/** When the stage was entered, and how that is known. */
export interface StageEntry {
  atMs: number;
  from: 'state.since' | 'audit';
}

/** One row of the gate: a criterion or a prerequisite. */
export interface CheckResult {
  id: string;
  /** The status shown; `observe` for a criterion that does not decide. */
  status: CheckStatus | 'observe';
  /** What the check came to on its own (for an observe criterion, what it would have decided). */
  outcome: CheckStatus;
  /** The observed value: a number, a time (RFC 3339) or a short text; null when there is none. */
  observed: number | string | null;
  /** The observed value as a person reads it. */
  observedText: string;
  /** What the check requires, as a person reads it. */
  expected: string;
  /** Why it has this status: one line. */
  reason: string;
  /** What to do about a status that is not pass: one line. */
  hint?: string;
  /** The earliest time the check could pass, when that can be worked out (ms). */
  nextPassAt?: number;
}

export interface CriterionResult extends CheckResult {
  kind: 'signal' | 'drill' | 'guardrails';
  signal?: string;
  observe: boolean;
  /** Where the value came from (`--set`, `prom (prometheus)`, ...). */
  source?: string;
  /** How many samples a series had. */
  samples?: number;
}

export interface PrerequisiteResult extends CheckResult {
  /** Individual findings, e.g. each inventory gap. */
  details?: string[];
}

/** The verdict for one stage, with everything it was decided on. */
export interface GateReport {
  stage: string;
  stageIndex: number;
  /** The stage `advance` would move to; undefined at the last stage. */
  nextStage?: string;
  verdict: Verdict;
  /** One line: the verdict and why. */
  summary: string;
  window: EvaluationWindow;
  stageEntry?: StageEntry;
  criteria: CriterionResult[];
  prerequisites: PrerequisiteResult[];
  /** The earliest the gate could next pass, when that can be worked out (ms). */
  notBefore?: number;
  /** What to do next, one line each. */
  next: string[];
}

/** Everything the gate is decided on. The core does no I/O: the command gathers this. */
export interface GateInput {
  manifest: Manifest;
  stageId: string;
  window: EvaluationWindow;
  stageEntry?: StageEntry;
  /** By requestKey (src/metrics/types.ts). */
  observations: ReadonlyMap<string, Observation>;
  trail: { entries: readonly AuditEntry[]; problems: readonly AuditProblem[] };
  /**
   * What guardrail test evidence must be about (the cases, the guardrails section, the agent), for
   * the refusal-tests prerequisite and `guardrails.passedWithin`; absent when the manifest has no
   * refusal tests.
   */
  guardrailEvidence?: EvidenceIdentity;
  /** Validation errors of the manifest, one line each (a manifest that does not validate is never go). */
  validationErrors: readonly string[];
  /** The time of evaluation (ms). */
  now: number;
  /**
   * How to advance on the same inputs, for the "Next:" line of a go verdict: the command line
   * (with the metric flags the gate was given) and what else it needs, e.g. the same standard
   * input. The command gathers this; `agent-rollout advance` when absent.
   */
  advanceCommand?: string;
}
