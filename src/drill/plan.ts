import type { Probe, Rollback, Step } from '../manifest/types.js';
import { durationMs } from '../time/duration.js';
import type { DrillPlan, PlannedProbe, PlannedStep, ProbeExpectation, StepPhase, TextExpectation } from './types.js';

/** How long one probe attempt may take when the manifest does not say (the schema's default). */
export const DEFAULT_PROBE_TIMEOUT_MS = 10_000;
/** The wait between probe attempts when the manifest does not say. */
export const DEFAULT_PROBE_INTERVAL_MS = 1_000;
/** setTimeout's limit; longer durations are clamped to it. */
const MAX_TIMER_MS = 2_147_483_647;

const REGEX = /^\/(.*)\/([dgimsuvy]*)$/s;

/** `"off"` is a substring; `"/^off$/m"` a regular expression. Undefined with a message when the regex does not compile. */
export function parseTextExpectation(text: string): { expectation?: TextExpectation; problem?: string } {
  const match = REGEX.exec(text);
  if (!match || text.length < 2) return { expectation: { kind: 'substring', text } };
  const [, source = '', flags = ''] = match;
  try {
    new RegExp(source, flags.replace('g', '').replace('y', ''));
  } catch (error) {
    return { problem: `${text} is not a valid regular expression: ${(error as Error).message}` };
  }
  return { expectation: { kind: 'regex', source, flags: flags.replace('g', '').replace('y', '') } };
}

/** Whether text meets the expectation. */
export function textMatches(expectation: TextExpectation, text: string): boolean {
  if (expectation.kind === 'substring') return text.includes(expectation.text);
  return new RegExp(expectation.source, expectation.flags).test(text);
}

/** A failed text expectation in words, for a reason: `does not contain "off"`, `does not match /^off$/`. */
export function describeMismatch(expectation: TextExpectation): string {
  return expectation.kind === 'substring'
    ? `does not contain ${JSON.stringify(expectation.text)}`
    : `does not match /${expectation.source}/${expectation.flags}`;
}

/** An object of optional strings (as the generated types have them) without the undefined ones. */
export function definedStrings(record: { [key: string]: string | undefined } | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(record ?? {})) if (value !== undefined) out[key] = value;
  return out;
}

function clampTimer(ms: number): number {
  return Math.min(Math.max(ms, 1), MAX_TIMER_MS);
}

function planStep(step: Step, phase: StepPhase, index: number, of: number, windowMs: number): PlannedStep {
  const planned: PlannedStep = {
    phase,
    id: step.id,
    index,
    of,
    kind: step.manual !== undefined ? 'manual' : 'run',
    shell: step.shell === true,
    timeoutMs: clampTimer(step.timeout !== undefined ? durationMs(step.timeout) : windowMs),
    timeoutSource: step.timeout !== undefined ? 'manifest' : 'window',
    env: definedStrings(step.env),
  };
  if (step.description !== undefined) planned.description = step.description;
  if (step.manual !== undefined) planned.instruction = step.manual;
  if (step.run !== undefined) planned.command = [...step.run];
  if (step.credential !== undefined) planned.credential = step.credential;
  return planned;
}

