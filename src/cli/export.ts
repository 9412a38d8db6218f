import type { CommandDefinition } from './program.js';
import { examples } from './program.js';

import { collectManifests as collect } from './manifest-option.js';

const EXIT_CODES =
  '\nExit codes: 0 written, 2 could not export (unreadable or invalid manifest, bad option, --out outside the current folder).\n';

export const defineExport: CommandDefinition = (program, run) => {
  const exportCommand = program
    .command('export')
    .summary('export the rollout to the runtime: flagd flags, Prometheus alerting rules')
    .description(
      'Export rollout manifests to the systems that enforce them at run time: the state as an OpenFeature flagd ' +
        'flag file, and the thresholds as Prometheus alerting rules. The output is the file itself (no JSON wrapper); ' +
        'it goes to standard output, or with --out to a file inside the current folder, written atomically. ' +
        'See docs/runtime.md.',
    )
    .addHelpText(
      'after',
      examples([
        'agent-rollout export flagd --out flags.json',
        'agent-rollout export flagd agents/*/rollout.json > /etc/flagd/flags.json',
        'agent-rollout export prometheus-rules --out agent-rollout.rules.yml',
      ]) + EXIT_CODES,
    )
    .action(async () => {
      await run(async () => {
        const { UsageError } = await import('../errors.js');
        throw new UsageError('export what? name a subcommand: flagd or prometheus-rules', 'agent-rollout export --help');
      });
    });

  exportCommand
    .command('flagd')
    .summary('the rollout state as an OpenFeature flagd flag definition')
    .description(
      'Write a flagd flag definition with two flags per agent: <agent>.enabled (boolean) and <agent>.governance-mode ' +
        '("observe" or "enforce"). <agent>.enabled is off when the kill switch (state.enabled) is off; otherwise orgs ' +
        'forced off, then orgs forced on (state.orgs), then the current stage audience: its orgs, its users (matched on ' +
        '--user-key) and its percent of orgs (a fractional split bucketed on the flag key plus the org id). An evaluation ' +
        'without the --context-key value is off. Several manifests go into one file, flags sorted by key; the export ' +
        'time (--time, else SOURCE_DATE_EPOCH, else now) is the only thing that changes between runs.',
    )
    .argument('[files...]', 'manifest files or glob patterns (default: ./rollout.json)', [])
    .option('-m, --manifest <path>', 'a manifest to export (repeatable; same as a file argument)', collect)
    .option('-o, --out <file>', 'write the flag file here (inside the current folder, atomically) instead of standard output')
    .option('--context-key <key>', 'the evaluation-context key that holds the organization id', 'orgId')
    .option('--user-key <key>', 'the evaluation-context key matched against the stage audience users', 'userId')
    .option('--time <time>', 'the export time to record (RFC 3339 or epoch seconds; default SOURCE_DATE_EPOCH, else now)')
    .addHelpText(
      'after',
      examples([
        'agent-rollout export flagd                                   # ./rollout.json to standard output',
        'agent-rollout export flagd --out flags.json',
        "agent-rollout export flagd 'agents/*/rollout.json' --out deploy/flags.json",
        'agent-rollout export flagd -m examples/support-triage/rollout.json --context-key tenantId',
        'SOURCE_DATE_EPOCH=$(git log -1 --format=%ct) agent-rollout export flagd > flags.json   # reproducible',
      ]) + EXIT_CODES,
    )
    .action(async (files: string[], options) => {
      const { exportFlagdCommand } = await import('../commands/export-flagd.js');
      await run((io) => exportFlagdCommand(files, options, io));
    });

  exportCommand
    .command('prometheus-rules')
    .summary('the thresholds as Prometheus alerting rules')
    .description(
      'Write a Prometheus rule file: per agent, one alerting rule for each metrics.alerts entry, and one for each exit ' +
        'criterion of the current stage that has a max or min, so the on-call sees a breach before the next gate. ' +
        "Each rule's query is its signal's PromQL with $window replaced by --rate-window; labels agent, stage, severity " +
        'and action; annotations say what to do. Only signals with a prometheus source can become rules: the others ' +
        'are listed in the file header and on standard error.',
    )
    .argument('[files...]', 'manifest files or glob patterns (default: ./rollout.json)', [])
    .option('-m, --manifest <path>', 'a manifest to export (repeatable; same as a file argument)', collect)
    .option('-o, --out <file>', 'write the rule file here (inside the current folder, atomically) instead of standard output')
    .option('--rate-window <duration>', 'the window that replaces $window in the queries', '5m')
    .addHelpText(
      'after',
      examples([
        'agent-rollout export prometheus-rules --out agent-rollout.rules.yml && promtool check rules agent-rollout.rules.yml',
        "agent-rollout export prometheus-rules 'agents/*/rollout.json' --rate-window 10m > rules/agents.yml",
        'agent-rollout export prometheus-rules -m examples/finance-ledger/rollout.json',
      ]) + EXIT_CODES,
    )
    .action(async (files: string[], options) => {
      const { exportPrometheusRulesCommand } = await import('../commands/export-prometheus-rules.js');
      await run((io) => exportPrometheusRulesCommand(files, options, io));
    });
};
