import { render } from '@inquirer/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { CliError } from '../../src/errors.js';
import type { PromptAnswers, PromptedSignal } from '../../src/ui/metric-prompt.js';
import { checkTypedValue, promptForMetrics } from '../../src/ui/metric-prompt.js';

interface Props {
  signals: PromptedSignal[];
  askWindow: boolean;
}

/** promptForMetrics as one inquirer prompt, so @inquirer/testing can drive its streams. */
const metricPrompt = (props: Props, context?: { input?: NodeJS.ReadableStream; output?: NodeJS.WritableStream }): Promise<PromptAnswers> =>
  promptForMetrics(
    props.signals,
    { askWindow: props.askWindow, defaultWindow: '7d' },
    { ...(context?.input ? { input: context.input } : {}), ...(context?.output ? { output: context.output } : {}) },
  );

const SIGNALS: PromptedSignal[] = [
  { name: 'security_events', unit: 'events', count: false },
  { name: 'invocations', unit: 'invocations', count: true },
];

/** Waits until the prompt shows `text` (the prompt module loads lazily, so the first screen takes a moment). */
async function shows(getScreen: () => string, text: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const screen = getScreen();
    if (screen.includes(text)) return screen;
    await sleep(10);
  }
  throw new Error(`the prompt never showed ${JSON.stringify(text)}; last screen: ${getScreen()}`);
}

async function answer(events: { type: (text: string) => void; keypress: (key: string) => void }, text: string): Promise<void> {
  events.type(text);
  events.keypress('enter');
  await sleep(20);
}

describe('the metric prompt', () => {
  it('asks for the window (default offered) and each value, keeping what was typed', async () => {
    const { answer: result, events, getScreen } = await render(metricPrompt as never, { signals: SIGNALS, askWindow: true } as never);
    await shows(getScreen, 'Over what period were these values measured (ending now)? (7d)');
    events.keypress('enter');
    await shows(getScreen, 'security_events (events):');
    await answer(events, '0');
    await shows(getScreen, 'invocations (invocations):');
    await answer(events, '-3');
    await shows(getScreen, 'this signal counts events, so it cannot be negative');
    events.keypress('backspace');
    events.keypress('backspace');
    await answer(events, '250');
    const answers = (await result) as unknown as PromptAnswers;
    expect(answers.windowMs).toBe(7 * 86_400_000);
    expect([...answers.values]).toEqual([
      ['security_events', 0],
      ['invocations', 250],
    ]);
  });

  it('validates typed values: finite numbers, not negative for a count', () => {
    expect(checkTypedValue('0.08', false)).toBe(true);
    expect(checkTypedValue('-1', false)).toBe(true);
    expect(checkTypedValue('-1', true)).toBe('this signal counts events, so it cannot be negative');
    expect(checkTypedValue('NaN', false)).toBe('NaN is not a finite number; type a number such as 0 or 0.08');
    expect(checkTypedValue('', false)).toBe('the value is empty; type a number such as 0 or 0.08');
  });

  it('Ctrl-C ends the prompt as an interruption (exit 130), not a crash', async () => {
    const { answer: result, events, getScreen } = await render(metricPrompt as never, { signals: SIGNALS, askWindow: false } as never);
    await shows(getScreen, 'security_events (events):');
    const settled = (result as Promise<unknown>).catch((error: unknown) => error);
    events.keypress({ name: 'c', ctrl: true } as never);
    const error = await settled;
    expect(error).toBeInstanceOf(CliError);
    expect(error).toMatchObject({ exitCode: 130, message: 'interrupted at the prompt; nothing was evaluated' });
  });
});
