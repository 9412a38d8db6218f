import { PassThrough } from 'node:stream';
import { CliError, ExitCode } from '../errors.js';
import { parseDuration } from '../time/duration.js';
import { parseNumberText } from '../metrics/value-check.js';
import { safeText } from '../render/safe-text.js';

/** A signal the gate asks the operator for. */
export interface PromptedSignal {
  name: string;
  unit?: string;
  description?: string;
  /** A count cannot be negative. */
  count: boolean;
}

export interface PromptAnswers {
  values: Map<string, number>;
  /** The window the operator says the values cover, when asked. */
  windowMs?: number;
}

/** Streams for the prompts; the process's stdin and stderr by default (stdout stays for the report). */
export interface PromptStreams {
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
}

/** Validation of one typed value: a finite number, and not negative for a count. */
export function checkTypedValue(text: string, count: boolean): true | string {
  const parsed = parseNumberText(text);
  if ('problem' in parsed) return `${parsed.problem}; type a number such as 0 or 0.08`;
  if (count && parsed.value < 0) return 'this signal counts events, so it cannot be negative';
  return true;
}

/**
 * Asks, on a terminal, for the window the values cover (unless --window gave it) and for each
 * missing value. Ctrl-C ends the command cleanly (exit 130). Only called when stdin is a terminal.
 */
export async function promptForMetrics(
  signals: readonly PromptedSignal[],
  options: { askWindow: boolean; defaultWindow: string },
  streams: PromptStreams = {},
): Promise<PromptAnswers> {
  const { input } = await import('@inquirer/prompts');
  const output = streams.output ?? process.stderr;
  // Each prompt ends its output stream when done; give each its own, so the next one can still write.
  const context = () => {
    const sink = new PassThrough();
    sink.pipe(output, { end: false });
    return {
      input: (streams.input ?? process.stdin) as NodeJS.ReadStream,
      output: sink as unknown as NodeJS.WriteStream,
      clearPromptOnDone: false,
    };
  };
  const answers: PromptAnswers = { values: new Map() };
  try {
    if (options.askWindow) {
      const window = await input(
        {
          message: 'Over what period were these values measured (ending now)?',
          default: options.defaultWindow,
          validate: (text) => {
            const ms = parseDuration(text.trim());
            return ms !== undefined && ms > 0 ? true : 'type a duration such as 7d, 36h or 2w';
          },
        },
        context(),
      );
      answers.windowMs = parseDuration(window.trim());
    }
    for (const signal of signals) {
      const unit = signal.unit ? ` (${signal.unit})` : '';
      const text = await input(
        {
          message: safeText(`${signal.name}${unit}${signal.description ? ` - ${signal.description}` : ''}:`),
          validate: (typed) => checkTypedValue(typed, signal.count),
        },
        context(),
      );
      const parsed = parseNumberText(text);
      if ('value' in parsed) answers.values.set(signal.name, parsed.value);
    }
  } catch (error) {
    if (error instanceof Error && error.name === 'ExitPromptError')
      throw new CliError('interrupted at the prompt; nothing was evaluated', ExitCode.interrupted);
    throw error;
  }
  return answers;
}
