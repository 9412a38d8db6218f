import { guardTerminal } from '../render/safe-text.js';
/** The signals that end a command run from a terminal, CI or a supervisor (Ctrl-C, a cancelled job, `docker stop`, a closed terminal). */
export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

/**
 * The process as a command sees it: its streams, environment and working folder, and its
 * signals. This is the only place that asks whether a stream is a terminal or colour is wanted;
 * commands and renderers receive the answers. A command resolves every path against `cwd` and
 * reads the environment from `env`, never from `process`, so the program can also run inside
 * another process (the tests do, with an Io that captures the output).
 */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Standard input: what `--metrics -` reads. */
  stdin: NodeJS.ReadableStream;
  /** Standard output is a terminal (human output may add excerpts and colour). */
  stdoutIsTTY: boolean;
  /** Standard error is a terminal (progress may redraw a line in place). */
  stderrIsTTY: boolean;
  /** Standard input is a terminal (prompts are allowed). */
  stdinIsTTY: boolean;
  /** The terminal's width, when standard output or standard error is one (help wraps to it). */
  columns: number | undefined;
  /** Colour on standard output. */
  color: boolean;
  /** Colour on standard error. */
  errColor: boolean;
  env: NodeJS.ProcessEnv;
  /** The folder relative paths (`-m`, `--metrics`, `--out`) are resolved against. */
  cwd: string;
  /** Calls `handler` on each of `signals` until the returned function is called. */
  onSignal(signals: readonly StopSignal[], handler: (signal: StopSignal) => void): () => void;
  /** Whether something handles `signal` already (a command that handles Ctrl-C itself, as drill does). */
  handlesSignal(signal: StopSignal): boolean;
  /**
   * Ends the process now: with `code`, or as `signal` would have ended it had nothing handled
   * it. For the few places where waiting for the command to wind down is what the operator
   * refused (a second Ctrl-C); everywhere else a command returns its exit code.
   */
  exitNow(how: { code: number } | { signal: StopSignal }): never;
}

/** The numbers of the stop signals, the same on Linux, macOS and the BSDs (no node:os at start-up for three numbers). */
const SIGNAL_NUMBERS: Record<StopSignal, number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

/**
 * Colour only on a terminal, never with NO_COLOR set (https://no-color.org), always with
 * FORCE_COLOR set to anything but 0; `--no-color` wins over everything.
 */
export function wantsColor(isTTY: boolean, env: NodeJS.ProcessEnv, flag: boolean | undefined): boolean {
  if (flag === false) return false;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  return isTTY;
}

/**
 * The Io of this process. Everything it writes passes `guardTerminal` (src/render/safe-text.ts):
 * no escape sequence, control, bidirectional or invisible character reaches a stream raw, except
 * the tool's own colour codes when colour is on and its own clear-line on a live terminal.
 */
export function processIo(): Io {
  const stdoutIsTTY = process.stdout.isTTY === true;
  const stderrIsTTY = process.stderr.isTTY === true;
  const color = wantsColor(stdoutIsTTY, process.env, undefined);
  const errColor = wantsColor(stderrIsTTY, process.env, undefined);
  const outAllow = { color, clearLine: false };
  const errAllow = { color: errColor, clearLine: stderrIsTTY && process.env['TERM'] !== 'dumb' };
  return {
    out: (text) => void process.stdout.write(guardTerminal(text, outAllow)),
    err: (text) => void process.stderr.write(guardTerminal(text, errAllow)),
    stdin: process.stdin,
    stdoutIsTTY,
    stderrIsTTY,
    stdinIsTTY: process.stdin.isTTY === true,
    columns: (stdoutIsTTY ? process.stdout.columns : undefined) ?? (stderrIsTTY ? process.stderr.columns : undefined),
    color,
    errColor,
    env: process.env,
    cwd: process.cwd(),
    onSignal: (signals, handler) => {
      const installed = signals.map((signal) => [signal, () => handler(signal)] as const);
      for (const [signal, listener] of installed) process.on(signal, listener);
      return () => {
        for (const [signal, listener] of installed) process.off(signal, listener);
      };
    },
    handlesSignal: (signal) => process.listenerCount(signal) > 0,
    exitNow: (how) => {
      if ('signal' in how) {
        // With no listener left, the signal's default action ends the process, so whoever started
        // it sees it end by that signal; should it be ignored (pid 1 in a container), exit 128 + its number.
        try {
          process.kill(process.pid, how.signal);
        } catch {
          // a signal this platform cannot send (SIGHUP on Windows): exit instead
        }
        // biome-ignore lint/nursery/noProcessExit: the one home of an immediate exit (see exitNow)
        process.exit(128 + SIGNAL_NUMBERS[how.signal]);
      }
      // biome-ignore lint/nursery/noProcessExit: the one home of an immediate exit (see exitNow)
      process.exit(how.code);
    },
  };
}

/** The Io with colour off on both streams (`--no-color`). */
export function withoutColor(io: Io): Io {
  return { ...io, color: false, errColor: false };
}
