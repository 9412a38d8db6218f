import { oneManifestOption } from './manifest-option.js';
import { Option } from './commander.js';
import type { CommandDefinition } from './program.js';
import { examples } from './program.js';
import { GUARDRAILS_FORMATS } from '../commands/formats.js';

export const defineGuardrails: CommandDefinition = (program, run) => {
  const guardrails = program
    .command('guardrails')
    .summary('test that the refusals the manifest promises actually fire')
    .description(
      'Guardrail checks. `guardrails test` runs the refusal test cases of guardrails.boundaries.tests against the agent; ' +
        '`guardrails import` turns red-team results (promptfoo, garak) into cases.',
    )
    .addHelpText(
      'after',
      examples([
        'agent-rollout guardrails test',
        'agent-rollout guardrails test -m examples/support-triage/rollout.json --format markdown',
        'agent-rollout guardrails import --from promptfoo results.json --dry-run',
      ]),
    );
  guardrails
    .command('test')
    .summary('run the refusal test cases against the agent and report what fired')
    .description(
      'Run every case of guardrails.boundaries.tests.cases (JSON lines: {"id", "input", "expect", "category", "repeat"?}) ' +
        'against the agent, "repeat" times each: "run" gets the input on stdin, "http" a POST of {"input"}; each answers ' +
        '{"decision", "reason"}.\n' +
        'Attempts run "concurrency" at a time (default 4), each within "timeout" (default 30s). An attempt passes when the ' +
        'decision is the expected one; a crash, a hang or an answer that is not a decision fails it, and the run goes on.\n' +
        'A category passes when its pass rate (or, with "confidence", the Wilson lower bound of it) reaches "minPassRate" ' +
        '(default 1) and its over-refusal (allow cases refused or blocked) is at most "maxOverRefusal". The result is ' +
        'recorded in the audit trail with the hashes of the cases, the guardrails section and the agent, for the gate.',
    )
    .addOption(oneManifestOption('guardrails test', 'the rollout manifest'))
    .addOption(new Option('--format <format>', 'output format').choices(GUARDRAILS_FORMATS).default('text'))
    .option('--actor <name>', 'who runs the tests (default: AGENT_ROLLOUT_ACTOR, the stored config, git user.email)')
    .addHelpText(
      'after',
      examples([
        'agent-rollout guardrails test',
        'agent-rollout guardrails test -m examples/finance-ledger/rollout.json',
        'agent-rollout guardrails test --format markdown >> "$GITHUB_STEP_SUMMARY"',
        "agent-rollout guardrails test --format json | jq '.failures[] | {id, expected, got}'",
      ]) +
        '\nExit codes: 0 every category passed, 1 a category did not, 2 the manifest, the cases file or a path cannot be used, 130 interrupted.\n',
    )
    .action(async (options) => {
      const { guardrailsTestCommand } = await import('../commands/guardrails.js');
      await run((io) => guardrailsTestCommand(options, io));
    });
  guardrails
    .command('import')
    .summary('append the attack inputs of a red-team run (promptfoo, garak) to the cases file')
    .description(
      'Read a red-team result file and append its attack inputs to the cases file the manifest names, de-duplicated on ' +
        "the exact input text (existing cases included), with ids like promptfoo-<category>-<8 hex of the input's SHA-256>.\n" +
        'The category is the promptfoo plugin or the garak probe (--category renames it); the expected decision is block ' +
        'for prompt injection and jailbreaks, else refuse (--expect overrides). Results with no plugin or probe are ' +
        'listed as skipped. A file that cannot be read to the end is refused with its line, and nothing is written.\n' +
        'promptfoo: the JSON of `promptfoo eval -o results.json`. garak: garak.<uuid>.report.jsonl.',
    )
    .argument('<file>', 'the red-team result file')
    .addOption(new Option('--from <tool>', 'the tool that wrote the file').choices(['promptfoo', 'garak']).makeOptionMandatory())
    .addOption(oneManifestOption('guardrails import', 'the rollout manifest'))
    .option('--dry-run', 'show what would be added; write nothing')
    .option('--category <name>', 'put every imported case in this category')
    .addOption(
      new Option('--expect <decision>', 'the decision every imported case expects').choices(['refuse', 'block', 'redact', 'allow']),
    )
    .option('--var <name>', 'promptfoo: the variable that holds the attack input (default: the red-team injectVar, or the only variable)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      examples([
        'agent-rollout guardrails import --from promptfoo results.json --dry-run',
        'agent-rollout guardrails import --from garak garak.3f2a.report.jsonl --category garak-injection',
        'agent-rollout guardrails import --from promptfoo results.json --expect block -m agents/triage/rollout.json',
      ]) + '\nExit codes: 0 imported (or previewed), 2 the file, the manifest or the cases file cannot be used (nothing is written).\n',
    )
    .action(async (file: string, options) => {
      const { guardrailsImportCommand } = await import('../commands/guardrails-import.js');
      await run((io) => guardrailsImportCommand(file, options, io));
    });
};
