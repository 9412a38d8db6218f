import { oneManifestOption } from './manifest-option.js';
import { Option } from './commander.js';
import type { CommandDefinition } from './program.js';
import { examples } from './program.js';
import { INVENTORY_FORMATS } from '../commands/formats.js';

export const defineInventory: CommandDefinition = (program, run) => {
  program
    .command('inventory')
    .summary('walk through the inventory; --check reports its gaps without prompting')
    .description(
      "Walk through the manifest's five inventory sections (credentials, tools, data classes, triggers, cost " +
        'envelope): for each, see what the manifest holds and its gaps, say whether it is still true, and add, edit ' +
        'or remove entries. At the end a summary; the manifest is written (atomically, in its own formatting, with an ' +
        'audit entry) only when you confirm. Ctrl-C leaves it untouched. Needs a terminal.\n' +
        'With --check: no prompts; the completeness of each section, every gap, and the blast radius per stage (the ' +
        'data classes the agent can read and write, through which tools and credentials, from which triggers).\n' +
        'See docs/inventory.md.',
    )
    .addOption(oneManifestOption('inventory', 'the rollout manifest'))
    .option('--check', 'report completeness and gaps without prompting (for CI); exit 1 when incomplete')
    .addOption(
      new Option('--format <format>', 'with --check: output format (default: the stored config, else text)').choices(INVENTORY_FORMATS),
    )
    .option('--actor <name>', 'who makes the change (default: AGENT_ROLLOUT_ACTOR, the stored config, git user.email)')
    .option('--reason <text>', 'why the inventory changed, recorded in the audit entry')
    .addHelpText(
      'after',
      examples([
        'agent-rollout inventory                         # the walkthrough, on a terminal',
        'agent-rollout inventory --check                 # in CI: exit 1 when a section has a gap',
        'agent-rollout inventory --check --format json -m agents/support/rollout.json',
        'agent-rollout inventory --reason "ticket OPS-123: add the Slack bot"',
      ]) +
        '\nExit codes: 0 done (--check: complete), 1 --check: incomplete, 2 no terminal, bad usage, unreadable manifest or\nthe file changed meanwhile, 130 interrupted (nothing written).\n',
    )
    .action(async (options) => {
      const { inventoryCommand } = await import('../commands/inventory.js');
      await run((io) => inventoryCommand(options, io));
    });
};
