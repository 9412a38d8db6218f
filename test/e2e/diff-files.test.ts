import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainEntry } from '../../src/state/audit.js';
import { EXAMPLES, parseJsonOutput, runInProcess, tempDir, writeFiles } from '../helpers/cli.js';

/** A token built at run time, so this file holds no literal a scanner would flag. */
const FAKE_GITHUB_TOKEN = 'ghp_' + 'Zx9Qw8Er7Ty6'.repeat(3);

let dir: string;
let cleanup: () => Promise<void>;
let support: any;

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** Writes base.json and head.json (HEAD = an edited copy of the support-triage example) in a fresh folder. */
async function pair(
  name: string,
  edit: (head: any) => void,
  start: any = support,
): Promise<{ base: string; head: string; folder: string }> {
  const head = structuredClone(start);
  edit(head);
  const [base, headPath] = await writeFiles(dir, { [`${name}/base.json`]: json(start), [`${name}/head.json`]: json(head) });
  return { base: base as string, head: headPath as string, folder: join(dir, name) };
}

interface JsonDiff {
  formatVersion: number;
  base: string;
  head: string;
  summary: { changes: number; high: number; medium: number; low: number };
  notes: { level: string; text: string }[];
  changes: {
    path: string;
    kind: string;
    before: unknown;
    after: unknown;
    risk: string;
    reason: string;
    rule: string;
    section: string;
    subject: string;
    field: string;
    text: string;
  }[];
}

function resolvePointer(document: unknown, pointer: string): unknown {
  let value: any = document;
  for (const segment of pointer.split('/').slice(1)) {
    value = value?.[segment.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return value;
}

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('agent-rollout-diff-'));
  support = JSON.parse(await readFile(join(EXAMPLES, 'support-triage', 'rollout.json'), 'utf8'));
});
afterAll(async () => cleanup());

