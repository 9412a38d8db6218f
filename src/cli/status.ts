import type { StatusFormat } from '../commands/formats.js';
import { STATUS_FORMATS } from '../commands/formats.js';
import { Option } from './commander.js';
import { manifestsOption } from './manifest-option.js';
import type { CommandDefinition } from './program.js';
import { examples } from './program.js';

interface StatusOptions {
  manifest?: string[];
  format?: StatusFormat;
  owner?: string;
  stage?: string;
  org?: string;
}

export const defineStatus: CommandDefinition = (program, run) => {
  program
    .command('status')
    .summary('where the rollout stands; over several manifests, the fleet (one row per agent) or one org (--org)')
    .description(
      'Show where the rollout stands, in a few lines to paste into chat: enabled or not, the stage and since when, ' +
        'the governance mode (global and per org), the pause, the last gate and the last drill with their age, ' +
        'the org overrides, and whether the audit trail agrees with the manifest.\n' +
        'With file or glob arguments, or several -m, the fleet: one row per agent (stage, switch, mode, pause, last ' +
        'gate, drill, guardrail tests, the earliest time it may advance, trail health, blockers), those needing ' +
        'attention first; a manifest that cannot be read is a row saying why. --org ORG says, per agent, whether that ' +
        'org gets it now and why, as the exported flagd flags decide. --format html writes the board: one ' +
        'self-contained page. Status never queries metric sources.',
    )
    .argument('[files...]', 'manifest files or glob patterns: the fleet shape (default: ./rollout.json, one agent)')
    .addOption(manifestsOption('show'))
    .addOption(
      new Option(
        '--format <format>',
        'output format (default: text, or the stored `format` setting); markdown and html show the fleet shape',
      ).choices(STATUS_FORMATS),
    )
    .option('--owner <team>', 'only the agents of this owner (agent.owner)')
    .option('--stage <stage>', 'only the agents at this stage (state.stage)')
    .option('--org <org>', 'what this organization gets of each agent: on or off, why, and its governance mode')
    .addHelpText(
      'after',
      examples([
        'agent-rollout status',
        'agent-rollout status -m agents/support/rollout.json',
        'agent-rollout status --format json | jq .stage',
        "agent-rollout status 'agents/*/rollout.json'                 # the fleet, attention first",
        "agent-rollout status 'agents/*/rollout.json' --owner payments-team --stage pilot",
        "agent-rollout status 'agents/*/rollout.json' --org acme      # what acme gets of every agent",
        "agent-rollout status 'agents/*/rollout.json' --format html > board.html",
      ]) + '\nExit codes: 0 when every manifest can be read; 2 when one cannot (the fleet listing still shows the others).\n',
    )
    .action(async (files: string[], options: StatusOptions) => {
      const manifests = options.manifest ?? [];
      const fleet =
        files.length > 0 ||
        manifests.length > 1 ||
        options.org !== undefined ||
        options.owner !== undefined ||
        options.stage !== undefined ||
        options.format === 'markdown' ||
        options.format === 'html';
      if (fleet) {
        const { fleetStatusCommand } = await import('../commands/status-fleet.js');
        await run((io) => fleetStatusCommand({ ...options, files, manifest: manifests }, io));
      } else {
        const { statusCommand } = await import('../commands/status.js');
        const format = options.format === 'json' || options.format === 'text' ? options.format : undefined;
        await run((io) => statusCommand({ manifest: manifests[0] ?? 'rollout.json', ...(format ? { format } : {}) }, io));
      }
    });
};
