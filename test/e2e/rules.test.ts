import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RULES } from '../../src/manifest/rules/catalog.js';
import { chainEntry } from '../../src/state/audit.js';
import { EXAMPLES, parseJsonOutput, runCli, tempDir, writeFiles } from '../helpers/cli.js';

type Doc = Record<string, any>;

interface RuleCase {
  rule: string;
  /** Breaks the support example so that the rule fires at `pointer`. */
  fail: (m: Doc) => void;
  pointer: string;
  /** A near miss that must not fire (default: the example itself). */
  pass?: (m: Doc) => void;
  /** An audit trail beside both manifests, made from the unbroken example (the case then gets folders of its own). */
  audit?: (original: Doc) => string;
  /** Files beside the failing and the passing manifest (the case then gets folders of its own). */
  files?: { fail: Record<string, string>; pass: Record<string, string> };
}

/** A trail whose one entry recorded the example's state: an edit of state without an entry drifts from it. */
function trailRecordingState(original: Doc): string {
  const entry = chainEntry(
    {
      at: '2026-11-16T09:00:00Z',
      actor: 'alice@example.com',
      action: 'enable',
      before: { ...original.state, enabled: false },
      after: original.state,
      reason: null,
      manifestSha256: '0'.repeat(64),
      tool: { name: 'agent-rollout', version: '0.1.0' },
    },
    undefined,
  );
  return `${JSON.stringify(entry)}\n`;
}

const AWS_KEY_ID = 'AKIA' + 'Q3EXAMPLE7NOTREAL'.slice(0, 16);

