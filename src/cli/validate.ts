import { Option } from './commander.js';
import type { CommandDefinition } from './program.js';
import { examples } from './program.js';
import { VALIDATE_FORMATS } from '../commands/formats.js';

export const defineValidate: CommandDefinition = (program, run) => {
  program
    .command('validate')
    .summary('check manifests against the schema and the rollout-safety rules')
    .description(
      'Check one or more rollout manifests: JSON syntax, the v1 schema, and the semantic rules of docs/rules.md ' +
        '(references, unique ids, literal secrets, least privilege, enforce mode at 100%, revocation, spend limits, ' +
        'rollback timeouts). Each finding has a rule id, file:line:col, the JSON pointer and a hint.',
    )
    .argument('[files...]', 'manifest files or glob patterns (default: ./rollout.json)', [])
    .addOption(new Option('--format <format>', 'output format').choices(VALIDATE_FORMATS).default('text'))
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
      const { validateCommand } = await import('../commands/validate.js');
      await run((io) => validateCommand(files, options, io));
    });
};
