import type { ManualOutcome } from '../drill/runner.js';
import { formatElapsed } from '../time/duration.js';
import type { PlannedStep } from '../drill/types.js';
import { safeText } from '../render/safe-text.js';
import { createStyle } from '../render/style.js';
import type { Io } from './io.js';

export interface ManualStepPrompt {
  step: PlannedStep;
  /** Who is confirming (the resolved actor); recorded as `by`. */
  actor: string;
  signal: AbortSignal;
  /** The window's time left, shown above the prompt (rollback steps). */
  windowLeftMs?: number;
  /** Called when the operator presses Ctrl-C inside the prompt (the terminal is in raw mode then, so no SIGINT arrives). */
  onCtrlC: () => void;
}

/**
 * Shows a manual step's instruction on the terminal and waits for the operator: "Done?" (y/N),
 * then an optional note. Yes is recorded with who confirmed and when; no fails the step. Ctrl-C
 * in the prompt is the drill's Ctrl-C. The prompt writes to standard error, so standard output
 * keeps only the report. Call it only when standard input is a terminal.
 */
export async function confirmManualStep(io: Io, prompt: ManualStepPrompt): Promise<ManualOutcome> {
  const { confirm, input } = await import('@inquirer/prompts');
  const style = createStyle(io.errColor);
  const { step } = prompt;
  const heading = `${step.phase === 'restore' ? 'Restore' : 'Rollback'} step ${step.index}/${step.of} "${step.id}" is manual`;
  const left =
    prompt.windowLeftMs === undefined ? '' : style.dim(` (window left ${formatElapsed(prompt.windowLeftMs)}; the clock is running)`);
  io.err(`\n${style.bold(heading)}${left}\n`);
  for (const line of (step.instruction ?? '').split('\n')) io.err(`  ${line}\n`);
  const context = { signal: prompt.signal, output: process.stderr, clearPromptOnDone: false };
  try {
    const done = await confirm({ message: `Done? Confirm as ${safeText(prompt.actor)}`, default: false }, context);
    if (!done) return { kind: 'declined', reason: `${prompt.actor} answered that the step was not done` };
    const note = (await input({ message: 'Note for the record (optional):' }, context)).trim();
    return {
      kind: 'confirmed',
      confirmation: { by: prompt.actor, at: new Date().toISOString(), via: 'terminal', ...(note ? { note } : {}) },
    };
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'ExitPromptError') {
      prompt.onCtrlC();
      return { kind: 'interrupted' };
    }
    if (name === 'AbortPromptError') return { kind: 'interrupted' };
    throw error;
  }
}
