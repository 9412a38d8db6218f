import { guardTerminal } from '../render/safe-text.js';

/**
 * The process's streams as commands see them. This is the only place that asks whether a
 * stream is a terminal or colour is wanted; commands and renderers receive the answers.
 */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Standard output is a terminal (human output may add excerpts and colour). */
  stdoutIsTTY: boolean;
  /** Standard error is a terminal (progress may redraw a line in place). */
  stderrIsTTY: boolean;
  /** Standard input is a terminal (prompts are allowed). */
  stdinIsTTY: boolean;
  /** Colour on standard output. */
  color: boolean;
  /** Colour on standard error. */
  errColor: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

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
export function processIo(options: { color?: boolean } = {}): Io {
  const stdoutIsTTY = process.stdout.isTTY === true;
  const stderrIsTTY = process.stderr.isTTY === true;
  const color = wantsColor(stdoutIsTTY, process.env, options.color);
  const errColor = wantsColor(stderrIsTTY, process.env, options.color);
  const outAllow = { color, clearLine: false };
  const errAllow = { color: errColor, clearLine: stderrIsTTY && process.env['TERM'] !== 'dumb' };
  return {
    out: (text) => void process.stdout.write(guardTerminal(text, outAllow)),
    err: (text) => void process.stderr.write(guardTerminal(text, errAllow)),
    stdoutIsTTY,
    stderrIsTTY,
    stdinIsTTY: process.stdin.isTTY === true,
    color,
    errColor,
    env: process.env,
    cwd: process.cwd(),
  };
}
