import { Command, CommanderError, Option } from 'commander';
import { CliError, ExitCode } from './errors.js';
import { processIo } from './ui/io.js';
import type { Io } from './ui/io.js';
import { TOOL_NAME, TOOL_VERSION } from './version.js';

/**
 * The command-line program. Each command's module is imported only when that command runs,
 * so start-up pays for one command. Every error becomes an exit code here, and only here.
 */

function examples(lines: readonly string[]): string {
  return `\nExamples:\n${lines.map((line) => `  ${line}`).join('\n')}\n`;
}

function exitCodes(): string {
  return [
    '',
    'Exit codes:',
    '  0    success (gate: go; validate: no errors)',
    '  1    a negative finding (validation errors, gate no-go, failed drill)',
    '  2    could not do the job (bad usage, unreadable input, a failed metric source)',
    '  3    gate inconclusive: not enough evidence yet',
    '  130  interrupted',
    '',
  ].join('\n');
}

interface GlobalOptions {
  color?: boolean;
}

export function buildProgram(run: (action: (io: Io) => Promise<number>, globals: GlobalOptions) => Promise<void>): Command {
  const program = new Command(TOOL_NAME)
    .description('Roll an AI agent out in stages, safely: a validated rollout manifest, go/no-go gates, rollback drills and reviewable diffs.')
    .version(TOOL_VERSION, '-v, --version', 'print the version')
    .option('--no-color', 'no colour in the output (also: NO_COLOR=1)')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: false, showGlobalOptions: true })
    .addHelpText(
      'after',
      examples([
        'agent-rollout validate                         # ./rollout.json',
        "agent-rollout validate 'agents/*/rollout.json' --format sarif > results.sarif",
      ]) + exitCodes(),
    )
    .exitOverride();

  const globals = (): GlobalOptions => program.opts<GlobalOptions>();

  program
    .command('validate')
    .summary('check manifests against the schema and the rollout-safety rules')
    .description(
      'Check one or more rollout manifests: JSON syntax, the v1 schema, and the semantic rules of docs/rules.md\n' +
        '(references, unique ids, literal secrets, least privilege, enforce mode at 100%, revocation, spend limits,\n' +
        'rollback timeouts). Each finding has a rule id, file:line:col, the JSON pointer and a hint.',
    )
    .argument('[files...]', 'manifest files or glob patterns', [])
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'sarif', 'github']).default('text'))
    .option('--strict', 'treat warnings as errors')
    .option('--quiet', 'print only errors')
    .option('--show-source', 'show the offending line under each finding (default on a terminal)')
    .addHelpText(
      'after',
      examples([
        'agent-rollout validate',
        'agent-rollout validate examples/*/rollout.json --strict',
        "agent-rollout validate 'agents/*/rollout.json' --format sarif > results.sarif",
        'agent-rollout validate rollout.json --format github     # annotations in a GitHub Actions run',
      ]) + '\nExit codes: 0 no errors, 1 errors found, 2 a file could not be read or parsed.\n',
    )
    .action(async (files: string[], options) => {
      const { validateCommand } = await import('./commands/validate.js');
      await run((io) => validateCommand(files, options, io), globals());
    });

  return program;
}

function printError(io: Io, error: CliError): void {
  const red = io.errColor ? (s: string) => `\u001b[31m${s}\u001b[39m` : (s: string) => s;
  io.err(`${red('error:')} ${error.message}\n`);
  if (error.hint) io.err(`  hint: ${error.hint}\n`);
}

function printBug(io: Io, error: unknown): void {
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.err(
    `${detail}\n\nThis is a bug in ${TOOL_NAME} ${TOOL_VERSION}, not in your manifest. ` +
      `Please report it with the command you ran and the output above (Node ${process.version}, ${process.platform}).\n`,
  );
}

/** Runs the program on argv and sets process.exitCode; never calls process.exit. */
export async function main(argv: readonly string[]): Promise<void> {
  const run = async (action: (io: Io) => Promise<number>, options: GlobalOptions): Promise<void> => {
    const io = processIo(options.color === false ? { color: false } : {});
    try {
      process.exitCode = await action(io);
    } catch (error) {
      if (error instanceof CliError) {
        printError(io, error);
        process.exitCode = error.exitCode;
      } else {
        printBug(io, error);
        process.exitCode = ExitCode.failure;
      }
    }
  };
  const program = buildProgram(run);
  try {
    await program.parseAsync(argv as string[], { from: 'node' });
  } catch (error) {
    if (error instanceof CommanderError) {
      const success = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code);
      process.exitCode = success ? ExitCode.ok : ExitCode.failure;
      return;
    }
    printBug(processIo(), error);
    process.exitCode = ExitCode.failure;
  }
}

await main(process.argv);