const CASES: RuleCase[] = [
  { rule: 'AR100', fail: (m) => (m.agent.ownr = 'typo'), pointer: '/agent/ownr', pass: (m) => (m.agent.owner = 'fixed') },
  {
    rule: 'AR100',
    fail: (m) => (m.stages[1].audience.percent = 120),
    pointer: '/stages/1/audience/percent',
    pass: (m) => (m.stages[1].audience.percent = 100),
  },
  {
    rule: 'AR100',
    fail: (m) => (m.rollback.window = '10 minutes'),
    pointer: '/rollback/window',
    pass: (m) => (m.rollback.window = '1h30m'),
  },
  {
    rule: 'AR100',
    fail: (m) => (m.stages[0].exitCriteria[0] = { id: 'no-test', signal: 'security_events' }),
    pointer: '/stages/0/exitCriteria/0',
  },
  { rule: 'AR100', fail: (m) => (m.stages[0].exitCriteria[1].withinPercent = undefined), pointer: '/stages/0/exitCriteria/1' },
  { rule: 'AR101', fail: (m) => (m.inventory.tools[0].credential = 'zendesk-rw'), pointer: '/inventory/tools/0/credential' },
  { rule: 'AR101', fail: (m) => (m.stages[0].exitCriteria[0].signal = 'security_event'), pointer: '/stages/0/exitCriteria/0/signal' },
  { rule: 'AR101', fail: (m) => (m.metrics.signals.invocations.source = 'prometheus'), pointer: '/metrics/signals/invocations/source' },
  {
    rule: 'AR101',
    fail: (m) => (m.stages[0].exitCriteria[1].of = 'inventory.costEnvelope.usdPerCall'),
    pointer: '/stages/0/exitCriteria/1/of',
    pass: (m) => (m.stages[0].exitCriteria[1].of = 'inventory.costEnvelope.usdPerInvocation'),
  },
  { rule: 'AR101', fail: (m) => (m.stages[0].exitCriteria[1].of = 'agent.name'), pointer: '/stages/0/exitCriteria/1/of' },
  { rule: 'AR101', fail: (m) => (m.state.stage = 'beta'), pointer: '/state/stage', pass: (m) => (m.state.stage = 'limited-beta') },
  { rule: 'AR101', fail: (m) => (m.rollback.steps[1].credential = 'zendesk'), pointer: '/rollback/steps/1/credential' },
  { rule: 'AR101', fail: (m) => (m.metrics.sampleSignal = 'calls'), pointer: '/metrics/sampleSignal' },
  { rule: 'AR101', fail: (m) => (m.metrics.alerts[0].signal = 'guardrail_rate'), pointer: '/metrics/alerts/0/signal' },
  { rule: 'AR102', fail: (m) => m.inventory.credentials.push({ ...m.inventory.credentials[0] }), pointer: '/inventory/credentials/3/id' },
  { rule: 'AR102', fail: (m) => (m.stages[2].id = 'limited-beta'), pointer: '/stages/2/id' },
  { rule: 'AR102', fail: (m) => (m.stages[0].exitCriteria[2].id = m.stages[0].exitCriteria[0].id), pointer: '/stages/0/exitCriteria/2/id' },
  { rule: 'AR102', fail: (m) => (m.rollback.verify[1].id = m.rollback.verify[0].id), pointer: '/rollback/verify/1/id' },
  {
    rule: 'AR102',
    fail: (m) =>
      (m.notify = {
        sinks: [
          { id: 'rollout-channel', url: 'env:ROLLOUT_SLACK_URL', format: 'slack', events: ['pause'] },
          { id: 'rollout-channel', url: 'env:INCIDENTS_URL', format: 'json', events: ['disable'] },
        ],
      }),
    pointer: '/notify/sinks/1/id',
    pass: (m) =>
      (m.notify = {
        sinks: [
          { id: 'rollout-channel', url: 'env:ROLLOUT_SLACK_URL', format: 'slack', events: ['pause'] },
          { id: 'incidents', url: 'env:INCIDENTS_URL', format: 'json', events: ['disable'] },
        ],
      }),
  },
  {
    rule: 'AR103',
    fail: (m) => (m.inventory.tools[0].endpoint = `https://mcp.internal.example/zendesk?key=${AWS_KEY_ID}`),
    pointer: '/inventory/tools/0/endpoint',
  },
  {
    rule: 'AR103',
    fail: (m) => (m.rollback.steps[0].env = { API_TOKEN: 'xoxb-' + '1234567890-0987654321-' + 'AbCdEfGhIjKlMnOpQrStUvWx' }),
    pointer: '/rollback/steps/0/env/API_TOKEN',
  },
  {
    rule: 'AR104',
    fail: (m) => (m.inventory.credentials[0].secretRef = 'zendesk-token'),
    pointer: '/inventory/credentials/0/secretRef',
    pass: (m) => (m.inventory.credentials[0].secretRef = 'op://support/zendesk/token'),
  },
  { rule: 'AR105', fail: (m) => m.stages[0].credentials.push('admin-token'), pointer: '/stages/0/credentials/2' },
  {
    rule: 'AR106',
    fail: (m) => (m.stages[0].dataAccess = 'production'),
    pointer: '/stages/0/dataAccess',
    pass: (m) => (m.stages[0].dataAccess = 'read-only-replica'),
  },
  { rule: 'AR107', fail: (m) => m.stages[0].credentials.push('slack-bot'), pointer: '/stages/0/credentials/2' },
  {
    rule: 'AR107',
    fail: (m) => m.inventory.credentials[1].scopes.push('kb.articles.write'),
    pointer: '/stages/0/credentials/1',
    pass: (m) => m.inventory.credentials[1].scopes.push('kb.articles.list'),
  },
  {
    rule: 'AR107',
    fail: (m) => {
      m.inventory.credentials[1].access = undefined;
      m.inventory.credentials[1].scopes.push('kb.articles.admin');
    },
    pointer: '/stages/0/credentials/1',
    pass: (m) => (m.inventory.credentials[1].access = undefined),
  },
  { rule: 'AR108', fail: (m) => (m.stages[1].exitCriteria = []), pointer: '/stages/1', pass: (m) => (m.stages[2].exitCriteria = []) },
  {
    rule: 'AR108',
    fail: (m) => m.stages[1].exitCriteria.forEach((c: Doc) => (c.observe = true)),
    pointer: '/stages/1',
    pass: (m) => m.stages[1].exitCriteria.slice(1).forEach((c: Doc) => (c.observe = true)),
  },
  {
    rule: 'AR109',
    fail: (m) => (m.stages[2].governanceMode = 'observe'),
    pointer: '/stages/2/governanceMode',
    pass: (m) => (m.stages[2].audience.percent = 99),
  },
  {
    rule: 'AR109',
    fail: (m) => (m.state.stage = 'general-availability'),
    pointer: '/state/governanceMode',
    pass: (m) => {
      m.state.stage = 'general-availability';
      m.state.governanceMode = 'enforce';
    },
  },
  { rule: 'AR110', fail: (m) => (m.stages[1].governanceMode = 'observe'), pointer: '/stages/1/governanceMode' },
  { rule: 'AR111', fail: (m) => m.inventory.tools[1].dataClasses.push('contracts'), pointer: '/inventory/tools/1/dataClasses/1' },
  { rule: 'AR111', fail: (m) => m.guardrails.output.dataClasses.push('health'), pointer: '/guardrails/output/dataClasses/1' },
  {
    rule: 'AR112',
    fail: (m) => (m.guardrails.output.dataClasses = []),
    pointer: '/inventory/dataClasses/0',
    pass: (m) => {
      m.guardrails.output.dataClasses = [];
      m.inventory.dataClasses[0].access = 'write';
    },
  },
  {
    rule: 'AR113',
    fail: (m) => {
      m.rollback.steps.splice(1, 1);
      delete m.inventory.credentials[0].revoke;
    },
    pointer: '/inventory/credentials/0',
    pass: (m) => {
      m.rollback.steps.splice(1, 1);
      m.inventory.credentials[0].revoke = { runbook: 'docs/revoke-zendesk.md' };
    },
  },
  {
    rule: 'AR113',
    fail: (m) => {
      m.rollback.steps.splice(1, 1);
      delete m.inventory.credentials[0].revoke;
    },
    pointer: '/inventory/credentials/0',
    pass: (m) => delete m.inventory.credentials[0].revoke,
  },
  {
    rule: 'AR114',
    fail: (m) => (m.inventory.credentials[2].independentlyRevocable = false),
    pointer: '/inventory/credentials/2/independentlyRevocable',
  },
  {
    rule: 'AR115',
    fail: (m) => (m.stages[2].spendLimit.usdPerDay = 39.99),
    pointer: '/stages/2/spendLimit/usdPerDay',
    pass: (m) => (m.stages[2].spendLimit.usdPerDay = 40),
  },
  {
    rule: 'AR116',
    fail: (m) => (m.stages[2].spendLimit.usdPerDay = 120.01),
    pointer: '/stages/2/spendLimit/usdPerDay',
    pass: (m) => (m.stages[2].spendLimit.usdPerDay = 120),
  },
  { rule: 'AR117', fail: (m) => delete m.rollback.steps[0].timeout, pointer: '/rollback/steps/0' },
  { rule: 'AR117', fail: (m) => delete m.rollback.restore[0].timeout, pointer: '/rollback/restore/0' },
  { rule: 'AR118', fail: (m) => delete m.rollback, pointer: '/stages/2/exitCriteria/2/drill' },
  { rule: 'AR119', fail: (m) => delete m.rollback, pointer: '', pass: (m) => (m.rollback.verify = []) },
  { rule: 'AR120', fail: (m) => m.stages.splice(1, 1), pointer: '/stages' },
  {
    rule: 'AR121',
    audit: trailRecordingState,
    fail: (m) => (m.state.enabled = false),
    pointer: '/state',
    pass: (m) => (m.inventory.costEnvelope.invocationsPerDay += 1),
  },
  {
    rule: 'AR122',
    fail: (m) => (m.metrics.sources.prom.url = 'http://grafana@127.0.0.1:9090'),
    pointer: '/metrics/sources/prom/url',
    pass: (m) => (m.metrics.sources.prom.url = 'http://127.0.0.1:9090/grafana@home'),
  },
  {
    rule: 'AR123',
    fail: (m) => (m.metrics.signals.error_rate.query = `${m.metrics.signals.error_rate.query}\u202e * 0`),
    pointer: '/metrics/signals/error_rate/query',
  },
  {
    rule: 'AR126',
    fail: () => undefined,
    files: {
      fail: { 'guardrails/cases.jsonl': '{"id":"a","input":"hi","expect":"allow","category":"benign","repeat":0}\n' },
      pass: { 'guardrails/cases.jsonl': '{"id":"a","input":"hi","expect":"allow","category":"benign","repeat":3}\n' },
    },
    pointer: '/guardrails/boundaries/tests/cases',
  },
  {
    rule: 'AR127',
    fail: (m) => (m.agent.promptFile = 'prompts/missing.md'),
    files: { fail: {}, pass: { 'prompts/system.md': 'You are a support agent.\n' } },
    pointer: '/agent/promptFile',
    pass: (m) => (m.agent.promptFile = 'prompts/system.md'),
  },
  {
    rule: 'AR128',
    fail: (m) => (m.guardrails.boundaries.tests.confidence = 0.95),
    pointer: '/guardrails/boundaries/tests/confidence',
    pass: (m) => Object.assign(m.guardrails.boundaries.tests, { confidence: 0.95, minPassRate: 0.9 }),
  },
  {
    rule: 'AR129',
    fail: (m) => {
      delete m.guardrails.boundaries.tests;
      m.stages[1].exitCriteria.push({ id: 'refusals-hold', guardrails: { passedWithin: '7d' } });
    },
    pointer: '/stages/1/exitCriteria/5/guardrails',
    pass: (m) => m.stages[1].exitCriteria.push({ id: 'refusals-hold', guardrails: { passedWithin: '7d' } }),
  },
  {
    rule: 'AR130',
    fail: (m) => delete m.rollback.restore[1].credential,
    pointer: '/rollback/steps/2/credential',
    // A manual restore step that names the credential puts it back as well as a command does.
    pass: (m) => (m.rollback.restore[1] = { id: 'issue-kb-ro', credential: 'kb-ro', manual: 'Issue kb-ro again in the KB admin console.' }),
  },
  { rule: 'AR130', fail: (m) => delete m.rollback.restore, pointer: '/rollback/steps/1/credential' },
  {
    rule: 'AR131',
    fail: (m) => delete m.metrics.signals.refusal_rate.attribution,
    pointer: '/metrics/signals/refusal_rate/measures',
    pass: (m) => (m.metrics.signals.refusal_rate.attribution = 'requester'),
  },
  {
    rule: 'AR131',
    fail: (m) => delete m.metrics.signals.policy_block_rate,
    pointer: '/metrics/signals',
  },
  {
    rule: 'AR132',
    fail: (m) => {
      m.metrics.sources.api = { type: 'http', url: 'https://metrics.example.com' };
      m.metrics.signals.api_cost = { source: 'api', path: '/q?from=$begin&to=$endEpoch', pointer: '/value' };
    },
    pointer: '/metrics/signals/api_cost/path',
    pass: (m) => {
      m.metrics.sources.api = { type: 'http', url: 'https://metrics.example.com' };
      m.metrics.signals.api_cost = { source: 'api', path: '/q?from=$startEpoch&to=$endEpoch&cost=$$5', pointer: '/value' };
    },
  },
  {
    rule: 'AR132',
    fail: (m) => {
      m.metrics.sources.api = { type: 'http', url: 'https://metrics.example.com' };
      m.metrics.signals.api_cost = { source: 'api', method: 'POST', path: '/q', body: '{"from": $start}', pointer: '/value' };
    },
    pointer: '/metrics/signals/api_cost/body',
    pass: (m) => {
      m.metrics.sources.api = { type: 'http', url: 'https://metrics.example.com' };
      m.metrics.signals.api_cost = {
        source: 'api',
        method: 'POST',
        path: '/q',
        body: '{"from": "$start", "to": $endMs}',
        pointer: '/value',
      };
    },
  },
  {
    rule: 'AR132',
    fail: (m) => {
      m.metrics.sources.api = { type: 'http', url: 'https://metrics.example.com' };
      m.metrics.signals.api_cost = { source: 'api', path: '/q', attributionPath: '/q?by=trigger&from=$begin', pointer: '/value' };
      m.metrics.signals.api_cost.attribution = 'trigger';
    },
    pointer: '/metrics/signals/api_cost/attributionPath',
    pass: (m) => {
      m.metrics.sources.api = { type: 'http', url: 'https://metrics.example.com' };
      m.metrics.signals.api_cost = { source: 'api', path: '/q', attributionPath: '/q?by=trigger&from=$start', pointer: '/value' };
      m.metrics.signals.api_cost.attribution = 'trigger';
    },
  },
  {
    rule: 'AR132',
    fail: (m) => {
      m.metrics.sources.api = { type: 'http', url: 'https://metrics.example.com' };
      m.metrics.signals.api_cost = { source: 'api', path: '/q', attributionPath: '/q?by=trigger', pointer: '/value' };
    },
    pointer: '/metrics/signals/api_cost/attributionPath',
    pass: (m) => {
      m.metrics.sources.api = { type: 'http', url: 'https://metrics.example.com' };
      m.metrics.signals.api_cost = {
        source: 'api',
        attribution: 'trigger',
        path: '/q',
        attributionPath: '/q?by=trigger',
        pointer: '/value',
      };
    },
  },
  {
    rule: 'AR132',
    fail: (m) => (m.metrics.signals.cost_per_invocation_usd.query = '$tokenCost / sum(increase(agent_invocations_total[$window]))'),
    pointer: '/metrics/signals/cost_per_invocation_usd/query',
    pass: (m) => {
      m.metrics.tokenPrices = { 'model-a': { input: 3, output: 15 } };
      m.metrics.signals.cost_per_invocation_usd.query = '$tokenCost / sum(increase(agent_invocations_total[$window]))';
    },
  },
  {
    rule: 'AR124',
    fail: (m) =>
      (m.notify = {
        sinks: [
          { id: 'support-chat', url: 'https://chat.example.com/hooks/incoming?token=abc', format: 'json', events: ['pause', 'disable'] },
        ],
      }),
    pointer: '/notify/sinks/0/url',
    pass: (m) =>
      (m.notify = { sinks: [{ id: 'support-chat', url: 'env:SUPPORT_CHAT_URL', format: 'slack', events: ['pause', 'disable'] }] }),
  },
  {
    rule: 'AR125',
    fail: (m) => {
      m.metrics.sources.kb = { type: 'http', url: 'https://kb.example.com' };
      m.metrics.signals.kb_leaks = { source: 'kb', path: '/leaks', pointer: '/count' };
      m.metrics.alerts.push({ id: 'kb-leak', signal: 'kb_leaks', max: 0, action: 'disable' });
    },
    pointer: '/metrics/alerts/3/action',
    pass: (m) => (m.metrics.alerts[1].action = 'disable'),
  },
];

