import type { CommandDefinition } from './program.js';
import { examples } from './program.js';
import { STATE_EXIT_CODES, withStateOptions } from './state-options.js';

export const defineEnable: CommandDefinition = (program, run) => {
  withStateOptions(
    program
      .command('enable')
      .summary('switch the agent back on (the global kill switch)')
      .description('Set state.enabled to true, with an audit entry. Enabling an enabled agent changes nothing.'),
    { reason: 'optional' },
  )
    .addHelpText('after', examples(['agent-rollout enable --reason "fix deployed, drill passed"']) + STATE_EXIT_CODES)
    .action(async (options) => {
      const { enableCommand } = await import('../commands/enable.js');
      await run((io) => enableCommand(options, io));
    });
};
