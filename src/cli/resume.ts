import type { CommandDefinition } from './program.js';
import { examples } from './program.js';
import { SEVERAL_STATE_EXIT_CODES, withStateOptions } from './state-options.js';

export const defineResume: CommandDefinition = (program, run) => {
  withStateOptions(
    program
      .command('resume')
      .summary('lift the pause')
      .description('Lift the pause (state.paused), with an audit entry. Resuming a rollout that is not paused changes nothing.'),
    { reason: 'optional', several: true },
  )
    .addHelpText(
      'after',
      examples([
        'agent-rollout resume --reason "INC-4711 resolved"',
        'agent-rollout resume \'agents/*/rollout.json\' --reason "freeze over"',
      ]) + SEVERAL_STATE_EXIT_CODES,
    )
    .action(async (files: string[], options) => {
      const { resumeCommand } = await import('../commands/resume.js');
      await run((io) => resumeCommand({ ...options, files }, io));
    });
};
