import type { Severity } from '../diagnostic.js';

/** What every rule says about itself: shown by `validate`, in SARIF rule metadata and in docs/rules.md. */
export interface RuleMeta {
  id: string;
  /** kebab-case name, stable like the id. */
  name: string;
  severity: Severity;
  /** One line: what the rule checks. */
  summary: string;
  /** Why it matters and how to fix a finding. */
  help: string;
}

/**
 * Every rule, in id order. AR0xx: the file could not be read as a manifest. AR1xx: the manifest
 * is not safe or not coherent. docs/rules.md has a section, with a failing and a passing example,
 * for each id here; a test keeps the two in step.
 */
export const RULES = [
  {
    id: 'AR001',
    name: 'invalid-json',
    severity: 'error',
    summary: 'The file is not valid JSON.',
    help: 'Fix the syntax at the position shown: JSON has no comments, no trailing commas and no unquoted keys.',
  },
  {
    id: 'AR002',
    name: 'duplicate-key',
    severity: 'error',
    summary: 'An object has the same key twice.',
    help: 'JSON parsers silently keep the last value, so a reviewer may read the other one. Remove one of the two.',
  },
  {
    id: 'AR003',
    name: 'manifest-version',
    severity: 'error',
    summary: 'The manifest has no version, or a version this agent-rollout does not read.',
    help: 'Add "version": 1 at the top of the manifest; for a newer version, upgrade agent-rollout.',
  },
  {
    id: 'AR004',
    name: 'unreadable-file',
    severity: 'error',
    summary: 'The file cannot be read: missing, a directory, not permitted, or too large.',
    help: 'Check the path and permissions; manifests are limited to 10 MB.',
  },
  {
    id: 'AR005',
    name: 'invalid-encoding',
    severity: 'error',
    summary: 'The file is not UTF-8.',
    help: 'Save the file as UTF-8 (JSON files must be UTF-8).',
  },
  {
    id: 'AR006',
    name: 'nesting-too-deep',
    severity: 'error',
    summary: 'Objects and arrays are nested deeper than any manifest needs.',
    help: 'A manifest is at most a few levels deep; this file is probably not a manifest.',
  },
  {
    id: 'AR007',
    name: 'number-out-of-range',
    severity: 'error',
    summary: 'A number is too large to represent.',
    help: 'Use a number between -1.7e308 and 1.7e308.',
  },
  {
    id: 'AR008',
    name: 'not-an-object',
    severity: 'error',
    summary: 'The top-level value is not a JSON object.',
    help: 'A manifest is an object: { "version": 1, "agent": ..., ... }. Run `agent-rollout init` for a template.',
  },
  {
    id: 'AR100',
    name: 'schema',
    severity: 'error',
    summary: 'The manifest does not match schemas/rollout.v1.schema.json.',
    help: 'Fix the value at the position shown; an editor that reads "$schema" shows what each field takes.',
  },
  {
    id: 'AR101',
    name: 'unresolved-reference',
    severity: 'error',
    summary: 'A reference names something the manifest does not declare.',
    help: 'Declare the target (credential, signal, source, stage, data class) or fix the name.',
  },
  {
    id: 'AR102',
    name: 'duplicate-id',
    severity: 'error',
    summary: 'Two entries of one list share an id.',
    help: 'Ids identify entries in references, diffs and reports; give each entry its own.',
  },
  {
    id: 'AR103',
    name: 'literal-secret',
    severity: 'error',
    summary: 'A literal secret (API key, token, password) is in the manifest.',
    help: 'Revoke the secret now (it is in git history), keep it in a secret store, and reference it with secretRef: env:NAME, vault:path, op://vault/item/field or file:path.',
  },
  {
    id: 'AR104',
    name: 'secret-ref-format',
    severity: 'error',
    summary: 'A secretRef is not a reference.',
    help: 'Write where the secret lives, not the secret: env:NAME, vault:path, op://vault/item/field or file:path.',
  },
  {
    id: 'AR105',
    name: 'stage-credential-not-in-inventory',
    severity: 'error',
    summary: 'A stage holds a credential the inventory does not declare.',
    help: 'Least privilege starts with knowing what the agent holds: add the credential to inventory.credentials (with its scopes and how it is revoked) or remove it from the stage.',
  },
  {
    id: 'AR106',
    name: 'first-stage-production-data',
    severity: 'warning',
    summary: 'The first stage works on production data.',
    help: 'Point the pilot at staging or a read-only replica of production; move to production in a later stage.',
  },
  {
    id: 'AR107',
    name: 'first-stage-write-credential',
    severity: 'warning',
    summary: 'The first stage holds a credential with write or admin access.',
    help: 'Give the pilot read-only credentials and add write access in a later stage, once the pilot has shown what the agent does.',
  },
  {
    id: 'AR108',
    name: 'missing-exit-criteria',
    severity: 'error',
    summary: 'A stage before the last has no exit criteria.',
    help: 'Without explicit go/no-go criteria, expanding is decided on optimism: add exitCriteria (e.g. security_events max 0).',
  },
  {
    id: 'AR109',
    name: 'full-audience-not-enforced',
    severity: 'error',
    summary: 'A stage whose audience reaches 100% is not in enforce mode.',
    help: 'Switching to enforce mode before broad rollout is a hard requirement: set "governanceMode": "enforce".',
  },
  {
    id: 'AR110',
    name: 'later-stage-observe',
    severity: 'warning',
    summary: 'A stage after the first is in observe mode.',
    help: 'Observe mode is for calibrating guardrails in the earliest pilot; enforce from the second stage on.',
  },
  {
    id: 'AR111',
    name: 'undeclared-data-class',
    severity: 'error',
    summary: 'A tool or guardrail names a data class that inventory.dataClasses does not declare.',
    help: 'Declare the class in inventory.dataClasses with its access, so reviewers see every class the agent touches.',
  },
  {
    id: 'AR112',
    name: 'sensitive-data-uninspected',
    severity: 'error',
    summary: 'The agent can read a sensitive data class that output inspection does not cover.',
    help: 'Add the class to guardrails.output.dataClasses so responses are checked before they leave the agent.',
  },
  {
    id: 'AR113',
    name: 'credential-not-revocable',
    severity: 'error',
    summary: 'Nothing says how a credential is revoked.',
    help: 'Add a rollback step with "credential": "<id>" that revokes it, or a "revoke" entry (command or runbook) on the credential.',
  },
  {
    id: 'AR114',
    name: 'credential-not-independently-revocable',
    severity: 'warning',
    summary: 'A credential cannot be revoked without revoking something else.',
    help: 'Issue the agent its own credential, so it can be cut off without taking down other systems.',
  },
  {
    id: 'AR115',
    name: 'spend-limit-below-estimate',
    severity: 'warning',
    summary: "A stage's spend limit is below the cost envelope's daily estimate for its audience.",
    help: 'The agent will hit its limit: raise spendLimit.usdPerDay or revise the cost envelope.',
  },
  {
    id: 'AR116',
    name: 'spend-limit-far-above-estimate',
    severity: 'warning',
    summary: "A stage's spend limit is more than 3 times the cost envelope's daily estimate.",
    help: 'Set spend limits close to the expected cost, so runaway spend is stopped early.',
  },
  {
    id: 'AR117',
    name: 'rollback-step-without-timeout',
    severity: 'error',
    summary: 'A rollback step that runs a command has no timeout.',
    help: 'A rollback must fit in its window: give each command step a "timeout" (e.g. "30s").',
  },
  {
    id: 'AR118',
    name: 'drill-without-rollback',
    severity: 'error',
    summary: 'A criterion asks for a rollback drill but the manifest has no rollback section.',
    help: 'Add a rollback section (window, steps, verify) so the drill has something to run.',
  },
  {
    id: 'AR119',
    name: 'missing-rollback',
    severity: 'warning',
    summary: 'The manifest has no rollback section.',
    help: 'A rollback capability you have never exercised is a hope: describe how to switch the agent off and revoke its credentials.',
  },
  {
    id: 'AR120',
    name: 'too-few-stages',
    severity: 'warning',
    summary: 'The rollout has fewer than three stages.',
    help: 'Roll out in at least three stages (internal pilot, limited beta, general availability).',
  },
  {
    id: 'AR121',
    name: 'state-drift',
    severity: 'warning',
    summary: "The manifest's state differs from the state its audit trail (rollout.audit.jsonl beside it) last recorded.",
    help: 'State is changed with agent-rollout commands (pause, resume, enable, disable, rollback, org, mode, advance), each of which writes an audit entry. Undo the hand edit and make the change with the command; `agent-rollout audit verify` shows the difference.',
  },
  {
    id: 'AR122',
    name: 'url-credentials',
    severity: 'error',
    summary:
      'A URL agent-rollout sends requests to (a metric source, the guardrails endpoint, a rollback probe) has a user name or password in it.',
    help: 'Remove the user name and password from the URL and send the credential in a header read from the environment, e.g. "headers": {"Authorization": "env:PROM_AUTH_HEADER"}; revoke the password if it was real.',
  },
  {
    id: 'AR123',
    name: 'hidden-characters',
    severity: 'error',
    summary:
      'A key or string holds a bidirectional, invisible or control character: an error where the value is run, queried or fetched, a warning in prose.',
    help: 'Retype the value without the character (agent-rollout shows it escaped, e.g. \\u202e). Bidirectional and invisible characters make what a reviewer reads differ from what runs ("Trojan source").',
  },
  {
    id: 'AR124',
    name: 'notify-url-in-manifest',
    severity: 'warning',
    summary: 'A notification sink whose URL is likely a secret is written into the manifest.',
    help: 'A Slack webhook URL, or a URL with a query string or a password, lets anyone who reads it post as the sink. Keep it in the environment and write "url": "env:NAME".',
  },
  {
    id: 'AR125',
    name: 'disable-alert-not-exported',
    severity: 'warning',
    summary: 'An alert with "action": "disable" watches a signal that is not read from Prometheus.',
    help: 'Only prometheus signals become alerting rules, so Alertmanager never sends this alert and `agent-rollout guard serve` never switches the agent off for it; only `agent-rollout guard check` (cron or CI) acts on it. Read the signal from Prometheus, or run guard check often.',
  },
  {
    id: 'AR126',
    name: 'guardrail-case-invalid',
    severity: 'error',
    summary: 'A line of the guardrail cases file (guardrails.boundaries.tests.cases) is not a valid case.',
    help: 'Each line is {"id", "input", "expect": "refuse"|"allow"|"block"|"redact", "category", "repeat"?}: a unique id, a non-empty input, and "repeat" a whole number from 1 to 1000 when given.',
  },
  {
    id: 'AR127',
    name: 'guardrail-cases-unreadable',
    severity: 'warning',
    summary: 'The guardrail cases file or the agent prompt file the manifest names cannot be read.',
    help: 'Add the file, or fix the path: it is relative to the manifest and must stay inside its folder. `guardrails test` and the gate need it.',
  },
  {
    id: 'AR128',
    name: 'pass-rate-unreachable',
    severity: 'warning',
    summary: 'A guardrail category asks for a confidence bound with a minimum pass rate of 1, which no number of attempts can reach.',
    help: 'The Wilson lower bound is below 1 for any finite number of attempts: lower minPassRate (e.g. 0.95) or drop confidence.',
  },
  {
    id: 'AR129',
    name: 'guardrails-criterion-without-tests',
    severity: 'error',
    summary: 'An exit criterion asks for passing guardrail tests, but the manifest has no refusal tests.',
    help: 'Add guardrails.boundaries.tests (a cases file and how to ask the agent) so `agent-rollout guardrails test` has something to run.',
  },
  {
    id: 'AR130',
    name: 'revoked-credential-not-restored',
    severity: 'warning',
    summary: 'A rollback step revokes a credential that no restore step names, so a drill leaves it revoked.',
    help: 'A drill runs the rollback for real: a revoked token stays revoked until something issues it again. Add a restore step with the same "credential" that re-issues it (or a manual step that says how), so the drill ends with the agent able to run.',
  },
  {
    id: 'AR131',
    name: 'signal-coverage-incomplete',
    severity: 'warning',
    summary:
      'A category of signals the practice requires before leaving the first stage has no signal that measures it with an attribution.',
    help: 'Give a signal in metrics.signals "measures": "<category>" and "attribution": "<the label naming the user, workflow or integration>"; docs/signals.md lists the categories and why each is needed.',
  },
  {
    id: 'AR132',
    name: 'signal-template-invalid',
    severity: 'error',
    summary:
      'A signal asks its source for something that cannot be asked: an unknown placeholder, a body that is not JSON, no pointer, or $tokenCost without prices.',
    help: 'The placeholders are $window, $start, $end, $startEpoch, $endEpoch, $startMs and $endMs ($$ for a literal $); a body goes with "method": "POST" and must be JSON once they are replaced; an http signal needs "pointer", or "timesPointer" with "valuesPointer"; $tokenCost needs metrics.tokenPrices. docs/signals.md has recipes.',
  },
] as const satisfies readonly RuleMeta[];

export type RuleId = (typeof RULES)[number]['id'];

const byId = new Map<string, RuleMeta>(RULES.map((rule) => [rule.id, rule]));

/** The metadata of a rule id. */
export function ruleMeta(id: RuleId): RuleMeta {
  return byId.get(id) as RuleMeta;
}
