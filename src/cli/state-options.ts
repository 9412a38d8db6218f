import type { Command } from './commander.js';
import { Option } from './commander.js';
import { STATE_FORMATS } from '../commands/formats.js';
import { manifestsOption, oneManifestOption } from './manifest-option.js';

/**
 * The options every state command shares: the manifest, who acts, why, and the output format.
 * No default for --format: the stored `format` setting applies when it is not given.
 */
export function withStateOptions(
  command: Command,
  options: { reason?: 'required' | 'optional' | 'none'; force?: boolean; several?: boolean } = {},
): Command {
  if (options.several) {
    command
      .argument('[files...]', 'manifest files or glob patterns, each changed on its own (default: ./rollout.json)')
      .addOption(manifestsOption('change'))
      .option('--dry-run', 'show what would change, and write nothing');
  } else {
    command.addOption(oneManifestOption(command.parent?.name() === 'org' ? `org ${command.name()}` : command.name(), 'the manifest'));
  }
  if (options.reason !== 'none') {
    command.option(
      '--actor <name>',
      'who makes the change (default: AGENT_ROLLOUT_ACTOR, `config set actor`, git user.email, the OS user)',
    );
    command.option(
      '--reason <text>',
      options.reason === 'required' ? 'why (required; recorded in the audit trail)' : 'why (recorded in the audit trail)',
    );
  }
  if (options.force) command.option('--force', 'override a refusal (needs --reason)');
  command.addOption(
    new Option('--format <format>', 'output format (default: text, or the stored `format` setting)').choices(STATE_FORMATS),
  );
  return command;
}

export const STATE_EXIT_CODES =
  '\nExit codes: 0 changed, or nothing to change; 2 refused (the message says why and which flag overrides it), bad usage, or an unreadable manifest.\n';

/** The exit codes of a state command that takes several manifests. */
export const SEVERAL_STATE_EXIT_CODES =
  '\nWith file or glob arguments, or several -m, each manifest is changed on its own (locked, journaled, audited); one ' +
  'failing does not stop the others, and a summary lists every manifest with its outcome.\n' +
  '\nExit codes: 0 changed, or nothing to change, for every manifest; 2 refused (the message says why and which flag ' +
  'overrides it), bad usage, or an unreadable manifest, for any of them.\n';
