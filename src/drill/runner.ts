import { durationText } from '../time/duration.js';
import type { ProcessGroups } from '../process/child-process.js';
import { describeFailure, runCommand } from '../process/child-process.js';
import { judgeDrill } from './judge.js';
import { probeTarget } from './plan.js';
import { judgeObservation, observeProbe, pause } from './probe.js';
import { recordOutput } from './redact.js';
import { createRedactor } from '../manifest/redactor.js';
import { unrestoredCredentials } from '../manifest/rules/rollback.js';
import type {
  DrillEvent,
  DrillPlan,
  DrillVerdict,
  ManualConfirmation,
  PlannedProbe,
  PlannedStep,
  ProbeAttempt,
  ProbeRecord,
  RestoreRecord,
  StepRecord,
} from './types.js';

/** What became of a manual step: confirmed (by whom, how), declined, or interrupted. */
export type ManualOutcome =
  | { kind: 'confirmed'; confirmation: ManualConfirmation }
  | { kind: 'declined'; reason: string }
  | { kind: 'interrupted' };

/** What the drill runner needs from the outside: the command supplies it. */
export interface DrillContext {
  plan: DrillPlan;
  /** The environment the commands inherit (each step's `env` is added to it). */
  env: NodeJS.ProcessEnv;
  /** Values to redact from everything recorded. */
  secrets: readonly string[];
  /** Aborted on the first Ctrl-C: the running step's process tree is killed, later steps are skipped. */
  signal: AbortSignal;
  groups: ProcessGroups;
  /** Run the restore steps at the end. */
  restore: boolean;
  /** Milliseconds since the drill started (monotonic). */
  elapsed: () => number;
  /** Records an event (the journal, the progress display). */
  record: (event: DrillEvent) => void;
  /** Asks the operator to confirm a manual step (or confirms it because of --confirm-manual). */
  confirmManual: (step: PlannedStep, signal: AbortSignal) => Promise<ManualOutcome>;
}

export interface DrillOutcome {
  steps: StepRecord[];
  probes: ProbeRecord[];
  verdict: DrillVerdict;
  restore: RestoreRecord;
  interrupted: boolean;
}

/** The last non-empty line of a command's output, for a one-line reason. */
function lastLine(output: string): string | undefined {
  const line = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('… ['))
    .at(-1);
  if (line === undefined) return undefined;
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

async function runStep(step: PlannedStep, context: DrillContext, signal: AbortSignal): Promise<StepRecord> {
  const { record, secrets } = context;
  const startedAtMs = context.elapsed();
  const base = {
    phase: step.phase,
    id: step.id,
    kind: step.kind,
    ...(step.command ? { command: step.command.map((arg) => createRedactor(secrets).text(arg)), shell: step.shell } : {}),
    ...(step.instruction ? { instruction: step.instruction } : {}),
    ...(step.credential ? { credential: step.credential } : {}),
  };
  record({
    event: 'step-started',
    phase: step.phase,
    id: step.id,
    index: step.index,
    of: step.of,
    kind: step.kind,
    ...(base.command ? { command: base.command, shell: step.shell, timeoutMs: step.timeoutMs } : {}),
    ...(step.instruction ? { instruction: step.instruction } : {}),
  });
  let result: StepRecord;
  if (step.kind === 'manual') {
    const outcome = await context.confirmManual(step, signal);
    const durationMs = context.elapsed() - startedAtMs;
    if (outcome.kind === 'confirmed') {
      const confirmation = {
        ...outcome.confirmation,
        ...(outcome.confirmation.note !== undefined ? { note: createRedactor(secrets).text(outcome.confirmation.note) } : {}),
      };
      record({ event: 'manual-confirmed', phase: step.phase, id: step.id, ...confirmation });
      result = { ...base, status: 'passed', startedAtMs, durationMs, confirmation };
    } else if (outcome.kind === 'declined') {
      result = { ...base, status: 'failed', startedAtMs, durationMs, reason: outcome.reason };
    } else {
      result = { ...base, status: 'interrupted', startedAtMs, durationMs, reason: 'interrupted (Ctrl-C) before the operator confirmed' };
    }
  } else {
    const outcome = await runCommand({
      argv: step.command ?? [],
      cwd: context.plan.cwd,
      env: { ...context.env, ...step.env },
      shell: step.shell,
      timeoutMs: step.timeoutMs,
      signal,
      groups: context.groups,
    });
    const note =
      (outcome.leftoversKilled
        ? '\n[agent-rollout: the command exited, but processes it started kept its output open; those in its process group were killed, and the wait for the rest ended]'
        : '') +
      (outcome.elidedBytes > 0
        ? `\n[agent-rollout: … ${outcome.elidedBytes} bytes elided …: the command printed ${outcome.outputBytes} bytes; the start and the end were kept]`
        : '');
    const output = recordOutput(note ? outcome.output.trimEnd() + note : outcome.output, secrets);
    const failure = describeFailure(outcome, durationText(step.timeoutMs));
    const status = outcome.interrupted ? 'interrupted' : outcome.timedOut ? 'timed-out' : failure ? 'failed' : 'passed';
    const detail = status === 'failed' && !outcome.startError ? lastLine(output) : undefined;
    result = {
      ...base,
      status,
      startedAtMs,
      durationMs: outcome.durationMs,
      timeoutMs: step.timeoutMs,
      ...(outcome.exitCode !== undefined ? { exitCode: outcome.exitCode } : {}),
      ...(outcome.signal ? { signal: outcome.signal } : {}),
      output,
      ...(failure ? { reason: detail ? `${failure}: ${detail}` : failure } : {}),
    };
  }
  if (step.phase === 'rollback') result.windowLeftMs = context.plan.windowMs - (startedAtMs + result.durationMs);
  record({ event: 'step-finished', ...result });
  return result;
}

