import { readBoundedText } from '../files/bounded-read.js';
import { resolve } from 'node:path';
import type { Command, Option } from '../cli/commander.js';
import { UsageError } from '../errors.js';
import { SCRIPTS, SHELLS } from '../completion/scripts.js';
import type { Shell } from '../completion/scripts.js';
import type { CompletionCommand, CompletionOption, CompletionTree } from '../completion/tree.js';
import type { Io } from '../ui/io.js';

export interface CompletionCommandOptions {
  stages?: boolean;
  manifest: string;
}

/** Options whose value is a path: the shell offers files for them. */
const FILE_OPTIONS = new Set(['--manifest', '--out', '--metrics', '--token-file', '--flagd-out', '--cases', '--from-file']);
/** Options whose value is a stage id of the manifest. */
const STAGE_OPTIONS = new Set(['--to', '--stage']);
/** Names of a first argument that is a stage id of the manifest (`gate [stage]`). */
const STAGE_ARGUMENTS = new Set(['stage']);

function option(from: Option): CompletionOption {
  const names = [from.short, from.long].filter((name): name is string => name !== undefined);
  const takesValue = from.required || from.optional;
  const long = from.long ?? '';
  return {
    names,
    description: from.description,
    takesValue,
    ...(from.argChoices ? { choices: [...from.argChoices] } : {}),
    ...(takesValue && !from.argChoices ? { valueKind: FILE_OPTIONS.has(long) ? 'file' : STAGE_OPTIONS.has(long) ? 'stage' : 'text' } : {}),
  } as CompletionOption;
}

function command(from: Command): CompletionCommand {
  const first = from.registeredArguments[0];
  const choices = first?.argChoices;
  return {
    name: from.name(),
    description: from.summary() || from.description().split('\n')[0] || '',
    options: [
      ...from.options.filter((o) => !o.hidden).map(option),
      { names: ['-h', '--help'], description: 'show help', takesValue: false },
    ],
    subcommands: from.commands.filter((c) => c.name() !== 'help').map(command),
    ...(choices ? { argumentChoices: [...choices] } : {}),
    ...(first && !choices && STAGE_ARGUMENTS.has(first.name()) ? { argumentKind: 'stage' as const } : {}),
  };
}

/** What the completion knows, read off the program with every command defined. */
export function completionTree(program: Command): CompletionTree {
  return {
    program: program.name(),
    options: [...program.options.map(option), { names: ['-h', '--help'], description: 'show help', takesValue: false }],
    commands: program.commands
      .filter((c) => c.name() !== 'help' && c.name() !== 'completion')
      .map(command)
      .concat(command(program.commands.find((c) => c.name() === 'completion')!)),
  };
}

/** The stage ids of a manifest, for `--to`, `--stage` and `gate [stage]`; nothing (and no error) when it cannot be read cheaply. */
async function stageIds(path: string): Promise<string[]> {
  try {
    const document = JSON.parse(await readBoundedText(path, { maxBytes: 4 * 1024 * 1024 })) as { stages?: { id?: unknown }[] };
    return (document.stages ?? [])
      .map((stage) => stage.id)
      .filter((id): id is string => typeof id === 'string' && /^[A-Za-z0-9._-]+$/.test(id));
  } catch {
    return [];
  }
}

/**
 * `agent-rollout completion bash|zsh|fish`: prints the completion script for the shell. With
 * `--stages` (what the scripts call to complete a stage id), prints the stage ids of the manifest.
 */
export async function completionCommand(
  shell: string | undefined,
  options: CompletionCommandOptions,
  program: Command,
  io: Io,
): Promise<number> {
  if (options.stages) {
    for (const id of await stageIds(resolve(io.cwd, options.manifest))) io.out(`${id}\n`);
    return 0;
  }
  if (shell === undefined) throw new UsageError('name the shell: bash, zsh or fish', 'e.g. `agent-rollout completion bash`');
  if (!(SHELLS as readonly string[]).includes(shell))
    throw new UsageError(`no completion for the shell "${shell}"`, 'choose bash, zsh or fish');
  io.out(SCRIPTS[shell as Shell](completionTree(program)));
  return 0;
}
