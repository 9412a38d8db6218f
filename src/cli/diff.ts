import { oneManifestOption } from './manifest-option.js';
import { Option } from './commander.js';
import type { CommandDefinition } from './program.js';
import { examples } from './program.js';
import { DIFF_FORMATS } from '../commands/formats.js';

export const defineDiff: CommandDefinition = (program, run) => {
  program
    .command('diff')
    .summary('semantic, risk-annotated diff of two manifests, for review')
    .description(
      'Compare two rollout manifests by meaning, not by text. List items are matched by id (a reordered list is no ' +
        'change; a renamed id is a removal and an addition), changes are grouped by section and object ' +
        '("stage limited-beta: audience 5% → 10%"), and each carries a risk (high, medium, low) and the reason, from ' +
        'the rules in docs/diff-risks.md. A change to state that the audit trail beside HEAD does not record is high. ' +
        'BASE HEAD are two files; --git REF compares the manifest at a git revision with the working tree. A side ' +
        'that does not validate is still compared, with a warning.',
    )
    .argument('[files...]', 'BASE and HEAD; with --git, the manifest in the working tree (default ./rollout.json)')
    .option('--git <ref>', 'compare the manifest at this git revision (e.g. origin/main) with the working tree')
    .addOption(oneManifestOption('diff --git', 'with --git: the manifest (default ./rollout.json)', null))
    .option('--audit <file>', "the audit trail state changes must match (default: rollout.audit.jsonl beside HEAD's manifest)")
    .addOption(new Option('--format <format>', 'output format; markdown is a pull-request comment').choices(DIFF_FORMATS).default('text'))
    .option('--exit-code', 'exit 1 when there are changes (like git diff --exit-code)')
    .addOption(new Option('--fail-on <risk>', 'exit 1 when any change reaches this risk').choices(['high', 'medium', 'low']))
    .addHelpText(
      'after',
      examples([
        'agent-rollout diff old/rollout.json rollout.json',
        'agent-rollout diff --git origin/main                       # ./rollout.json at origin/main vs the working tree',
        'agent-rollout diff --git HEAD~1 -m agents/triage/rollout.json --fail-on high',
        'agent-rollout diff --git origin/main --format markdown > comment.md',
      ]) +
        '\nExit codes: 0 done; 1 with --exit-code: there are changes, with --fail-on: a change reaches that risk;\n2 a side cannot be read or is not JSON (or the ref does not have the file).\n',
    )
    .action(async (files: string[] | undefined, options) => {
      const { diffCommand } = await import('../commands/diff.js');
      await run((io) => diffCommand(files ?? [], options, io));
    });
};
