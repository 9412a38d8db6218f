import { Argument } from './commander.js';
import type { CommandDefinition } from './program.js';
import { examples } from './program.js';
import { STATE_EXIT_CODES, withStateOptions } from './state-options.js';

export const defineMode: CommandDefinition = (program, run) => {
  withStateOptions(
    program
      .command('mode')
      .summary('set the global governance mode: observe or enforce')
      .description(
        'Set state.governanceMode, with an audit entry. observe: policy controls log what they would block but allow it; ' +
          'enforce: they block. observe in a stage whose audience reaches 100% is refused (a hard requirement) unless ' +
          '--force --reason, and the entry is then marked details.forced: true.',
      )
      .addArgument(new Argument('<mode>', 'the governance mode').choices(['observe', 'enforce'])),
    { reason: 'optional', force: true },
  )
    .addHelpText(
      'after',
      examples([
        'agent-rollout mode enforce --reason "guardrails calibrated"',
        'agent-rollout mode observe --force --reason "false positives block every order, INC-4713"',
      ]) + STATE_EXIT_CODES,
    )
    .action(async (governanceMode, options) => {
      const { modeCommand } = await import('../commands/mode.js');
      await run((io) => modeCommand(governanceMode, options, io));
    });
};
