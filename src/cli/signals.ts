import { Option } from './commander.js';
import { oneManifestOption } from './manifest-option.js';
import type { CommandDefinition } from './program.js';
import { examples } from './program.js';
import { SIGNALS_FORMATS } from '../commands/formats.js';

export const defineSignals: CommandDefinition = (program, run) => {
  const signals = program
    .command('signals')
    .summary('check that every signal returns data before a gate depends on it')
    .description(
      'The signals of metrics.signals. `signals check` queries each from its source now and says whether it returned data; ' +
        'docs/signals.md lists the categories the practice requires and the OpenTelemetry and HTTP recipes.',
    )
    .addHelpText('after', examples(['agent-rollout signals check', 'agent-rollout signals check --window 1h --format json']));
  signals
    .command('check')
    .summary('query every signal now: data or not, value, series, attribution, query time')
    .description(
      "Query every signal of metrics.signals from its source over the window (default: the current stage's, as the gate " +
        'chooses it) and print per signal: the source, whether it returned data (a non-empty result at the end of the ' +
        'window for Prometheus, a number at the pointer for http, a value for a command), the value, the number of series, ' +
        'whether the attribution label is on the series, and the query time.\n' +
        'Signals a criterion or alert of the current or next stage uses are marked *: the exit code is about them.',
    )
    .addOption(oneManifestOption('signals check', 'the manifest'))
    .option('--window <duration>', "the window to query over, e.g. 1h (default: the current stage's, as the gate chooses it)")
    .option('--at <time>', 'the window ends at this time (RFC 3339; default: now)')
    .addOption(new Option('--format <format>', 'output format (default: text, or the stored config)').choices(SIGNALS_FORMATS))
    .option('--record', 'append the result to the audit trail (rollout.audit.jsonl); plan and status show the last one')
    .option('--actor <name>', 'who records the result (default: AGENT_ROLLOUT_ACTOR, the config, git user.email)')
    .option('--reason <text>', 'why the check was run, recorded with --record')
    .addHelpText(
      'after',
      examples([
        'agent-rollout signals check',
        'agent-rollout signals check --window 1h',
        'agent-rollout signals check --format json | jq \'.probes[] | select(.status != "data")\'',
        'agent-rollout signals check --record --reason "before the pilot review"',
      ]) +
        '\nExit codes: 0 every signal the current or next gate needs returned data, 1 one did not (named), 2 a source failed or bad input.\n',
    )
    .action(async (options) => {
      const { signalsCheckCommand } = await import('../commands/signals-check.js');
      await run((io) => signalsCheckCommand(options, io));
    });
};
