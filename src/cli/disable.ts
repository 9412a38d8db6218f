import type { CommandDefinition } from './program.js';
import { examples } from './program.js';
import { SEVERAL_STATE_EXIT_CODES, withStateOptions } from './state-options.js';

export const defineDisable: CommandDefinition = (program, run) => {
  withStateOptions(
    program
      .command('disable')
      .summary('switch the agent off everywhere (the global kill switch)')
      .description(
        'Set state.enabled to false, with an audit entry. No reason is needed, so an emergency is one command; ' +
          'an entry written without --reason is marked details.emergency: true. Disabling a disabled agent changes nothing.',
      ),
    { reason: 'optional', several: true },
  )
    .addHelpText(
      'after',
      examples([
        'agent-rollout disable',
        'agent-rollout disable --reason "data leak suspected, INC-4712"',
        'agent-rollout disable \'agents/*/rollout.json\' --reason "INC-4712"   # every agent off, each with its own entry',
      ]) + SEVERAL_STATE_EXIT_CODES,
    )
    .action(async (files: string[], options) => {
      const { disableCommand } = await import('../commands/disable.js');
      await run((io) => disableCommand({ ...options, files }, io));
    });
};
