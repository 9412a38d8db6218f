import type { CommandDefinition } from './program.js';
import { examples } from './program.js';
import { STATE_EXIT_CODES, withStateOptions } from './state-options.js';

export const defineRollback: CommandDefinition = (program, run) => {
  withStateOptions(
    program
      .command('rollback')
      .summary('go back to the previous (or a named earlier) stage')
      .description(
        'Move state.stage back to the previous stage, or to an earlier one named with --to; never forward and never to ' +
          "the current stage. state.since restarts and the stage's governance mode comes back. Written with an audit entry.\n" +
          '(This changes the manifest state; `agent-rollout drill` runs the rollback steps.)',
      )
      .option('--to <stage>', 'an earlier stage to go back to (default: the previous one)'),
    { reason: 'optional' },
  )
    .addHelpText(
      'after',
      examples([
        'agent-rollout rollback --reason "complaints from beta orgs"',
        'agent-rollout rollback --to internal-pilot --reason "cost overrun"',
      ]) + STATE_EXIT_CODES,
    )
    .action(async (options) => {
      const { rollbackCommand } = await import('../commands/rollback.js');
      await run((io) => rollbackCommand(options, io));
    });
};
