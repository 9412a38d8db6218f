import { Argument } from './commander.js';
import type { StateCommandOptions } from '../commands/state-change.js';
import type { CommandDefinition } from './program.js';
import { examples } from './program.js';
import { SEVERAL_STATE_EXIT_CODES, STATE_EXIT_CODES, withStateOptions } from './state-options.js';

export const defineOrg: CommandDefinition = (program, run) => {
  const org = program
    .command('org')
    .summary('per-organization overrides: enable, disable, mode, clear')
    .description('Override state.enabled and the governance mode for one organization (state.orgs), each change with an audit entry.')
    .addHelpText(
      'after',
      examples([
        'agent-rollout org disable acme --reason "customer asked to opt out"',
        'agent-rollout org enable beta-co',
        'agent-rollout org mode beta-co enforce',
        'agent-rollout org clear beta-co',
      ]) + STATE_EXIT_CODES,
    );

  const action =
    (change: 'enable' | 'disable' | 'clear') =>
    async (name: string, options: StateCommandOptions): Promise<void> => {
      const { orgCommand } = await import('../commands/org.js');
      await run((io) => orgCommand({ change, org: name }, options, io));
    };
  /** enable and disable take manifest files after the org. */
  const severalAction =
    (change: 'enable' | 'disable') =>
    async (name: string, files: string[], options: StateCommandOptions): Promise<void> => {
      const { orgCommand } = await import('../commands/org.js');
      await run((io) => orgCommand({ change, org: name }, { ...options, files }, io));
    };

  withStateOptions(
    org
      .command('enable')
      .description('Turn the agent on for one organization (state.orgs.ORG.enabled true).')
      .argument('<org>', 'the organization'),
    { reason: 'optional', several: true },
  )
    .addHelpText(
      'after',
      examples([
        'agent-rollout org enable beta-co --reason "signed the beta agreement"',
        "agent-rollout org enable beta-co 'agents/*/rollout.json' --dry-run",
      ]) + SEVERAL_STATE_EXIT_CODES,
    )
    .action(severalAction('enable'));
  withStateOptions(
    org
      .command('disable')
      .description('Turn the agent off for one organization (state.orgs.ORG.enabled false).')
      .argument('<org>', 'the organization'),
    { reason: 'optional', several: true },
  )
    .addHelpText(
      'after',
      examples([
        'agent-rollout org disable acme --reason "customer asked to opt out"',
        'agent-rollout org disable acme \'agents/*/rollout.json\' --reason "contract ended"   # cut acme off every agent',
      ]) + SEVERAL_STATE_EXIT_CODES,
    )
    .action(severalAction('disable'));
  withStateOptions(
    org
      .command('mode')
      .description(
        'Set the governance mode for one organization. observe is refused in a stage whose audience reaches 100% unless --force --reason.',
      )
      .argument('<org>', 'the organization')
      .addArgument(new Argument('<mode>', 'the governance mode').choices(['observe', 'enforce'])),
    { reason: 'optional', force: true },
  )
    .addHelpText(
      'after',
      examples([
        'agent-rollout org mode beta-co enforce',
        'agent-rollout org mode beta-co observe --reason "calibrating their custom guardrails"',
      ]) + STATE_EXIT_CODES,
    )
    .action(async (name: string, governanceMode: 'observe' | 'enforce', options: StateCommandOptions) => {
      const { orgCommand } = await import('../commands/org.js');
      await run((io) => orgCommand({ change: 'mode', org: name, mode: governanceMode }, options, io));
    });
  withStateOptions(
    org
      .command('clear')
      .description("Remove one organization's overrides: it follows the global state again.")
      .argument('<org>', 'the organization'),
    { reason: 'optional' },
  )
    .addHelpText('after', examples(['agent-rollout org clear beta-co']) + STATE_EXIT_CODES)
    .action(action('clear'));
};
