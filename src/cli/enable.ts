import type { CommandDefinition } from './program.js';
import { examples } from './program.js';
import { SEVERAL_STATE_EXIT_CODES, withStateOptions } from './state-options.js';

export const defineEnable: CommandDefinition = (program, run) => {
  withStateOptions(
    program
      .command('enable')
      .summary('switch the agent back on (the global kill switch)')
      .description('Set state.enabled to true, with an audit entry. Enabling an enabled agent changes nothing.'),
    { reason: 'optional', several: true },
  )
    .addHelpText(
      'after',
      examples([
        'agent-rollout enable --reason "fix deployed, drill passed"',
        'agent-rollout enable \'agents/*/rollout.json\' --reason "INC-4712 closed"',
      ]) + SEVERAL_STATE_EXIT_CODES,
    )
    .action(async (files: string[], options) => {
      const { enableCommand } = await import('../commands/enable.js');
      await run((io) => enableCommand({ ...options, files }, io));
    });
};