describe('diff BASE HEAD', () => {
  it('prints the changes grouped by section with their risk and reason', async () => {
    const { folder } = await pair('text', (h) => {
      h.stages[1].audience.percent = 10;
      h.inventory.credentials.push({
        id: 'ledger-rw',
        kind: 'api-token',
        secretRef: 'env:LEDGER_RW',
        scopes: ['ledger:write'],
        revoke: { runbook: 'runbooks/rollback.md' },
      });
      h.inventory.credentials[0].scopes.push('tickets:write');
      h.inventory.tools.reverse();
    });
    const result = await runInProcess(['diff', 'base.json', 'head.json'], { cwd: folder });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      [
        'agent-rollout diff base.json → head.json',
        '3 changes: 2 high, 1 medium',
        '',
        'Inventory',
        '  high    credential zendesk-ro: scopes + tickets:write',
        '          scope tickets:write grants write access: the agent can change things it could only read before',
        '  high    credential ledger-rw: added (api-token, scopes [ledger:write])',
        '          a new credential with write access: the agent holds more than before; check its scopes, its owner and how it is revoked',
        '',
        'Stages',
        '  medium  stage limited-beta: audience 5% → 10%',
        '          the audience widened',
        '',
      ].join('\n'),
    );
  });

  it('rates every change the issue names, end to end (and by hand vs audited state)', async () => {
    const start = JSON.parse(await readFile(join(EXAMPLES, 'finance-ledger', 'rollout.json'), 'utf8'));
    start.state.enabled = false;
    const { base, head, folder } = await pair(
      'issue-rules',
      (h) => {
        const stage = (id: string) => h.stages.find((s: any) => s.id === id);
        const ledgerRo = h.inventory.credentials.find((c: any) => c.id === 'ledger-ro');
        ledgerRo.scopes.push('journal:write');
        h.inventory.credentials.push({ id: 'payments-rw', kind: 'api-token', secretRef: 'env:PAYMENTS', scopes: ['payments:read'] });
        h.inventory.dataClasses.push({ id: 'health', access: 'read' });
        h.inventory.dataClasses.find((d: any) => d.id === 'pii').access = 'read-write';
        stage('limited-beta').governanceMode = 'observe';
        stage('limited-beta').audience.percent = 10;
        stage('limited-beta').spendLimit.usdPerDay *= 2;
        stage('limited-beta').minDuration = '1d';
        stage('limited-beta').minSamples = 1;
        const criteria = stage('limited-beta').exitCriteria;
        criteria.find((c: any) => c.max !== undefined && c.max > 0).max *= 10;
        criteria.find((c: any) => c.withinPercent !== undefined).withinPercent = 90;
        criteria.find((c: any) => c.max === 0).observe = true;
        const withMin = criteria.find((c: any) => c.min !== undefined);
        if (withMin) withMin.min = withMin.min / 2;
        stage('general-availability').exitCriteria.find((c: any) => c.for !== undefined).for = '1d';
        stage('general-availability').exitCriteria.pop();
        h.rollback.window = '1h';
        h.rollback.steps.splice(1, 1);
        h.rollback.verify.pop();
        stage('internal-pilot').description = 'Two accountants.';
        h.state.enabled = true;
        h.state.stage = 'general-availability';
        h.state.governanceMode = 'observe';
        h.state.orgs['entity-de-gmbh'].enabled = true;
      },
      start,
    );
    const rate = async () => {
      const result = await runInProcess(['diff', base, head, '--format', 'json'], { cwd: folder });
      expect(result.code, result.stderr).toBe(0);
      return new Map(parseJsonOutput<JsonDiff>(result.stdout).changes.map((c) => [`${c.subject}: ${c.text}`, `${c.risk} ${c.rule}`]));
    };
    const expected: [string, string][] = [
      ['credential ledger-ro: scopes + journal:write', 'high scope-write'],
      ['credential payments-rw: added (api-token, scopes [payments:read])', 'high credential-added'],
      ['data class health: added (access read)', 'high data-class-added'],
      ['data class pii: access read → read-write', 'high data-class-access'],
      ['stage limited-beta: governanceMode enforce → observe', 'high governance'],
      ['stage limited-beta: minDuration 30d → 1d', 'high threshold'],
      ['stage limited-beta: minSamples 1200 → 1', 'high threshold'],
      ['rollback: window 5m → 1h', 'high rollback-window'],
    ];
    const byHand = await rate();
    for (const [line, rating] of expected) expect(byHand.get(line), line).toBe(rating);
    const ratings = [...byHand.entries()];
    const find = (pattern: RegExp) => ratings.filter(([line]) => pattern.test(line)).map(([, rating]) => rating);
    expect(find(/^stage limited-beta: audience 5% → 10%$/)).toEqual(['medium audience']);
    expect(find(/^stage internal-pilot: description "Two accountants of .*… → "Two accountants\."$/)).toEqual(['low descriptive']);
    expect(find(/^stage limited-beta: spend limit \$\d+\/day → \$\d+\/day$/)).toEqual(['medium spend-limit']);
    expect(find(/^stage limited-beta criterion .*: max /)).toEqual(['high threshold']);
    expect(find(/^stage limited-beta criterion .*: withinPercent /)).toEqual(['high threshold']);
    expect(find(/^stage limited-beta criterion .*: observe unset → true$/)).toEqual(['high criterion-observe']);
    expect(find(/^stage general-availability criterion .*: for .* → 1d$/)).toEqual(['high threshold']);
    expect(find(/^stage general-availability criterion .*: removed/)).toEqual(['high criterion-removed']);
    expect(find(/^rollback step .*: removed/)).toEqual(['high rollback-step-removed']);
    expect(find(/^rollback probe .*: removed/)).toEqual(['high rollback-probe-removed']);
    // State edited by hand: every state change is high, whatever it does.
    expect(find(/^(state|org entity-de-gmbh):/)).toEqual([
      'high state-unaudited',
      'high state-unaudited',
      'high state-unaudited',
      'high state-unaudited',
    ]);

    // The same change with an audit trail that records HEAD's state: each state change gets its own rule.
    const headState = JSON.parse(await readFile(head, 'utf8')).state;
    const entry = chainEntry(
      {
        at: '2026-11-20T10:00:00Z',
        actor: 'alice@example.com',
        action: 'advance',
        before: start.state,
        after: headState,
        reason: 'gate passed',
        manifestSha256: '0'.repeat(64),
        tool: { name: 'agent-rollout', version: '0.1.0' },
      },
      undefined,
    );
    await writeFile(join(folder, 'rollout.audit.jsonl'), `${JSON.stringify(entry)}\n`);
    const audited = [...(await rate()).entries()];
    const state = (pattern: RegExp) => audited.filter(([line]) => pattern.test(line)).map(([, rating]) => rating);
    expect(state(/^state: enabled false → true$/)).toEqual(['medium kill-switch']);
    expect(state(/^state: stage limited-beta → general-availability$/)).toEqual(['low state-stage']);
    expect(state(/^state: governanceMode enforce → observe$/)).toEqual(['high governance']);
    expect(state(/^org entity-de-gmbh: enabled false → true$/)).toEqual(['medium org-enabled']);
  });

  it('a state.stage that skips a stage is medium when audited', async () => {
    const { base, head, folder } = await pair('skip', (h) => (h.state.stage = 'general-availability'));
    const headState = JSON.parse(await readFile(head, 'utf8')).state;
    const entry = chainEntry(
      {
        at: '2026-11-20T10:00:00Z',
        actor: 'a@example.com',
        action: 'advance',
        before: support.state,
        after: headState,
        reason: 'forced',
        manifestSha256: '0'.repeat(64),
        tool: { name: 'agent-rollout', version: '0.1.0' },
      },
      undefined,
    );
    await writeFile(join(folder, 'rollout.audit.jsonl'), `${JSON.stringify(entry)}\n`);
    const report = parseJsonOutput<JsonDiff>((await runInProcess(['diff', base, head, '--format', 'json'])).stdout);
    expect(report.changes).toEqual([
      expect.objectContaining({ risk: 'medium', rule: 'state-stage', reason: 'stage skipped: limited-beta was never gated' }),
    ]);
  });

  it('a reordered manifest is no change', async () => {
    const { base, head } = await pair('reordered', (h) => {
      h.inventory.credentials.reverse();
      h.inventory.tools.reverse();
      h.stages[0].exitCriteria.reverse();
      h.metrics.alerts.reverse();
      h.state = Object.fromEntries(Object.entries(h.state).reverse());
    });
    const result = await runInProcess(['diff', base, head, '--exit-code']);
    expect([result.code, result.stdout]).toEqual([0, `agent-rollout diff ${base} → ${head}\nNo changes.\n`]);
  });

  it('json: formatVersion 1, summary counts, and each change with path, kind, before, after, risk, reason', async () => {
    const { base, head } = await pair('json', (h) => {
      h.stages[1].audience.percent = 10;
      h.rollback.steps.splice(2, 1);
      h.agent.description = 'Triages tickets.';
      h.stages[2].exitCriteria[0].max = 0.05;
    });
    const result = await runInProcess(['diff', base, head, '--format', 'json']);
    expect(result.code).toBe(0);
    const report = parseJsonOutput<JsonDiff>(result.stdout);
    expect(Object.keys(report)).toEqual(['formatVersion', 'base', 'head', 'summary', 'notes', 'changes']);
    expect(report.formatVersion).toBe(1);
    expect(report.summary).toEqual({ changes: 4, high: 2, medium: 1, low: 1 });
    expect(report.changes.map((c) => [c.path, c.kind, c.before, c.risk])).toEqual([
      ['/agent/description', 'changed', support.agent.description, 'low'],
      ['/stages/1/audience/percent', 'changed', 5, 'medium'],
      ['/stages/2/exitCriteria/0/max', 'changed', 0.02, 'high'],
      ['/rollback/steps/2', 'removed', support.rollback.steps[2], 'high'],
    ]);
    const headDoc = JSON.parse(await readFile(head, 'utf8'));
    const baseDoc = JSON.parse(await readFile(base, 'utf8'));
    for (const change of report.changes) {
      expect(Object.keys(change)).toEqual([
        'path',
        'kind',
        'before',
        'after',
        'risk',
        'rule',
        'reason',
        'section',
        'subject',
        'field',
        'text',
      ]);
      if (change.kind === 'removed') {
        expect(resolvePointer(baseDoc, change.path)).toEqual(change.before);
        expect(change.after).toBeNull();
      } else {
        expect(resolvePointer(headDoc, change.path)).toEqual(change.after);
      }
      expect(change.reason).not.toBe('');
    }
    expect(report.changes[1]).toMatchObject({
      section: 'stages',
      subject: 'stage limited-beta',
      field: 'audience.percent',
      text: 'audience 5% → 10%',
      after: 10,
      rule: 'audience',
    });
  });

  it('exit codes: 0 by default, 1 with --exit-code on changes, --fail-on by risk', async () => {
    const medium = await pair('exit-medium', (h) => (h.stages[1].audience.percent = 10));
    const high = await pair('exit-high', (h) => (h.stages[1].governanceMode = 'observe'));
    const low = await pair('exit-low', (h) => (h.agent.owner = 'support-ops'));
    const code = async (files: { base: string; head: string }, ...flags: string[]) =>
      (await runInProcess(['diff', files.base, files.head, ...flags])).code;
    expect(await code(medium)).toBe(0);
    expect(await code(medium, '--exit-code')).toBe(1);
    expect(await code(low, '--exit-code')).toBe(1);
    expect(await code(medium, '--fail-on', 'high')).toBe(0);
    expect(await code(high, '--fail-on', 'high')).toBe(1);
    expect(await code(medium, '--fail-on', 'medium')).toBe(1);
    expect(await code(low, '--fail-on', 'medium')).toBe(0);
    expect(await code(low, '--fail-on', 'low')).toBe(1);
    expect(await code(high, '--fail-on', 'medium', '--format', 'markdown')).toBe(1);
    const bad = await runInProcess(['diff', medium.base, medium.head, '--fail-on', 'critical']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Allowed choices are high, medium, low/);
  });

  it('a side that cannot be read or is not JSON exits 2', async () => {
    const [ok, broken, array] = (await writeFiles(dir, {
      'bad/ok.json': json(support),
      'bad/broken.json': '{ "version": 1,',
      'bad/array.json': '[1, 2]',
    })) as string[];
    const missing = await runInProcess(['diff', join(dir, 'bad/none.json'), ok as string]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/error: cannot read BASE \(.*none\.json:1:1: no such file\)/);
    const notJson = await runInProcess(['diff', ok as string, broken as string]);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/error: cannot read HEAD \(.*broken\.json:1:\d+: /);
    const notObject = await runInProcess(['diff', array as string, ok as string, '--format', 'json']);
    expect([notObject.code, notObject.stdout]).toEqual([2, '']);
    expect(notObject.stderr).toMatch(/must be a JSON object, not an array/);
  });

  it('a schema-invalid side still diffs, with a warning on stderr and a note in the output', async () => {
    const { base, head } = await pair('invalid', (h) => {
      h.stages[1].governanceMode = 'sometimes';
      h.stages[1].audience.percent = 10;
    });
    const result = await runInProcess(['diff', base, head, '--format', 'markdown']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^warning: HEAD .*head\.json is not a valid manifest: \d+:\d+ AR\d+ .*; diffing what could be read\n$/);
    expect(result.stdout).toContain('> [!WARNING]\n> HEAD (');
    expect(result.stdout).toContain('audience `5%` → `10%`');
    expect(result.stdout).toContain('governanceMode `enforce` → `sometimes`');
  });

  it('never prints a value that looks like a secret, in any format', async () => {
    const { base, head } = await pair('secret', (h) => {
      h.rollback.steps[0].env = { FLAG_TOKEN: FAKE_GITHUB_TOKEN };
      h.inventory.credentials[1].secretRef = FAKE_GITHUB_TOKEN;
      h.agent.description = `uses ${FAKE_GITHUB_TOKEN}`;
    });
    for (const format of ['text', 'json', 'markdown']) {
      const result = await runInProcess(['diff', base, head, '--format', format]);
      expect(result.code, format).toBe(0);
      expect(result.stdout + result.stderr, format).not.toContain('Zx9Qw8Er7Ty6');
      expect(result.stdout, format).toContain('a GitHub personal access token: not shown');
    }
    const report = parseJsonOutput<JsonDiff>((await runInProcess(['diff', base, head, '--format', 'json'])).stdout);
    expect(report.changes.map((c) => c.rule)).toEqual(['literal-secret', 'literal-secret', 'literal-secret']);
  });

  it('state changes need a matching entry in the audit trail beside HEAD (or --audit)', async () => {
    const { base, head, folder } = await pair('state', (h) => (h.state.enabled = false));
    const hand = parseJsonOutput<JsonDiff>((await runInProcess(['diff', base, head, '--format', 'json'])).stdout);
    expect(hand.changes).toEqual([expect.objectContaining({ path: '/state/enabled', risk: 'high', rule: 'state-unaudited' })]);
    expect(hand.notes.map((n) => n.text).join('\n')).toMatch(/there is no audit trail at .*rollout\.audit\.jsonl/);
    const missing = await runInProcess(['diff', base, head, '--audit', join(folder, 'nope.jsonl')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no audit trail at /);
  });

  it('usage errors exit 2 and say what to pass', async () => {
    const one = await runInProcess(['diff', 'rollout.json'], { cwd: dir });
    expect(one.code).toBe(2);
    expect(one.stderr).toMatch(/error: diff needs two manifests \(BASE HEAD\), or --git REF/);
    const three = await runInProcess(['diff', 'a', 'b', 'c'], { cwd: dir });
    expect(three.code).toBe(2);
    const manifestWithoutGit = await runInProcess(['diff', 'a', 'b', '-m', 'c'], { cwd: dir });
    expect(manifestWithoutGit.stderr).toMatch(/--manifest goes with --git/);
    const gitTwoFiles = await runInProcess(['diff', '--git', 'main', 'a', 'b'], { cwd: dir });
    expect(gitTwoFiles.code).toBe(2);
    expect(gitTwoFiles.stderr).toMatch(/with --git, diff takes at most one file/);
  });

  it('--help explains the command and ends with examples', async () => {
    const help = await runInProcess(['diff', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--git <ref>/);
    expect(help.stdout).toMatch(/--fail-on <risk>/);
    expect(help.stdout).toMatch(/Examples:\n {2}agent-rollout diff /);
  });

  it('colour only when forced or on a terminal, never with NO_COLOR', async () => {
    const { base, head } = await pair('colour', (h) => (h.stages[1].governanceMode = 'observe'));
    const plain = await runInProcess(['diff', base, head]);
    expect(plain.stdout).not.toContain('\u001b[');
    const forced = await runInProcess(['diff', base, head], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    expect(forced.stdout).toContain('\u001b[31m');
  });
});

describe('big manifests', () => {
  /** 5,000 credentials and 5,000 tools on each side. */
  function big(): any {
    const doc = structuredClone(support);
    for (let i = 0; i < 5000; i++) {
      doc.inventory.credentials.push({
        id: `cred-${i}`,
        kind: 'api-token',
        secretRef: `env:TOKEN_${i}`,
        scopes: ['records:read'],
        access: 'read',
        owner: 'it-security',
        independentlyRevocable: true,
        revoke: { run: ['./scripts/revoke.sh', `cred-${i}`] },
      });
      doc.inventory.tools.push({
        id: `tool-${i}`,
        kind: 'http-api',
        endpoint: `https://api.internal.example/${i}`,
        credential: `cred-${i}`,
        access: 'read',
        dataClasses: ['internal-docs'],
      });
    }
    return doc;
  }

  it('5,000 tools and credentials, shuffled: no change', async () => {
    const start = big();
    const { base, head } = await pair(
      'big-shuffled',
      (h) => {
        h.inventory.credentials.reverse();
        h.inventory.tools.sort((a: any, b: any) => (a.endpoint < b.endpoint ? -1 : 1));
      },
      start,
    );
    const result = await runInProcess(['diff', base, head, '--exit-code']);
    expect([result.code, result.stdout.split('\n')[1]]).toEqual([0, 'No changes.']);
  });

  it('a huge diff as markdown stays under 65,536 characters and says what was cut', async () => {
    const start = big();
    const { base, head } = await pair(
      'big-changed',
      (h) => {
        for (const credential of h.inventory.credentials.slice(3)) credential.scopes.push('records:write');
        for (const tool of h.inventory.tools.slice(4)) tool.endpoint = `${tool.endpoint}/v2`;
        h.stages[1].audience.percent = 50;
      },
      start,
    );
    const result = await runInProcess(['diff', base, head, '--format', 'markdown', '--fail-on', 'high']);
    expect(result.code).toBe(1);
    expect(result.stdout.length).toBeLessThanOrEqual(65_536);
    expect(result.stdout).toContain('| 🔴 high | 5000 |');
    expect(result.stdout).toMatch(
      /\*\*\d+ changes not shown\*\* \(\d+ high, 5001 medium\) to stay under GitHub's 65,536-character comment limit\. See every change with `agent-rollout diff .*base\.json .*head\.json` \(or `--format json`\)\./,
    );
    const json = parseJsonOutput<JsonDiff>((await runInProcess(['diff', base, head, '--format', 'json'])).stdout);
    expect(json.summary).toEqual({ changes: 10001, high: 5000, medium: 5001, low: 0 });
  });
});
