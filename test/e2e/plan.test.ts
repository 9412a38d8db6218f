import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, AuditInput } from '../../src/state/audit.js';
import { chainEntry } from '../../src/state/audit.js';
import { rollbackSha256 } from '../../src/state/rollback-hash.js';
import { copyExample, parseJsonOutput, runInProcess, tempDir } from '../helpers/cli.js';

let dir: string;
let cleanup: () => Promise<void>;
let support: string;
let finance: string;
let env: Record<string, string>;

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

async function edit(folder: string, change: (manifest: any) => void): Promise<void> {
  const path = join(folder, 'rollout.json');
  const manifest = JSON.parse(await readFile(path, 'utf8'));
  change(manifest);
  await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`);
}

async function writeTrail(folder: string, inputs: Partial<AuditInput>[]): Promise<void> {
  const entries: AuditEntry[] = [];
  for (const input of inputs) {
    entries.push(
      chainEntry(
        {
          at: iso(Date.now() - DAY),
          actor: 'tester',
          action: 'gate',
          before: null,
          after: null,
          reason: null,
          manifestSha256: 'x',
          tool: { name: 'agent-rollout', version: '0.1.0' },
          ...input,
        },
        entries.at(-1),
      ),
    );
  }
  await writeFile(join(folder, 'rollout.audit.jsonl'), entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
}

const plan = (folder: string, ...args: string[]) => runInProcess(['plan', ...args], { cwd: folder, env });

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('agent-rollout-plan-'));
  env = { AGENT_ROLLOUT_CONFIG_DIR: join(dir, '.config') };
  support = await copyExample('support-triage', dir);
  finance = await copyExample('finance-ledger', dir);
  // The examples' stage-entry dates are fixed; move them far enough back that the minimum
  // duration has passed whenever the test runs, so the blocked-by list does not depend on the date.
  await edit(support, (m) => (m.state.since = iso(Date.now() - 8 * DAY)));
  await edit(finance, (m) => (m.state.since = iso(Date.now() - 31 * DAY)));
});
afterAll(async () => cleanup());

describe('plan on support-triage', () => {
  it('text: stages with + credential changes, criteria in words, the rollback, where it stands, the blast radius, and what blocks', async () => {
    const result = await plan(support);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out.split('\n').slice(0, 5).join('\n')).toMatch(
      /^Plan for support-triage: Support triage agent\n.*\n\nValidation: ✔ no errors, no warnings\n/,
    );
    const stage = (id: string) => out.slice(out.indexOf(`. ${id}`), out.indexOf('\n\n', out.indexOf(`. ${id}`)));
    expect(stage('internal-pilot')).toMatch(
      /credentials +\+ zendesk-ro +tickets:read, users:read, organizations:read \(read\)\n +\+ kb-ro /,
    );
    expect(stage('limited-beta')).toMatch(/\+ slack-bot +chat:write \(write\)/);
    expect(stage('limited-beta')).not.toMatch(/\+ (zendesk-ro|kb-ro)/);
    expect(stage('general-availability')).not.toMatch(/^ +[+-] /m);
    expect(stage('internal-pilot')).toContain('zero-security-events  security_events must be 0');
    expect(stage('internal-pilot')).toContain('cost_per_invocation_usd within 20% of 0.08 USD');
    expect(stage('internal-pilot')).toContain('spend limit    4 USD/day, 500000 tokens/day · estimate 1.6 USD/day, 240000 tokens/day');
    expect(stage('internal-pilot')).toContain('governance     observe');
    expect(stage('limited-beta')).toContain('data access    production (was staging)');
    expect(stage('limited-beta')).toContain('(observe only: reported, does not decide)');
    expect(stage('general-availability')).toContain('a rollback drill of the current rollback section passed within 30d');
    expect(out).toMatch(/Rollback within 10m\n +1\. kill-switch +run \.\/scripts\/flag\.sh off \(timeout 30s\)/);
    expect(out).toMatch(
      /Alerts\n +SupportTriageGuardrailTriggerRate +guardrail_trigger_rate above 0\.05 for 15m: pauses the rollout \(guard\)\n/,
    );
    expect(out).toContain('drill    no drill of this rollback section');
    expect(out).toMatch(/Where it stands\n {2}enabled · stage internal-pilot \(1 of 3\) · since .* · governance observe/);
    expect(out).toMatch(/limited-beta \(production data\)\n {4}reads +pii \(sensitive\) via zendesk \[zendesk-ro\]/);
    expect(out).toMatch(/writes +write access through slack-notes \[slack-bot\], naming no data class/);
    expect(out).toMatch(
      /Blocked: 2 things stand between internal-pilot and limited-beta\n {2}✖ no gate has been recorded for "internal-pilot": its 3 exit criteria are not yet evaluated \(zero-security-events, cost-within-estimate, no-output-violations\)\n {6}→ agent-rollout gate internal-pilot --record\n {2}✖ no rollback drill has been run\n {6}→ agent-rollout drill\n$/,
    );
  });

  it('markdown: a diff block per stage, criteria, the blocked-by list first', async () => {
    const result = await plan(support, '--format', 'markdown');
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/^## Rollout plan: `support-triage` \(Support triage agent\)/);
    const beta = out.slice(out.indexOf('#### 2. `limited-beta`'), out.indexOf('#### 3.'));
    expect(beta).toMatch(/```diff\n {2}zendesk-ro .*\n {2}kb-ro .*\n\+ slack-bot +chat:write \(write\)\n```/);
    expect(beta).toContain('- `support-volume-manageable`: support_tickets_per_day at most 3 tickets/day');
    expect(out.indexOf('### ❌ Blocked: 2 things stand between internal-pilot and limited-beta')).toBeLessThan(out.indexOf('### Stages'));
    expect(out).toContain('- no rollback drill has been run: `agent-rollout drill`');
    expect(out).toContain('| stage | reads | writes | credentials | triggers |');
  });

  it('json: formatVersion 1, the same facts for tools', async () => {
    const result = await plan(support, '--format', 'json');
    expect(result.code).toBe(0);
    const json = parseJsonOutput<any>(result.stdout);
    expect(json.formatVersion).toBe(1);
    expect(json.findings).toEqual({ errors: 0, warnings: 0, diagnostics: [] });
    expect(json.stages[1].credentials.map((c: any) => [c.id, c.change])).toEqual([
      ['zendesk-ro', 'kept'],
      ['kb-ro', 'kept'],
      ['slack-bot', 'added'],
    ]);
    expect(json.stages[0].exitCriteria[0]).toEqual({
      id: 'zero-security-events',
      text: 'security_events must be 0',
      description: 'No security event of any kind during the pilot.',
      observe: false,
    });
    expect(json.blockedBy.map((b: any) => b.kind)).toEqual(['criteria-not-evaluated', 'drill-never-run']);
    expect(json.state).toMatchObject({ enabled: true, stage: 'internal-pilot', next: 'limited-beta' });
    expect(json.blastRadius[1].writeTools).toEqual([{ tool: 'slack-notes', access: 'write', credential: 'slack-bot' }]);
    expect(json.rollback.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('plan on finance-ledger', () => {
  it('text: ledger-rw is added in the limited beta, the current stage; the GA adds nothing', async () => {
    const result = await plan(finance);
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/✔ 1\. internal-pilot {2}passed/);
    expect(out).toMatch(/● 2\. limited-beta {2}current, since/);
    const beta = out.slice(out.indexOf('2. limited-beta'), out.indexOf('3. general-availability'));
    expect(beta.match(/^ +\+ \S+/gm)?.map((l) => l.trim())).toEqual(['+ ledger-rw']);
    const ga = out.slice(out.indexOf('3. general-availability'), out.indexOf('Guardrails'));
    expect(ga).not.toMatch(/^ +[+-] /m);
    expect(out).toContain('orgs       entity-uk-ltd: on · entity-de-gmbh: off');
    expect(out).toMatch(/writes +financial \(sensitive\) via ledger-journal \[ledger-rw\]/);
    expect(out).toMatch(
      /Blocked: 2 things stand between limited-beta and general-availability\n {2}✖ no gate has been recorded for "limited-beta": its 9 exit criteria/,
    );
  });

  it('markdown and json agree', async () => {
    const markdown = await plan(finance, '--format', 'markdown');
    expect(markdown.stdout).toMatch(
      /#### 2\. `limited-beta` \(current, since .*\)[\s\S]*```diff\n(?: {2}.*\n){3}\+ ledger-rw +ledger:read, ledger:write \(write\)\n```/,
    );
    const json = parseJsonOutput<any>((await plan(finance, '--format', 'json')).stdout);
    expect(json.stages[1].credentials.filter((c: any) => c.change === 'added').map((c: any) => c.id)).toEqual(['ledger-rw']);
    expect(json.stages.map((s: any) => s.position)).toEqual(['passed', 'current', 'next']);
    expect(json.blockedBy.map((b: any) => b.kind)).toEqual(['criteria-not-evaluated', 'drill-never-run']);
  });
});

describe('what blocks the next step, from the manifest and its audit trail', () => {
  it('a recorded passing gate and a passing drill of the current rollback section: nothing blocks', async () => {
    const manifest = JSON.parse(await readFile(join(support, 'rollout.json'), 'utf8'));
    await writeTrail(support, [
      {
        action: 'gate',
        details: {
          stage: 'internal-pilot',
          verdict: 'go',
          criteria: ['zero-security-events', 'cost-within-estimate', 'no-output-violations'].map((id) => ({ id, status: 'pass' })),
        },
      },
      {
        action: 'drill',
        details: {
          passed: true,
          rollbackSha256: rollbackSha256(manifest),
          durationMs: 42000,
          windowMs: 600000,
          report: 'drills/x.report.json',
          interrupted: false,
        },
      },
    ]);
    const result = await plan(support);
    expect(result.stdout).toMatch(/last gate {2}go at .* by tester/);
    expect(result.stdout).toMatch(/drill {4}passed .* by tester/);
    expect(result.stdout).toMatch(/Nothing blocks the next step: internal-pilot → limited-beta \(agent-rollout advance\)\n$/);
  });

  it('a drill of the rollback section before it changed no longer counts', async () => {
    await edit(support, (m) => (m.rollback.window = '15m'));
    const json = parseJsonOutput<any>((await plan(support, '--format', 'json')).stdout);
    expect(json.blockedBy).toEqual([
      {
        kind: 'drill-outdated',
        message: expect.stringContaining('the rollback section changed since the last drill'),
        hint: 'agent-rollout drill',
      },
    ]);
  });

  it('a disable alert: the plan says it switches the agent off (guard), in text, markdown and JSON', async () => {
    const folder = await copyExample('support-triage', join(dir, 'disable-alert'));
    await edit(folder, (m) => (m.metrics.alerts[1].action = 'disable'));
    const text = await plan(folder);
    expect(text.code, text.stdout).toBe(0);
    expect(text.stdout).toMatch(
      /Alerts\n +SupportTriageGuardrailTriggerRate +guardrail_trigger_rate above 0\.05 for 15m: pauses the rollout \(guard\)\n +SupportTriageSecurityEvent +security_events above 0: switches the agent off \(guard\)\n/,
    );
    const markdown = await plan(folder, '--format', 'markdown');
    expect(markdown.stdout).toContain('| `SupportTriageSecurityEvent` | `security_events` | above 0 | switches the agent off (guard) |');
    const json = parseJsonOutput<{ alerts: { name: string; action: string; changesState: boolean }[] }>(
      (await plan(folder, '--format', 'json')).stdout,
    );
    expect(json.alerts.find((a) => a.name === 'SupportTriageSecurityEvent')).toMatchObject({ action: 'disable', changesState: true });
  });

  it('paused, disabled and observe mode before a stage that reaches everyone', async () => {
    await edit(finance, (m) => {
      m.state.enabled = false;
      m.state.paused = { reason: 'unbalanced entry under review', at: iso(Date.now() - DAY), by: 'controller@example.com' };
      m.state.governanceMode = 'observe';
    });
    const result = await plan(finance);
    expect(result.stdout).toMatch(/DISABLED · stage limited-beta/);
    expect(result.stdout).toContain('✖ the agent is disabled everywhere (state.enabled is false)');
    expect(result.stdout).toMatch(/✖ the rollout is paused since .* by controller@example\.com: unbalanced entry under review/);
    expect(result.stdout).toContain('✖ governance is in observe mode, and "general-availability" reaches 100% of users');
  });

  it('validation findings come first, the plan still shows, exit 1', async () => {
    await edit(finance, (m) => m.stages[0].credentials.push('not-declared'));
    const result = await plan(finance);
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')[3]).toBe('Validation: ✖ 1 error, 0 warnings');
    expect(result.stdout.split('\n')[4]).toMatch(
      /^ {2}rollout\.json:\d+:\d+ error AR105 stage "internal-pilot" holds credential "not-declared"/,
    );
    expect(result.stdout).toContain('✖ the manifest has 1 validation error');
    const json = parseJsonOutput<any>((await plan(finance, '--format', 'json')).stdout);
    expect(json.findings.diagnostics[0]).toMatchObject({ rule: 'AR105', severity: 'error', pointer: '/stages/0/credentials/3' });
  });

  it('--help ends with examples', async () => {
    const result = await runInProcess(['plan', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Examples:\n {2}agent-rollout plan\n/);
  });

  it('an unreadable manifest is exit 2', async () => {
    const result = await plan(dir, '-m', 'missing.json');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('cannot read the manifest');
  });

  it('no rollout.json hints `agent-rollout init`, not `validate`', async () => {
    const empty = join(dir, 'empty-folder');
    await mkdir(empty, { recursive: true });
    const result = await runInProcess(['plan'], { cwd: empty });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: cannot read the manifest rollout\.json: no such file\n {2}hint: .*agent-rollout init/);
    expect(result.stderr).not.toContain('agent-rollout validate');
  });

  it('a manifest of a newer version says so and says to upgrade, for plan and validate', async () => {
    await writeFile(join(dir, 'v2.json'), '{\n  "version": 2\n}\n');
    const result = await plan(dir, '-m', 'v2.json');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('v2.json:2:14: version 2 is newer than this agent-rollout supports (1)');
    expect(result.stderr).toContain('install a newer agent-rollout');
    expect(result.stderr).not.toContain('cannot read');
    const validate = await runInProcess(['validate', 'v2.json'], { cwd: dir });
    expect(validate.code).toBe(2);
    expect(validate.stdout).toContain('✖ 1 file written for a newer agent-rollout;');
    expect(validate.stdout).not.toContain('could not be read');
  });
});
