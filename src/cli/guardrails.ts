import { Option } from './commander.js';
import type { CommandDefinition } from './program.js';
import { examples } from './program.js';
import { GUARDRAILS_FORMATS } from '../commands/formats.js';

export const defineGuardrails: CommandDefinition = (program, run) => {
  const guardrails = program
    .command('guardrails')
    .summary('test that the refusals the manifest promises actually fire')
    .description('Guardrail checks. `guardrails test` runs the refusal test cases of guardrails.boundaries.tests against the agent.')
    .addHelpText(
      'after',
      examples([
        'agent-rollout guardrails test',
        'agent-rollout guardrails test -m examples/support-triage/rollout.json --format markdown',
      ]),
    );
  guardrails
    .command('test')
    .summary('run the refusal test cases against the agent and report what fired')
    .description(
      'Run every case of guardrails.boundaries.tests.cases (JSON lines: {"id", "input", "expect", "category"}) against ' +
        'the agent: "run" gets the input on stdin, "http" a POST of {"input"}; each answers {"decision", "reason"}.\n' +
        'Cases run "concurrency" at a time (default 4), each within "timeout" (default 30s). A case passes when the ' +
        'decision is the expected one; a crash, a hang or an answer that is not a decision fails that case, and the ' +
        'run goes on. The report is per category; the result is recorded in the audit trail for the gate.',
    )
    .option('-m, --manifest <path>', 'the rollout manifest', 'rollout.json')
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
        '\nExit codes: 0 every case passed, 1 a case failed, 2 the manifest, the cases file or a path cannot be used, 130 interrupted.\n',
    )
    .action(async (options) => {
      const { guardrailsTestCommand } = await import('../commands/guardrails.js');
      await run((io) => guardrailsTestCommand(options, io));
    });
};
