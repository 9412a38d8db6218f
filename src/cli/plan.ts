import { oneManifestOption } from './manifest-option.js';
import { Option } from './commander.js';
import type { CommandDefinition } from './program.js';
import { examples } from './program.js';
import { PLAN_FORMATS } from '../commands/formats.js';

export const definePlan: CommandDefinition = (program, run) => {
  program
    .command('plan')
    .summary('the staged plan, stage by stage, and what blocks the next step')
    .description(
      'Show the whole rollout as a reviewer reads it, like `terraform plan`: validation findings first; then each ' +
        'stage with its audience, the credentials it holds (+ added, - dropped since the stage before), data access, ' +
        "spend limit beside the cost envelope's estimate, governance mode, minimum duration and samples, and each exit " +
        'criterion in words; the guardrails; the rollback window and steps with the last drill; where the rollout ' +
        'stands; the blast radius per stage; and what blocks the next step. Reads the audit trail beside the manifest.\n' +
        'See docs/plan.md.',
    )
    .addOption(oneManifestOption('plan', 'the rollout manifest'))
    .addOption(new Option('--format <format>', 'output format (default: the stored config, else text)').choices(PLAN_FORMATS))
    .addHelpText(
      'after',
      examples([
        'agent-rollout plan',
        'agent-rollout plan -m examples/finance-ledger/rollout.json',
        'agent-rollout plan --format markdown > plan.md          # for a pull request or a wiki',
        "agent-rollout plan --format json | jq '.blockedBy[].kind'",
      ]) + '\nExit codes: 0 plan shown, 1 the manifest has validation errors (the plan is shown too), 2 unreadable or invalid manifest.\n',
    )
    .action(async (options) => {
      const { planCommand } = await import('../commands/plan.js');
      await run((io) => planCommand(options, io));
    });
};
