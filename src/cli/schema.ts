import { Option } from './commander.js';
import type { CommandDefinition } from './program.js';
import { examples } from './program.js';
import { SCHEMA_FORMATS } from '../commands/formats.js';

export const defineSchema: CommandDefinition = (program, run) => {
  program
    .command('schema')
    .summary("the manifest schema's local path, for editor setup (--print: the schema)")
    .description(
      "Print the path of this installation's rollout.json schema (schemas/rollout.v1.schema.json), to point an editor's " +
        'JSON-schema setting at, or with --print the schema itself. `init` writes a relative path to the nearest installed ' +
        'copy into a new manifest\'s "$schema" on its own; this is for manifests written by hand, or an editor-wide setting.',
    )
    .option('--print', 'print the schema instead of its path')
    .addOption(new Option('--format <format>', 'output format').choices(SCHEMA_FORMATS))
    .addHelpText(
      'after',
      examples([
        'agent-rollout schema                                  # /…/node_modules/agent-rollout/schemas/rollout.v1.schema.json',
        'agent-rollout schema --print > rollout.schema.json',
        'agent-rollout schema --format json                    # {"path", "id"}',
      ]),
    )
    .action(async (options) => {
      const { schemaCommand } = await import('../commands/schema.js');
      await run((io) => schemaCommand(options, io));
    });
};
