import { Command, CommanderError } from './cli/commander.js';
import { defineValidate } from './cli/validate.js';
import { defineExport } from './cli/export.js';
import { defineDrill } from './cli/drill.js';
import { defineDiff } from './cli/diff.js';
import { defineStatus } from './cli/status.js';
import { definePause } from './cli/pause.js';
import { defineResume } from './cli/resume.js';
import { defineEnable } from './cli/enable.js';
import { defineDisable } from './cli/disable.js';
import { defineRollback } from './cli/rollback.js';
import { defineOrg } from './cli/org.js';
import { defineMode } from './cli/mode.js';
import { defineAudit } from './cli/audit.js';
import { defineConfig } from './cli/config.js';
import { defineGuardrails } from './cli/guardrails.js';
import { defineGate } from './cli/gate.js';
import { defineSignals } from './cli/signals.js';
import { defineAdvance } from './cli/advance.js';
import { defineInit } from './cli/init.js';
import { defineInventory } from './cli/inventory.js';
import { definePlan } from './cli/plan.js';
import { defineSchema } from './cli/schema.js';
import { defineCompletion } from './cli/completion.js';
import { defineGuard } from './cli/guard.js';
import type { CommandDefinition, Runner } from './cli/program.js';
import { examples } from './cli/program.js';
import { CliError, ExitCode } from './errors.js';
import { loadColor } from './render/style.js';
import { withoutColor } from './ui/io.js';
import type { Io } from './ui/io.js';
import { TOOL_NAME, TOOL_VERSION } from './version.js';

/**
 * The command-line program. Each command's definition (src/cli/) imports its implementation
 * (src/commands/) only when that command runs, so start-up pays for one command. Every error
 * becomes an exit code here, and only here.
 */

/** The commands, by name, in the order --help lists them. */
const COMMANDS: readonly (readonly [string, CommandDefinition])[] = [
  ['init', defineInit],
  ['validate', defineValidate],
  ['inventory', defineInventory],
  ['plan', definePlan],
  ['gate', defineGate],
  ['advance', defineAdvance],
  ['signals', defineSignals],
  ['status', defineStatus],
  ['pause', definePause],
  ['resume', defineResume],
  ['enable', defineEnable],
  ['disable', defineDisable],
  ['rollback', defineRollback],
  ['org', defineOrg],
  ['mode', defineMode],
  ['drill', defineDrill],
  ['guardrails', defineGuardrails],
  ['diff', defineDiff],
  ['audit', defineAudit],
  ['export', defineExport],
  ['guard', defineGuard],
  ['config', defineConfig],
  ['schema', defineSchema],
  ['completion', defineCompletion],
];

/**
 * The command argv names, when it names one: the first argument that is not an option (the
 * program's only option before a command, --no-color, takes no value). Unknown, absent or
 * `help`: undefined.
 */
export function invokedCommand(args: readonly string[]): string | undefined {
  const first = args.find((arg) => !arg.startsWith('-'));
  return COMMANDS.some(([name]) => name === first) ? first : undefined;
}

const EXIT_CODES = `
Exit codes:
  0    success (gate: go; validate: no errors; diff: done, or no changes with --exit-code)
  1    a negative finding (validation errors, gate no-go, failed drill or guardrail check,
       diff changes with --exit-code, a --fail-on risk met)
  2    could not do the job (bad usage, unreadable input, a failed metric source, a refused
       state change)
  3    gate inconclusive: not enough evidence yet
  130  interrupted
`;

/**
 * The program. With `only`, just that command is defined: a run needs no other, and defining all
 * twenty cost about 8 ms a start. Help, `help`, and an unknown command get all of them.
 */
export function buildProgram(run: Runner, only: string | undefined, io: Io): Command {
  const program = new Command(TOOL_NAME)
    // Before the commands are defined: each copies its parent's output settings when created.
    .configureOutput({
      writeOut: (text) => io.out(text),
      writeErr: (text) => io.err(text),
      // commander's own default when the stream is not a terminal: 80.
      getOutHelpWidth: () => (io.stdoutIsTTY ? io.columns : undefined) ?? 80,
      getErrHelpWidth: () => (io.stderrIsTTY ? io.columns : undefined) ?? 80,
      getOutHasColors: () => io.color,
      getErrHasColors: () => io.errColor,
    })
    .description(
      'Roll an AI agent out in stages, safely: a validated rollout manifest, go/no-go gates, rollback drills and reviewable diffs.',
    )
    .version(TOOL_VERSION, '-v, --version', 'print the version')
    .option('--no-color', 'no colour in the output (also: NO_COLOR=1)')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ showGlobalOptions: true })
    .addHelpText(
      'after',
      examples([
        'agent-rollout validate                         # ./rollout.json',
        "agent-rollout validate 'agents/*/rollout.json' --format sarif > results.sarif",
        'agent-rollout plan                             # the staged plan, stage by stage',
        'agent-rollout gate                             # go/no-go for the current stage',
        'agent-rollout advance                          # gate, then move to the next stage',
        'agent-rollout drill --dry-run                  # what the rollback drill would run',
        'agent-rollout diff --git origin/main --format markdown > comment.md',
      ]) + EXIT_CODES,
    )
    .exitOverride();
  // `completion` reads every command's options off the program, so it needs them all.
  const all = only === undefined || only === 'completion';
  for (const [name, define] of COMMANDS) if (all || name === only) define(program, run);
  return program;
}

/**
 * An error message may quote outside text (a pasted file, a source's answer): it goes through the
 * redactor's token shapes like every other output. Loaded only when there is an error to print.
 */
async function redactedMessage(text: string): Promise<string> {
  const { createRedactor } = await import('./manifest/redactor.js');
  return createRedactor().text(text);
}

async function printError(io: Io, error: CliError): Promise<void> {
  const red = io.errColor ? (s: string) => `\u001b[31m${s}\u001b[39m` : (s: string) => s;
  io.err(`${red('error:')} ${await redactedMessage(error.message)}\n`);
  if (error.hint) io.err(`  hint: ${await redactedMessage(error.hint)}\n`);
}

function printBug(io: Io, error: unknown): void {
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.err(
    `${detail}\n\nThis is a bug in ${TOOL_NAME} ${TOOL_VERSION}, not in your manifest. ` +
      `Please report it with the command you ran and the output above (Node ${process.version}, ${process.platform}).\n`,
  );
}

/**
 * Runs the program on `args` (the arguments after the program's name) with `io`, and returns
 * the exit code. It never calls process.exit and keeps nothing between runs: the program is
 * built afresh, and every command takes its streams, environment, folder and signals from `io`
 * (src/main.ts passes the process's; the tests, one that captures the output).
 */
export async function runProgram(args: readonly string[], io: Io): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const run: Runner = async (action) => {
    // Runs during parseAsync below, when `program` exists.
    const commandIo = program.opts<{ color?: boolean }>().color === false ? withoutColor(io) : io;
    try {
      if (commandIo.color || commandIo.errColor) await loadColor();
      exitCode = await action(commandIo);
    } catch (error) {
      if (error instanceof CliError) {
        await printError(commandIo, error);
        exitCode = error.exitCode;
      } else {
        printBug(commandIo, error);
        exitCode = ExitCode.failure;
      }
    }
  };
  const program = buildProgram(run, invokedCommand(args), io);
  try {
    await program.parseAsync(args as string[], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      const success = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code);
      return success ? ExitCode.ok : ExitCode.failure;
    }
    printBug(io, error);
    return ExitCode.failure;
  }
  return exitCode;
}