async function runProbe(probe: PlannedProbe, context: DrillContext): Promise<ProbeRecord> {
  const { record, signal } = context;
  const startedAtMs = context.elapsed();
  const target = createRedactor(context.secrets).text(probeTarget(probe));
  record({
    event: 'probe-started',
    id: probe.id,
    index: probe.index,
    of: probe.of,
    kind: probe.kind,
    target,
    expect: probe.expectText,
    retries: probe.retries,
  });
  const attempts: ProbeAttempt[] = [];
  let passedAtMs: number | undefined;
  const tries = probe.retries + 1;
  for (let attempt = 1; attempt <= tries && !signal.aborted; attempt++) {
    const seen = await observeProbe(probe, { cwd: context.plan.cwd, env: context.env, signal, groups: context.groups });
    const judged: ProbeAttempt = { attempt, ...judgeObservation(probe, seen, context.secrets) };
    attempts.push(judged);
    record({ event: 'probe-attempt', id: probe.id, of: tries, ...judged });
    if (judged.passed) {
      passedAtMs = context.elapsed();
      break;
    }
    if (attempt < tries) await pause(probe.intervalMs, signal);
  }
  const last = attempts.at(-1);
  const passed = last?.passed === true;
  const interrupted = !passed && signal.aborted;
  const durationMs = context.elapsed() - startedAtMs;
  const reason = passed ? undefined : interrupted ? 'interrupted (Ctrl-C)' : (last?.reason ?? 'not run');
  record({ event: 'probe-finished', id: probe.id, passed, attempts: attempts.length, durationMs, ...(reason ? { reason } : {}) });
  return {
    id: probe.id,
    kind: probe.kind,
    target,
    expect: probe.expectText,
    passed,
    interrupted,
    attempts,
    startedAtMs,
    durationMs,
    ...(passedAtMs !== undefined ? { passedAtMs } : {}),
    ...(reason ? { reason } : {}),
  };
}

function skip(step: PlannedStep, reason: string, context: DrillContext): StepRecord {
  context.record({ event: 'step-skipped', phase: step.phase, id: step.id, reason });
  return {
    phase: step.phase,
    id: step.id,
    kind: step.kind,
    ...(step.command ? { command: step.command.map((arg) => createRedactor(context.secrets).text(arg)), shell: step.shell } : {}),
    ...(step.instruction ? { instruction: step.instruction } : {}),
    status: 'skipped',
    durationMs: 0,
    reason,
  };
}

/**
 * Runs a drill: the rollback steps in order (the first failure stops the rest, as it would stop
 * a real rollback's procedure), then every verification probe (with its retries), then the
 * verdict, then the restore steps (all of them, even after a failure, unless restore is off).
 * Every event goes to `context.record` as it happens. The first abort of `context.signal` kills
 * the running command's process tree and skips what is left; the restore still runs.
 */
