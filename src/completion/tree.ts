/**
 * What a shell completion knows of the program: its commands, their options and the values an
 * option or argument takes. Built from the commander program by src/commands/completion.ts and
 * turned into a script per shell by src/completion/scripts.ts.
 */
export interface CompletionOption {
  /** Every spelling, e.g. ['-m', '--manifest']. */
  names: string[];
  description: string;
  /** The option takes a value (`--format <format>`). */
  takesValue: boolean;
  /** The values it takes, when they are a closed list. */
  choices?: string[];
  /** What the value is when it is not a closed list: a file path, a stage id of ./rollout.json, or free text. */
  valueKind?: 'file' | 'stage' | 'text';
}

export interface CompletionCommand {
  name: string;
  description: string;
  options: CompletionOption[];
  subcommands: CompletionCommand[];
  /** Closed choices of the first argument (e.g. `config get <key>`). */
  argumentChoices?: string[];
  /** The first argument is a stage id of ./rollout.json (`gate [stage]`). */
  argumentKind?: 'stage';
}

export interface CompletionTree {
  program: string;
  /** Options of the program itself (--help, --version, --no-color). */
  options: CompletionOption[];
  commands: CompletionCommand[];
}
