import type { CommandDefinition } from './program.js';
import { examples } from './program.js';
import { SEVERAL_STATE_EXIT_CODES, withStateOptions } from './state-options.js';

export const definePause: CommandDefinition = (program, run) => {
  withStateOptions(
    program
      .command('pause')
      .summary('pause the rollout (blocks advance), with a reason')
      .description(
        'Pause the rollout: state.paused records the reason, who and when, and advance is refused until resume.\nThe change is written with an audit entry. Pausing a paused rollout changes nothing.',
      ),
    { reason: 'required', several: true },
  )
    .addHelpText(
      'after',
      examples([
        'agent-rollout pause --reason "error rate above threshold, INC-4711"',
        'agent-rollout pause --reason "holiday freeze" --actor release-bot',
        'agent-rollout pause -m agents/a/rollout.json -m agents/b/rollout.json --reason "holiday freeze" --dry-run',
      ]) + SEVERAL_STATE_EXIT_CODES,
    )
    .action(async (files: string[], options) => {
      const { pauseCommand } = await import('../commands/pause.js');
      await run((io) => pauseCommand({ ...options, files }, io));
    });
};
