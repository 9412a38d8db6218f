import { oneManifestOption } from './manifest-option.js';
import { Option } from './commander.js';
import type { CommandDefinition } from './program.js';
import { examples } from './program.js';
import { DRILL_FORMATS } from '../commands/formats.js';

export const defineDrill: CommandDefinition = (program, run) => {
  program
    .command('drill')
    .summary('run the rollback drill, timed against rollback.window')
    .description(
      "Run the manifest's rollback for real: rollback.steps in order, then the rollback.verify probes, timed from the " +
        'first step to the last probe passing against rollback.window; then rollback.restore puts the drill environment ' +
        "back. Commands run without a shell in the manifest's folder; a step that outlives its timeout is killed with its " +
        'children. Manual steps wait for confirmation at the terminal. Every event goes to drills/<id>.journal.jsonl as it ' +
        'happens; the report goes to drills/<id>.report.json and .report.md, and the result to the audit trail.\n' +
        'Ctrl-C stops the current step, restores and reports (exit 130); a second Ctrl-C exits at once.',
    )
    .addOption(oneManifestOption('drill', 'the rollout manifest'))
    .addOption(new Option('--format <format>', 'format of the final report on standard output').choices(DRILL_FORMATS).default('text'))
    .option('--dry-run', 'print what would run, in order, with timeouts and the window; run nothing, write nothing')
    .option('--confirm-manual', 'record manual steps as confirmed by the actor without a prompt (a drill without a terminal)')
    .option('--no-restore', 'leave the drill environment as the rollback left it: skip rollback.restore')
    .option('--actor <name>', 'who runs the drill (default: AGENT_ROLLOUT_ACTOR, the stored config, git user.email)')
    .option('--reason <text>', 'why the drill is run, recorded in the audit entry')
    .addHelpText(
      'after',
      examples([
        'agent-rollout drill --dry-run                              # what would run, with timeouts and the window',
        'agent-rollout drill                                        # in a terminal: manual steps are confirmed at a prompt',
        'agent-rollout drill -m examples/support-triage/rollout.json --confirm-manual --format json',
        'agent-rollout drill --confirm-manual --format markdown > drill.md   # in CI, for the pull request',
      ]) +
        '\nExit codes: 0 the drill passed and the restore succeeded, 1 the drill failed (a step, a probe or the window)\nor the restore failed, 2 the manifest or the plan cannot be used, 130 interrupted.\n',
    )
    .action(async (options) => {
      const { drillCommand } = await import('../commands/drill.js');
      await run((io) => drillCommand(options, io));
    });
};
