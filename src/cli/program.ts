import type { Command } from './commander.js';
import type { Io } from '../ui/io.js';

/** Runs a command's action with the process's Io and turns its result or error into the exit code. */
export type Runner = (action: (io: Io) => Promise<number>) => Promise<void>;

/** Registers one command (its options, help and lazy action) on the program. */
export type CommandDefinition = (program: Command, run: Runner) => void;

/** The "Examples:" block every command's --help ends with. */
export function examples(lines: readonly string[]): string {
  return `\nExamples:\n${lines.map((line) => `  ${line}`).join('\n')}\n`;
}