export async function runDrill(context: DrillContext): Promise<DrillOutcome> {
  const { plan, signal } = context;
  let current: string | undefined;
  let interruptedDuring: string | undefined;
  const onAbort = (): void => {
    interruptedDuring = current;
    safely(() => context.record({ event: 'interrupted', ...(current ? { during: current } : {}) }));
  };
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });

  const steps: StepRecord[] = [];
  const probes: ProbeRecord[] = [];
  let verdict: DrillVerdict;
  // Once a step has run, the restore runs whatever else fails: an error in agent-rollout's own
  // code while the steps or probes run is recorded as the drill's failure, and the restore
  // still runs below.
  try {
    let stopReason: string | undefined;
    for (const step of plan.steps) {
      if (signal.aborted) stopReason ??= 'the drill was interrupted (Ctrl-C)';
      if (stopReason) {
        steps.push(skip(step, stopReason, context));
        continue;
      }
      current = `step "${step.id}"`;
      const result = await runStep(step, context, signal);
      steps.push(result);
      if (result.status === 'interrupted') stopReason = 'the drill was interrupted (Ctrl-C)';
      else if (result.status !== 'passed') stopReason = `step "${step.id}" ${result.status === 'timed-out' ? 'timed out' : 'failed'}`;
    }

    if (!stopReason) {
      for (const probe of plan.probes) {
        if (signal.aborted) break;
        current = `probe "${probe.id}"`;
        probes.push(await runProbe(probe, context));
      }
    }
    current = undefined;
    const allProbesPassed = probes.length === plan.probes.length && probes.every((p) => p.passed);
    const elapsedMs = allProbesPassed && probes.length > 0 ? Math.max(...probes.map((p) => p.passedAtMs ?? 0)) : context.elapsed();
    verdict = judgeDrill({
      steps,
      probes,
      windowMs: plan.windowMs,
      window: plan.window,
      elapsedMs,
      interrupted: signal.aborted,
      ...(interruptedDuring ? { interruptedDuring } : {}),
    });
  } catch (error) {
    const where = current ? ` during ${current}` : '';
    const reason = `agent-rollout stopped on an error of its own${where}: ${errorLine(error)} (a bug: please report it)`;
    verdict = { passed: false, elapsedMs: 0, windowMs: plan.windowMs, marginMs: plan.windowMs, reasons: [reason] };
  }
  const interrupted = signal.aborted;
  safely(() => context.record({ event: 'verdict', ...verdict }));
  signal.removeEventListener('abort', onAbort);

  let restore: RestoreRecord;
  if (plan.restore.length === 0) {
    restore = { status: 'none', steps: [] };
  } else if (!context.restore) {
    const reason = '--no-restore: the drill environment was left as the rollback left it';
    safely(() => context.record({ event: 'restore-skipped', reason }));
    restore = { status: 'skipped', reason, steps: [] };
  } else {
    // The restore is not cut short by the first Ctrl-C (that is what it is for); a second Ctrl-C exits at once.
    const never = new AbortController().signal;
    const restored: StepRecord[] = [];
    for (const step of plan.restore) {
      try {
        restored.push(await runStep(step, context, never));
      } catch (error) {
        // An error of our own in one restore step does not stop the next one.
        restored.push({
          phase: step.phase,
          id: step.id,
          kind: step.kind,
          status: 'failed',
          durationMs: 0,
          reason: `agent-rollout stopped on an error of its own: ${errorLine(error)} (a bug: please report it)`,
        });
      }
    }
    restore = { status: restored.every((s) => s.status === 'passed') ? 'passed' : 'failed', steps: restored };
  }
  const stillRevoked = unrestoredCredentials(
    steps.filter((step) => step.status === 'passed'),
    plan.restore,
  );
  if (stillRevoked.length > 0) restore.stillRevoked = stillRevoked;
  return { steps, probes, verdict, restore, interrupted };
}

/** The first line of an error's message. */
function errorLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'unknown error';
}

/** Records an event whose loss must not stop the drill (the restore must run). */
function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // recorded as a bookkeeping failure by the command (the journal keeps its first error)
  }
}
