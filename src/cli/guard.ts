import type { CommandDefinition } from './program.js';
import { examples } from './program.js';
import { Option } from './commander.js';

import { collectManifests as collect } from './manifest-option.js';

export const defineGuard: CommandDefinition = (program, run) => {
  const guard = program
    .command('guard')
    .summary('act on alerts: pause or switch off an agent when its own alerts fire')
    .description(
      "Close the loop from the manifest's alerts to its state: `guard serve` is Alertmanager's webhook receiver, " +
        '`guard check` evaluates the alerts itself, one shot, for cron or CI. A pause alert pauses the rollout, a disable ' +
        "alert switches the agent off (only for the manifest's own disable alerts), page and notify alerts go to the " +
        'notification sinks. Every change is locked, journaled and audited like `agent-rollout pause` and `disable`; ' +
        'nothing ever resumes or enables by itself. See docs/guard.md.',
    )
    .addHelpText('after', examples(['agent-rollout guard serve --help', 'agent-rollout guard check --help']))
    .action(async () => {
      await run(async () => {
        const { UsageError } = await import('../errors.js');
        throw new UsageError('guard what? name a subcommand: serve or check', 'agent-rollout guard --help');
      });
    });

  guard
    .command('serve')
    .summary("Alertmanager's webhook receiver: alerts become audited pauses and kill switches")
    .description(
      'Serve POST /alertmanager (Alertmanager webhook payload version 4, bearer token from AGENT_ROLLOUT_GUARD_TOKEN or ' +
        '--token-file; bodies over 1 MB refused) and GET /healthz (200 when every served manifest can be read). For each ' +
        'firing alert whose agent label names a served agent: action pause pauses the rollout; action disable switches ' +
        "the agent off when the alert name is one of the manifest's own disable alerts (as `export prometheus-rules` " +
        'names them); page and notify change nothing and go to the notification sinks. A resolved alert never resumes ' +
        'anything. After a change the flags of every served manifest are exported to --flagd-out, as `export flagd` ' +
        'would. Answers 200 with each decision, 400 for a malformed body, 401 for a bad token, 503 when a change could ' +
        'not be made for now (Alertmanager delivers again). Runs until SIGTERM or Ctrl-C, then finishes the write under way.',
    )
    .argument('[files...]', 'manifest files or glob patterns (default: ./rollout.json)', [])
    .option('-m, --manifest <path>', 'a manifest to serve (repeatable; same as a file argument)', collect)
    .option('--listen <host:port>', 'where to listen', '127.0.0.1:9095')
    .option('--token-file <file>', 'read the bearer token from this file (default: AGENT_ROLLOUT_GUARD_TOKEN)')
    .option(
      '--flagd-out <file>',
      'after a change, write the flagd flags of every served manifest here (inside the current folder, atomically)',
    )
    .option('--context-key <key>', 'as export flagd: the evaluation-context key that holds the organization id', 'orgId')
    .option('--user-key <key>', 'as export flagd: the evaluation-context key matched against the stage audience users', 'userId')
    .option('--commit', 'commit the manifest and its audit trail in their git repository after a change (no push)')
    .option(
      '--retry-for <duration>',
      'how long a change that finds the manifest locked or changed on disk keeps trying before the answer is 503 (at most 1m)',
      '3s',
    )
    .addOption(new Option('--log-format <format>', 'log lines as text or JSON lines').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      examples([
        "AGENT_ROLLOUT_GUARD_TOKEN=$(cat /run/secrets/guard) agent-rollout guard serve 'agents/*/rollout.json' --flagd-out flags/agents.flagd.json",
        'agent-rollout guard serve --token-file /run/secrets/guard --listen 127.0.0.1:9095 --commit --log-format json',
      ]) +
        '\nExit codes: 0 stopped by SIGTERM or Ctrl-C after finishing the work under way; 2 could not start (no token, ' +
        'an unreadable manifest, a bad option, the address in use).\n',
    )
    .action(async (files: string[], options) => {
      const { guardServeCommand } = await import('../commands/guard-serve.js');
      await run((io) => guardServeCommand(files, options, io));
    });

  guard
    .command('check')
    .summary("evaluate the manifests' alerts now and act as guard serve would (for cron or CI)")
    .description(
      'Evaluate every metrics.alerts entry of each manifest now: prometheus signals with the expressions `export ' +
        "prometheus-rules` writes (same --rate-window; an alert's `for` checked with a range query), http and command " +
        'signals through their sources as the gate reads them. A breaching alert is acted on as `guard serve` would ' +
        '(pause, disable, or a notification), with the actor source guard. A source that fails is reported (fail ' +
        'closed); with --on-error pause the rollout is also paused.',
    )
    .argument('[files...]', 'manifest files or glob patterns (default: ./rollout.json)', [])
    .option('-m, --manifest <path>', 'a manifest to check (repeatable; same as a file argument)', collect)
    .option('--rate-window <duration>', 'the window that replaces $window in the queries, as export prometheus-rules', '5m')
    .addOption(
      new Option('--on-error <action>', 'when a source fails: report only, or also pause').choices(['report', 'pause']).default('report'),
    )
    .option('--dry-run', 'write nothing; exit as it would have')
    .option(
      '--flagd-out <file>',
      'after a change, write the flagd flags of every checked manifest here (inside the current folder, atomically)',
    )
    .option('--context-key <key>', 'as export flagd: the evaluation-context key that holds the organization id', 'orgId')
    .option('--user-key <key>', 'as export flagd: the evaluation-context key matched against the stage audience users', 'userId')
    .option('--commit', 'commit the manifest and its audit trail in their git repository after a change (no push)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      examples([
        "agent-rollout guard check 'agents/*/rollout.json'",
        "agent-rollout guard check 'agents/*/rollout.json' --dry-run --format json",
        'agent-rollout guard check --on-error pause --flagd-out flags.json --commit',
      ]) +
        '\nExit codes: 0 no alert is breaching; 1 at least one is (acted on, already in place, or only notified); ' +
        '2 a source failed or the manifests cannot be read.\n',
    )
    .action(async (files: string[], options) => {
      const { guardCheckCommand } = await import('../commands/guard-check.js');
      await run((io) => guardCheckCommand(files, options, io));
    });
};