function planProbe(probe: Probe, index: number, of: number, problems: string[]): PlannedProbe {
  const where = `rollback.verify "${probe.id}"`;
  const expect: ProbeExpectation = {};
  const kind = probe.run !== undefined ? 'run' : 'http';
  const text = (field: 'stdout' | 'body'): TextExpectation | undefined => {
    const value = probe.expect[field];
    if (value === undefined) return undefined;
    const parsed = parseTextExpectation(value);
    if (parsed.problem) problems.push(`${where}: expect.${field} ${parsed.problem}`);
    return parsed.expectation;
  };
  if (kind === 'run') {
    if (probe.expect.status !== undefined || probe.expect.body !== undefined) {
      problems.push(`${where} runs a command, so it cannot expect an HTTP status or body; use expect.exitCode and expect.stdout`);
    }
    expect.exitCode = probe.expect.exitCode ?? 0;
    const stdout = text('stdout');
    if (stdout) expect.stdout = stdout;
  } else {
    if (probe.expect.exitCode !== undefined || probe.expect.stdout !== undefined) {
      problems.push(`${where} is an HTTP request, so it cannot expect an exit code or output; use expect.status and expect.body`);
    }
    // The generated type of expect.status is loose (a oneOf of a code and a list); the schema has checked it.
    const status = probe.expect.status as unknown;
    expect.status =
      typeof status === 'number'
        ? [status]
        : Array.isArray(status)
          ? status.filter((code): code is number => typeof code === 'number')
          : [];
    const body = text('body');
    if (body) expect.body = body;
  }
  const planned: PlannedProbe = {
    id: probe.id,
    index,
    of,
    kind,
    expect,
    expectText: JSON.stringify(probe.expect),
    timeoutMs: clampTimer(probe.timeout !== undefined ? durationMs(probe.timeout) : DEFAULT_PROBE_TIMEOUT_MS),
    retries: probe.retries ?? 0,
    intervalMs: clampTimer(probe.interval !== undefined ? durationMs(probe.interval) : DEFAULT_PROBE_INTERVAL_MS),
  };
  if (probe.description !== undefined) planned.description = probe.description;
  if (probe.run !== undefined) planned.command = [...probe.run];
  if (probe.http !== undefined) {
    planned.http = {
      url: probe.http.url,
      method: probe.http.method ?? 'GET',
      headers: definedStrings(probe.http.headers),
      ...(probe.http.body !== undefined ? { body: probe.http.body } : {}),
    };
  }
  return planned;
}

/**
 * The drill's plan from the manifest's rollback section: every step, probe and restore step in
 * order, with defaults resolved (a step without a timeout gets the whole window; a probe 10s per
 * attempt, 1s between attempts, no retries). Problems the schema cannot catch (an invalid
 * /regex/, an HTTP expectation on a command probe) come back as messages. Pure.
 */
export function planDrill(rollback: Rollback, cwd: string): { plan: DrillPlan; problems: string[] } {
  const problems: string[] = [];
  const windowMs = durationMs(rollback.window);
  const verify = rollback.verify ?? [];
  const restore = rollback.restore ?? [];
  const plan: DrillPlan = {
    window: rollback.window,
    windowMs,
    cwd,
    steps: rollback.steps.map((step, i) => planStep(step, 'rollback', i + 1, rollback.steps.length, windowMs)),
    probes: verify.map((probe, i) => planProbe(probe, i + 1, verify.length, problems)),
    restore: restore.map((step, i) => planStep(step, 'restore', i + 1, restore.length, windowMs)),
  };
  return { plan, problems };
}

/** The manual steps the drill would have to have confirmed. */
export function manualSteps(plan: DrillPlan, withRestore: boolean): PlannedStep[] {
  return [...plan.steps, ...(withRestore ? plan.restore : [])].filter((step) => step.kind === 'manual');
}

/** Every argv the plan would run (steps, probes, restore), for path checks. */
export function plannedCommands(plan: DrillPlan): { where: string; argv: string[]; shell: boolean }[] {
  const commands: { where: string; argv: string[]; shell: boolean }[] = [];
  for (const step of [...plan.steps, ...plan.restore]) {
    if (step.command)
      commands.push({
        where: `rollback.${step.phase === 'rollback' ? 'steps' : 'restore'} "${step.id}"`,
        argv: step.command,
        shell: step.shell,
      });
  }
  for (const probe of plan.probes) {
    if (probe.command) commands.push({ where: `rollback.verify "${probe.id}"`, argv: probe.command, shell: false });
  }
  return commands;
}

/** A probe's target in words: the command line, or `GET http://...`. */
export function probeTarget(probe: PlannedProbe): string {
  return probe.command ? probe.command.join(' ') : `${probe.http?.method ?? 'GET'} ${probe.http?.url ?? ''}`;
}
