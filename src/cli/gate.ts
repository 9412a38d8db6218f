import { oneManifestOption } from './manifest-option.js';
import type { Command } from './commander.js';
import { Option } from './commander.js';
import type { CommandDefinition } from './program.js';
import { examples } from './program.js';
import { GATE_FORMATS } from '../commands/formats.js';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The metric options `gate` and `advance` share, in the order of their precedence. */
export function addMetricOptions(command: Command): Command {
  return command
    .option('--set <name=value>', 'a metric value, e.g. read off a dashboard (repeatable; wins over --metrics and sources)', collect, [])
    .option('--metrics <file>', 'pasted metrics: a JSON file ({"window", "values", "series"}) or name=value lines; - reads standard input')
    .option(
      '--window <duration>',
      'the length of the evaluation window, e.g. 7d (default: since the stage was entered, else its minDuration)',
    )
    .option('--no-sources', "do not query the manifest's metrics.sources; what is not supplied counts as missing");
}

export const defineGate: CommandDefinition = (program, run) => {
  const command = program
    .command('gate')
    .summary('go/no-go for a stage: its exit criteria and prerequisites against real metrics')
    .description(
      "Evaluate a stage's exit criteria and prerequisites (minDuration, minSamples, a complete inventory, enforce mode at " +
        '100%, no pause, refusal tests before the first stage) and print each with the observed value, the threshold, a ' +
        'status and a reason, then the verdict and what to do next. Fail-closed: missing or broken data is never go.\n' +
        "Metrics come from --set, then --metrics, then the manifest's sources (prometheus, http, command); on a terminal " +
        'with none of these, the gate asks for each value.',
    )
    .argument('[stage]', 'the stage to evaluate (default: the current stage, state.stage)');
  addMetricOptions(command)
    .option('--at <time>', 'evaluate as of this time (RFC 3339); the window ends here (default: now)')
    .addOption(oneManifestOption('gate', 'the manifest'))
    .addOption(new Option('--format <format>', 'output format').choices(GATE_FORMATS).default('text'))
    .option('--record', 'append the result to the audit trail (rollout.audit.jsonl)')
    .option('--actor <name>', 'who records the result (default: AGENT_ROLLOUT_ACTOR, the config, git user.email)')
    .option('--reason <text>', 'why the gate was run, recorded with --record')
    .addHelpText(
      'after',
      examples([
        'agent-rollout gate                                     # the current stage, metrics from metrics.sources',
        'agent-rollout gate limited-beta --window 14d',
        'agent-rollout gate --set security_events=0 --set cost_per_invocation_usd=0.081 --window 7d',
        'curl -s https://metrics.example/triage.json | agent-rollout gate --metrics -',
        'agent-rollout gate --format markdown --record --reason "weekly review" >> gate.md',
      ]) + '\nExit codes: 0 go, 1 no-go, 3 inconclusive (not enough evidence yet), 2 error (a source failed, bad input).\n',
    )
    .action(async (stage: string | undefined, options) => {
      const { gateCommand } = await import('../commands/gate.js');
      await run((io) => gateCommand(stage, options, io));
    });
};
