/**
 * The rollback drill's data: the plan it runs, the events its journal records, and the report it
 * ends with. docs/drill.md documents the journal and report formats field by field.
 */

/** Which list a step comes from: the rollback itself, or the restore that follows the drill. */
export type StepPhase = 'rollback' | 'restore';

/** One step as the drill will run it, with its defaults resolved. */
export interface PlannedStep {
  phase: StepPhase;
  id: string;
  /** 1-based position in its list, and the list's length. */
  index: number;
  of: number;
  description?: string;
  kind: 'run' | 'manual';
  /** `run`: the argv as written in the manifest. */
  command?: string[];
  shell: boolean;
  /** `manual`: the instruction. */
  instruction?: string;
  credential?: string;
  /** How long the command may run; steps without a timeout get the rollback window. */
  timeoutMs: number;
  /** Whether timeoutMs came from the manifest or is the default. */
  timeoutSource: 'manifest' | 'window';
  /** Variables added to the inherited environment. */
  env: Record<string, string>;
}

/** What a text expectation (probe stdout or body) asks for. */
export type TextExpectation = { kind: 'substring'; text: string } | { kind: 'regex'; source: string; flags: string };

export interface ProbeExpectation {
  /** run probes: the exit code (0 unless the manifest says otherwise). */
  exitCode?: number;
  stdout?: TextExpectation;
  /** http probes: acceptable status codes; empty means any 2xx. */
  status?: number[];
  body?: TextExpectation;
}

/** One verification probe as the drill will run it. */
export interface PlannedProbe {
  id: string;
  index: number;
  of: number;
  description?: string;
  kind: 'run' | 'http';
  command?: string[];
  http?: { url: string; method: string; headers: Record<string, string>; body?: string };
  expect: ProbeExpectation;
  /** As written, for the report: e.g. {"exitCode":0,"stdout":"off"}. */
  expectText: string;
  timeoutMs: number;
  retries: number;
  intervalMs: number;
}

/** Everything the drill will do, in order. `drill --dry-run` prints it. */
export interface DrillPlan {
  window: string;
  windowMs: number;
  /** The folder the commands run in (the manifest's folder). */
  cwd: string;
  steps: PlannedStep[];
  probes: PlannedProbe[];
  restore: PlannedStep[];
}

/** How a step ended. */
export type StepStatus = 'passed' | 'failed' | 'timed-out' | 'interrupted' | 'skipped';

/** Who confirmed a manual step, and how. */
export interface ManualConfirmation {
  by: string;
  at: string;
  /** `terminal`: the operator answered the prompt; `--confirm-manual`: confirmed in advance by the flag. */
  via: 'terminal' | '--confirm-manual';
  note?: string;
}

/** A step's result, as the journal and the report record it (output trimmed and redacted). */
export interface StepRecord {
  phase: StepPhase;
  id: string;
  kind: 'run' | 'manual';
  command?: string[];
  shell?: boolean;
  instruction?: string;
  credential?: string;
  status: StepStatus;
  /** Milliseconds from the drill's start to the step's start; absent for a skipped step. */
  startedAtMs?: number;
  durationMs: number;
  timeoutMs?: number;
  exitCode?: number;
  signal?: string;
  /** stdout and stderr interleaved, trimmed, secrets redacted. */
  output?: string;
  /** Why it failed or was skipped. */
  reason?: string;
  confirmation?: ManualConfirmation;
  /** The window left when the step ended (rollback steps only; negative after an overrun). */
  windowLeftMs?: number;
}

/** One attempt of a probe. */
export interface ProbeAttempt {
  attempt: number;
  passed: boolean;
  durationMs: number;
  /** What was seen: `exit 0`, `HTTP 403`. */
  observed: string;
  output?: string;
  reason?: string;
}

export interface ProbeRecord {
  id: string;
  kind: 'run' | 'http';
  target: string;
  expect: string;
  passed: boolean;
  interrupted: boolean;
  attempts: ProbeAttempt[];
  /** Milliseconds from the drill's start to the probe's start. */
  startedAtMs: number;
  durationMs: number;
  /** Milliseconds from the drill's start to this probe passing. */
  passedAtMs?: number;
  reason?: string;
}

/** The drill's verdict. */
export interface DrillVerdict {
  passed: boolean;
  /** From the first step's start to the last probe passing (or the last step ending when there are no probes). */
  elapsedMs: number;
  windowMs: number;
  /** windowMs - elapsedMs; negative when the window was overrun. */
  marginMs: number;
  /** Why it failed, one sentence each; empty when it passed. */
  reasons: string[];
}

/** The restore's outcome. */
export interface RestoreRecord {
  status: 'passed' | 'failed' | 'skipped' | 'none';
  /** Why it was skipped (`--no-restore`), when it was. */
  reason?: string;
  steps: StepRecord[];
  /**
   * The credentials a rollback step that passed revoked and no restore step names (AR130): still
   * revoked after the drill, whatever the restore's status. Absent when there are none.
   */
  stillRevoked?: string[];
}

/** One line of the journal, without the fields the journal adds (seq, at, t). */
export type DrillEvent =
  | {
      event: 'drill-started';
      drillId: string;
      manifest: string;
      manifestSha256: string;
      rollbackSha256: string;
      tool: { name: string; version: string };
      actor: { name: string; source: string };
      window: string;
      windowMs: number;
      options: { confirmManual: boolean; restore: boolean };
      steps: string[];
      probes: string[];
      restore: string[];
    }
  | {
      event: 'step-started';
      phase: StepPhase;
      id: string;
      index: number;
      of: number;
      kind: 'run' | 'manual';
      command?: string[];
      shell?: boolean;
      instruction?: string;
      timeoutMs?: number;
    }
  | ({ event: 'manual-confirmed'; phase: StepPhase; id: string } & ManualConfirmation)
  | ({ event: 'step-finished' } & StepRecord)
  | { event: 'step-skipped'; phase: StepPhase; id: string; reason: string }
  | { event: 'probe-started'; id: string; index: number; of: number; kind: 'run' | 'http'; target: string; expect: string; retries: number }
  | ({ event: 'probe-attempt'; id: string; of: number } & ProbeAttempt)
  | { event: 'probe-finished'; id: string; passed: boolean; attempts: number; durationMs: number; reason?: string }
  | { event: 'interrupted'; during?: string; phase?: StepPhase }
  | ({ event: 'verdict' } & DrillVerdict)
  | { event: 'restore-skipped'; reason: string }
  | { event: 'drill-finished'; passed: boolean; interrupted: boolean; restore: RestoreRecord['status']; report: string }
  | { event: 'aborted'; reason: string };

/** A journal line: the event, its sequence number, the wall-clock time and the milliseconds since the drill started. */
export type JournalLine = { seq: number; at: string; t: number } & DrillEvent;

/** The drill's report: report.json holds it (with formatVersion), report.md renders it. */
export interface DrillReport {
  drillId: string;
  /** The agent's id. */
  agent: string;
  manifest: string;
  manifestSha256: string;
  rollbackSha256: string;
  tool: { name: string; version: string };
  actor: { name: string; source: string };
  startedAt: string;
  finishedAt: string;
  window: string;
  windowMs: number;
  passed: boolean;
  interrupted: boolean;
  elapsedMs: number;
  marginMs: number;
  reasons: string[];
  options: { confirmManual: boolean; restore: boolean };
  steps: StepRecord[];
  probes: ProbeRecord[];
  restore: RestoreRecord;
  /** Paths relative to the manifest's folder. */
  files: { journal: string; report: string; markdown: string };
}
