import type { Command } from './commander.js';
import { Option } from './commander.js';
import type { CommandDefinition } from './program.js';
import { examples } from './program.js';
import { oneManifestOption } from './manifest-option.js';
import { STATE_FORMATS } from '../commands/formats.js';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** -m and --format on `audit` itself or on `audit verify`: `audit -m x verify` and `audit verify -m x` both work. */
function manifestAndFormat(command: Command): Command {
  return command
    .addOption(
      oneManifestOption('audit', 'the manifest (its audit trail is rollout.audit.jsonl beside it) (default: "rollout.json")', null),
    )
    .addOption(new Option('--format <format>', 'output format (default: text, or the stored `format` setting)').choices(STATE_FORMATS));
}

export const defineAudit: CommandDefinition = (program, run) => {
  const audit = manifestAndFormat(
    program
      .command('audit')
      .summary('the audit trail, newest first; `audit verify` checks its integrity')
      .description(
        'List the audit trail (rollout.audit.jsonl beside the manifest), newest first: who changed what, when and why, ' +
          'and the gates, drills and guardrail tests recorded. `audit verify` checks that no line was edited, dropped, ' +
          "inserted or reordered, and that the manifest's state is the one the trail last recorded.",
      ),
  )
    .option('--since <when>', 'only entries since a duration ago (7d, 12h) or a date (2026-11-01)')
    .option('--action <action>', 'only entries with this action (repeat, or a comma-separated list)', collect)
    .addHelpText(
      'after',
      examples([
        'agent-rollout audit',
        'agent-rollout audit --since 7d --action advance,rollback',
        'agent-rollout audit --format json | jq ".entries[0]"',
        'agent-rollout audit verify',
      ]) + '\nExit codes: 0 listed; 2 bad usage or an unreadable manifest.\n',
    )
    .action(async (options) => {
      const { auditCommand } = await import('../commands/audit.js');
      await run((io) => auditCommand({ ...options, manifest: options.manifest ?? 'rollout.json' }, io));
    });

  manifestAndFormat(
    audit
      .command('verify')
      .description(
        'Check the audit trail: every line an entry as written, each hash matching its content, each prev the hash of the ' +
          'line before (an edited, dropped, inserted or reordered line is named by its line number; a cut-off last line too), ' +
          "each state change starting where the one before ended, and the manifest's current state equal to the state " +
          'the last state change recorded (a hand edit of state is reported). A manifest without a trail yet is clean.',
      ),
  )
    .addHelpText(
      'after',
      examples(['agent-rollout audit verify', 'agent-rollout audit verify -m agents/support/rollout.json --format json']) +
        '\nExit codes: 0 intact; 1 findings; 2 an unreadable manifest.\n',
    )
    .action(async (options: { manifest?: string; format?: 'text' | 'json' }) => {
      const parent = audit.opts<{ manifest?: string; format?: 'text' | 'json' }>();
      const manifest = options.manifest ?? parent.manifest ?? 'rollout.json';
      const format = options.format ?? parent.format;
      const { auditVerifyCommand } = await import('../commands/audit.js');
      await run((io) => auditVerifyCommand({ manifest, ...(format ? { format } : {}) }, io));
    });
};
