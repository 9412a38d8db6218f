import type { CommandDefinition } from './program.js';
import { examples } from './program.js';
import { withStateOptions } from './state-options.js';

export const defineStatus: CommandDefinition = (program, run) => {
  withStateOptions(
    program
      .command('status')
      .summary('where the rollout stands: on or off, stage and since when, mode, pause, last gate and drill')
      .description(
        'Show where the rollout stands, in a few lines to paste into chat: enabled or not, the stage and since when, ' +
          'the governance mode (global and per org), the pause, the last gate and the last drill with their age, ' +
          'the org overrides, and whether the audit trail agrees with the manifest.',
      ),
    { reason: 'none' },
  )
    .addHelpText(
      'after',
      examples([
        'agent-rollout status',
        'agent-rollout status -m agents/support/rollout.json',
        'agent-rollout status --format json | jq .stage',
      ]) + '\nExit codes: 0 always when the manifest can be read; 2 when it cannot.\n',
    )
    .action(async (options) => {
      const { statusCommand } = await import('../commands/status.js');
      await run((io) => statusCommand(options, io));
    });
};
