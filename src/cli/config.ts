import { Argument, Option } from './commander.js';
import type { Command } from './commander.js';
import type { CommandDefinition } from './program.js';
import { examples } from './program.js';
import { CONFIG_FORMATS } from '../commands/formats.js';

const KEYS = ['actor', 'format'];

function withFormat(command: Command): Command {
  return command.addOption(new Option('--format <format>', 'output format').choices(CONFIG_FORMATS));
}

export const defineConfig: CommandDefinition = (program, run) => {
  const config = program
    .command('config')
    .summary('operator defaults: actor and output format (get, set, unset, list)')
    .description(
      'Operator defaults, kept per user with `conf` (in the OS config folder, or $AGENT_ROLLOUT_CONFIG_DIR):\n' +
        '  actor   who you are in audit entries (after --actor and AGENT_ROLLOUT_ACTOR, before git user.email)\n' +
        '  format  the output format when --format is not given (text, json or markdown; a command that does not\n' +
        '          render it uses text)',
    )
    .addHelpText(
      'after',
      examples([
        'agent-rollout config set actor alice@example.com',
        'agent-rollout config get actor',
        'agent-rollout config set format json',
        'agent-rollout config unset format',
        'agent-rollout config list',
      ]) + '\nExit codes: 0 done; 1 `get` of a setting that is not set; 2 an unknown setting or a bad value.\n',
    );

  withFormat(config.command('list').description('Every setting, set or not, and the file they are kept in.'))
    .addHelpText('after', examples(['agent-rollout config list', 'agent-rollout config list --format json']))
    .action(async (options) => {
      const { configListCommand } = await import('../commands/config.js');
      await run((io) => configListCommand(options, io));
    });
  withFormat(
    config
      .command('get')
      .description('Print one setting; exit 1 with no output when it is not set.')
      .addArgument(new Argument('<key>', 'the setting').choices(KEYS)),
  )
    .addHelpText('after', examples(['agent-rollout config get actor']))
    .action(async (key: string, options) => {
      const { configGetCommand } = await import('../commands/config.js');
      await run((io) => configGetCommand(key, options, io));
    });
  withFormat(
    config
      .command('set')
      .description('Store one setting.')
      .addArgument(new Argument('<key>', 'the setting').choices(KEYS))
      .argument('<value>', 'its value'),
  )
    .addHelpText('after', examples(['agent-rollout config set actor alice@example.com', 'agent-rollout config set format json']))
    .action(async (key: string, value: string, options) => {
      const { configSetCommand } = await import('../commands/config.js');
      await run((io) => configSetCommand(key, value, options, io));
    });
  withFormat(config.command('unset').description('Remove one setting.').addArgument(new Argument('<key>', 'the setting').choices(KEYS)))
    .addHelpText('after', examples(['agent-rollout config unset actor']))
    .action(async (key: string, options) => {
      const { configUnsetCommand } = await import('../commands/config.js');
      await run((io) => configUnsetCommand(key, options, io));
    });
};
