import type { Command } from './commander.js';
import { Option } from './commander.js';
import { STATE_FORMATS } from '../commands/formats.js';

/**
 * The options every state command shares: the manifest, who acts, why, and the output format.
 * No default for --format: the stored `format` setting applies when it is not given.
 */
export function withStateOptions(command: Command, options: { reason?: 'required' | 'optional' | 'none'; force?: boolean } = {}): Command {
  command.option('-m, --manifest <path>', 'the manifest', 'rollout.json');
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
