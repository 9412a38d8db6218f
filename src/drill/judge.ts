import { formatElapsed } from '../time/duration.js';
import { plural } from '../text/plural.js';
import type { DrillVerdict, ProbeRecord, StepRecord } from './types.js';

export interface JudgeInput {
  steps: readonly StepRecord[];
  probes: readonly ProbeRecord[];
  windowMs: number;
  window: string;
  /** From the drill's start to the last probe passing (or the last step ending when there are no probes). */
  elapsedMs: number;
  interrupted: boolean;
  /** The step or probe running when the drill was interrupted. */
  interruptedDuring?: string;
}

/**
 * The drill's verdict. It passes only when every step succeeded, every probe met its
 * expectation, nothing was interrupted, and the rollback fit its window: a drill whose every step
 * passed but that overran the window fails. Pure.
 */
export function judgeDrill(input: JudgeInput): DrillVerdict {
  const reasons: string[] = [];
  if (input.interrupted) {
    reasons.push(`interrupted by the operator (Ctrl-C)${input.interruptedDuring ? ` during ${input.interruptedDuring}` : ''}`);
  }
  for (const step of input.steps) {
    if (step.status === 'failed' || step.status === 'timed-out') {
      reasons.push(`step "${step.id}" ${step.status === 'timed-out' ? 'timed out' : 'failed'}: ${step.reason ?? 'no reason recorded'}`);
    }
  }
  const skipped = input.steps.filter((step) => step.status === 'skipped').length;
  if (skipped > 0 && !input.interrupted && reasons.length === 0) reasons.push(`${plural(skipped, 'step')} did not run`);
  for (const probe of input.probes) {
    if (!probe.passed && !probe.interrupted) {
      const attempts = probe.attempts.length;
      reasons.push(
        `probe "${probe.id}" did not meet its expectation after ${plural(attempts, 'attempt')}: ${probe.reason ?? 'no reason recorded'}`,
      );
    }
  }
  const marginMs = input.windowMs - input.elapsedMs;
  if (marginMs < 0) {
    reasons.push(`the rollback took ${formatElapsed(input.elapsedMs)}, over its ${input.window} window by ${formatElapsed(-marginMs)}`);
  }
  return { passed: reasons.length === 0, elapsedMs: input.elapsedMs, windowMs: input.windowMs, marginMs, reasons };
}