/** Where a case's manifest is written: a folder of its own when it has an audit trail beside it. */
function caseFile(kind: 'fail' | 'pass', i: number): string {
  return CASES[i]?.audit || CASES[i]?.files ? `${kind}-${i}/rollout.json` : `${kind}-${i}.json`;
}

interface Report {
  files: { file: string; diagnostics: { rule: string; pointer: string; line: number; column: number; message: string }[] }[];
}

let dir: string;
let cleanup: () => Promise<void>;
let failing: Report;
let passing: Report;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  const base = JSON.parse(await readFile(join(EXAMPLES, 'support-triage', 'rollout.json'), 'utf8')) as Doc;
  const files: Record<string, string> = {};
  CASES.forEach((c, i) => {
    const fail = structuredClone(base);
    c.fail(fail);
    files[caseFile('fail', i)] = JSON.stringify(fail, null, 2);
    const pass = structuredClone(base);
    c.pass?.(pass);
    files[caseFile('pass', i)] = JSON.stringify(pass, null, 2);
    if (c.audit) {
      files[`fail-${i}/rollout.audit.jsonl`] = c.audit(base);
      files[`pass-${i}/rollout.audit.jsonl`] = c.audit(base);
    }
    for (const kind of ['fail', 'pass'] as const)
      for (const [path, text] of Object.entries(c.files?.[kind] ?? {})) files[`${kind}-${i}/${path}`] = text;
  });
  await writeFiles(dir, files);
  const names = Object.keys(files).filter((name) => name.endsWith('.json'));
  // One run of the built binary over every case: several files in one call is part of what is tested.
  const failRun = await runCli(['validate', ...names.filter((n) => n.startsWith('fail-')), '--format', 'json'], { cwd: dir });
  expect(failRun.code).toBe(1);
  failing = parseJsonOutput<Report>(failRun.stdout);
  const passRun = await runCli(['validate', ...names.filter((n) => n.startsWith('pass-')), '--format', 'json'], { cwd: dir });
  passing = parseJsonOutput<Report>(passRun.stdout);
});
afterAll(async () => cleanup());

describe('each semantic rule, on the built binary: a failing and a passing case', () => {
  CASES.forEach((c, i) => {
    it(`${c.rule} at ${c.pointer || '(root)'} (case ${i})`, () => {
      const fail = failing.files.find((f) => f.file === caseFile('fail', i));
      const hit = fail?.diagnostics.find((d) => d.rule === c.rule && d.pointer === c.pointer);
      expect(hit, JSON.stringify(fail?.diagnostics, null, 2)).toBeDefined();
      expect(hit?.line).toBeGreaterThan(0);
      const pass = passing.files.find((f) => f.file === caseFile('pass', i));
      expect(
        pass?.diagnostics.filter((d) => d.rule === c.rule),
        JSON.stringify(pass?.diagnostics),
      ).toEqual([]);
    });
  });

  it('every rule of the catalogue has a case here or in the bad-input tests', () => {
    const covered = new Set([...CASES.map((c) => c.rule), 'AR001', 'AR002', 'AR003', 'AR004', 'AR005', 'AR006', 'AR007', 'AR008']);
    expect(RULES.map((r) => r.id).filter((id) => !covered.has(id))).toEqual([]);
  });
});
