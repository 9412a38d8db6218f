import { Option } from './commander.js';
import { oneManifestOption } from './manifest-option.js';
import type { CommandDefinition } from './program.js';
import { SIGNAL_PRESETS } from '../init/otel-genai.js';
import { examples } from './program.js';

export const defineInit: CommandDefinition = (program, run) => {
  program
    .command('init')
    .summary('scaffold a rollout.json that validates: interactive, or --yes for placeholders')
    .description(
      'Write a new rollout manifest: asks for the agent (id, owner, model), its first credential and tool, data ' +
        'classes, triggers, a cost estimate, and the three stages of the guide (internal pilot, limited beta, general ' +
        'availability), then writes a rollout.json that validates, with "$schema" set, and an `init` audit entry.\n' +
        'With --yes: the same template with placeholders, no prompts. Refuses to overwrite a file unless --force.\n' +
        'See docs/inventory.md.',
    )
    .addOption(oneManifestOption('init', 'the file to write'))
    .option('-y, --yes', 'take the defaults (placeholders to replace), without prompts')
    .option('--force', 'overwrite an existing file')
    .addOption(
      new Option('--signals <preset>', 'the signals to write: default, or otel-genai (the OpenTelemetry GenAI conventions, pinned)')
        .choices(SIGNAL_PRESETS)
        .default('default'),
    )
    .option('--actor <name>', 'who creates it, for the audit entry (default: AGENT_ROLLOUT_ACTOR, the stored config, git user.email)')
    .addHelpText(
      'after',
      examples([
        'agent-rollout init                              # asks, on a terminal',
        'agent-rollout init --yes                        # placeholders, no prompts (CI, scripts)',
        'agent-rollout init -m agents/support/rollout.json',
        'agent-rollout init --yes --force                # start over',
        'agent-rollout init --yes --signals otel-genai   # signals over the OpenTelemetry GenAI metrics',
      ]) +
        '\nExit codes: 0 written (or declined at the last question), 2 the file exists (without --force), no terminal\n(without --yes) or it could not be written, 130 interrupted (nothing written).\n',
    )
    .action(async (options) => {
      const { initCommand } = await import('../commands/init.js');
      await run((io) => initCommand(options, io));
    });
};
