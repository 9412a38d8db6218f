import { oneManifestOption } from './manifest-option.js';
import { Option } from './commander.js';
import { addMetricOptions } from './gate.js';
import type { CommandDefinition } from './program.js';
import { examples } from './program.js';
import { GATE_FORMATS } from '../commands/formats.js';

export const defineAdvance: CommandDefinition = (program, run) => {
  const command = program
    .command('advance')
    .summary('move to the next stage, only after a go gate evaluated now')
    .description(
      "Evaluate the current stage's gate now (same metric options as gate) and, on go, move state.stage to the next " +
        'stage, set state.since and state.governanceMode, and append an audit entry with the gate result. --force with ' +
        '--reason overrides a no-go or inconclusive gate and records that it did; an error verdict cannot be forced.\n' +
        'Refuses while the rollout is paused or disabled, and at the last stage.',
    );
  addMetricOptions(command)
    .option('--force', 'advance over a no-go or inconclusive gate (needs --reason; recorded as forced)')
    .option('--reason <text>', 'why, recorded in the audit trail')
    .option('--actor <name>', 'who advances (default: AGENT_ROLLOUT_ACTOR, the config, git user.email)')
    .addOption(oneManifestOption('advance', 'the manifest'))
    .addOption(new Option('--format <format>', 'output format').choices(GATE_FORMATS).default('text'))
    .addHelpText(
      'after',
      examples([
        'agent-rollout advance                                  # gate the current stage against metrics.sources, then advance',
        'agent-rollout advance --metrics week.json --reason "pilot review 2026-11-23"',
        'agent-rollout advance --force --reason "CFO sign-off; samples short over the holiday" --actor alice@example.com',
      ]) +
        '\nExit codes: 0 advanced, 1 no-go (not advanced), 3 inconclusive (not advanced), 2 error or refused ' +
        '(paused, disabled, last stage, bad input).\n',
    )
    .action(async (options) => {
      const { advanceCommand } = await import('../commands/advance.js');
      await run((io) => advanceCommand(options, io));
    });
};
