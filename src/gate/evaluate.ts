import { ExitCode } from '../errors.js';
import { evaluateCriterion } from './criteria.js';
import { evaluatePrerequisites } from './prerequisites.js';
import type { CheckResult, CheckStatus, GateInput, GateReport, Verdict } from './types.js';
import { plural } from '../text/plural.js';
import { formatTime } from '../time/timestamp.js';
import { listText } from './wording.js';

/**
 * The verdict, fail-closed: error when any deciding check could not be evaluated, else no-go
 * when any failed, else inconclusive when any lacks evidence, else go. Observe criteria never decide.
 */
export function decideVerdict(statuses: readonly CheckStatus[]): Verdict {
  if (statuses.includes('error')) return 'error';
  if (statuses.includes('fail')) return 'no-go';
  if (statuses.includes('inconclusive')) return 'inconclusive';
  if (statuses.some((status) => status !== 'pass')) return 'error';
  return 'go';
}

/** DESIGN.md's exit code of a verdict. */
export function verdictExitCode(verdict: Verdict): number {
  switch (verdict) {
    case 'go':
      return ExitCode.ok;
    case 'no-go':
      return ExitCode.findings;
    case 'inconclusive':
      return ExitCode.inconclusive;
    case 'error':
      return ExitCode.failure;
  }
}

function summaryOf(verdict: Verdict, deciding: readonly CheckResult[]): string {
  const ids = (status: CheckStatus): string[] => deciding.filter((c) => c.outcome === status).map((c) => c.id);
  switch (verdict) {
    case 'go':
      return 'go: every criterion passed on real data and every prerequisite holds';
    case 'no-go':
      return `no-go: ${plural(ids('fail').length, 'check')} failed (${listText(ids('fail'), 4)})`;
    case 'inconclusive':
      return `inconclusive: not enough evidence yet (${listText(ids('inconclusive'), 4)})`;
    case 'error':
      return `error: ${plural(ids('error').length, 'check')} could not be evaluated (${listText(ids('error'), 4)})`;
  }
}

/** What a go verdict leads to: advancing, on the same inputs, from the stage the rollout is at. */
function goStep(report: Omit<GateReport, 'next' | 'summary' | 'verdict'>, input: GateInput): string {
  const current = input.manifest.state.stage;
  if (report.stage !== current)
    return `${report.stage} is not the current stage (${current}): \`agent-rollout advance\` gates ${current}, not ${report.stage}.`;
  if (!report.nextStage) return `${report.stage} is the last stage: there is nothing to advance to.`;
  return input.advanceCommand === undefined
    ? `Advance to ${report.nextStage}: \`agent-rollout advance\``
    : `Advance to ${report.nextStage} on the same inputs: ${input.advanceCommand}`;
}

function nextSteps(
  verdict: Verdict,
  report: Omit<GateReport, 'next' | 'summary' | 'verdict'>,
  deciding: readonly CheckResult[],
  input: GateInput,
): string[] {
  const steps: string[] = [];
  switch (verdict) {
    case 'go':
      steps.push(goStep(report, input));
      return steps;
    case 'no-go':
      steps.push('Do not advance. Fix what failed, then run the gate again.');
      break;
    case 'inconclusive':
      steps.push('Do not advance yet: the evidence is not sufficient.');
      break;
    case 'error':
      steps.push('Fix what could not be evaluated, then run the gate again (an error verdict cannot be forced).');
      break;
  }
  const order: CheckStatus[] = ['error', 'fail', 'inconclusive'];
  const hints = order.flatMap((status) => deciding.filter((c) => c.outcome === status && c.hint).map((c) => `${c.id}: ${c.hint}`));
  steps.push(...new Set(hints));
  if (verdict === 'inconclusive' && report.notBefore !== undefined)
    steps.push(`The gate could pass from ${formatTime(report.notBefore)} at the earliest.`);
  return steps;
}

/** Every reason and hint is one line, whatever a source put in its error message. */
function oneLine<T extends CheckResult>(check: T): T {
  const flat = (text: string): string => text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
  return { ...check, reason: flat(check.reason), ...(check.hint ? { hint: flat(check.hint) } : {}) };
}

/** Evaluates a stage's gate from gathered evidence. Pure: the command does the I/O. */
export function evaluateGate(input: GateInput): GateReport {
  const index = input.manifest.stages.findIndex((stage) => stage.id === input.stageId);
  const stage = input.manifest.stages[index];
  if (!stage) throw new Error(`no stage ${input.stageId}`);
  const criteria = (stage.exitCriteria ?? []).map((criterion) => oneLine(evaluateCriterion(criterion, input)));
  const prerequisites = evaluatePrerequisites(input, stage, index).map(oneLine);
  const deciding: CheckResult[] = [...criteria.filter((c) => !c.observe), ...prerequisites];
  const verdict = decideVerdict(deciding.map((c) => c.outcome));
  const waits = deciding.filter((c) => c.outcome === 'inconclusive' && c.nextPassAt !== undefined).map((c) => c.nextPassAt as number);
  const nextStage = input.manifest.stages[index + 1]?.id;
  const base: Omit<GateReport, 'next' | 'summary' | 'verdict'> = {
    stage: stage.id,
    stageIndex: index,
    ...(nextStage ? { nextStage } : {}),
    window: input.window,
    ...(input.stageEntry ? { stageEntry: input.stageEntry } : {}),
    criteria,
    prerequisites,
    ...(waits.length > 0 ? { notBefore: Math.max(...waits) } : {}),
  };
  return { ...base, verdict, summary: summaryOf(verdict, deciding), next: nextSteps(verdict, base, deciding, input) };
}
