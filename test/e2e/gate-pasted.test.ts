import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyExample, parseJsonOutput, runInProcess, tempDir } from '../helpers/cli.js';
import { appendEntry, auditPathFor, readTrail } from '../../src/state/audit-file.js';
import { sha256 } from '../../src/manifest/write.js';
import { rollbackSha256 } from '../../src/state/rollback-hash.js';
import { recordRefusalTestsPassed } from '../helpers/refusal-tests.js';

interface Check {
  id: string;
  status: string;
  observed: unknown;
  expected: string;
  reason: string;
  source?: string;
}
interface GateJson {
  formatVersion: number;
  verdict: string;
  stage: string;
  criteria: Check[];
  prerequisites: Check[];
  next: string[];
  inputs: {
    metrics: { signal: string; origin: { kind: string; file?: string; form?: string }; value?: number; status: string }[];
    window: { start: string; end: string };
  };
}

const SINCE = '2026-10-01T00:00:00Z';
const WEEK = { start: SINCE, end: '2026-10-08T00:00:00Z' };
const PILOT_VALUES = { security_events: 0, cost_per_invocation_usd: 0.081, output_policy_violations: 0, invocations: 140 };
const pilotJson = (values: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ window: WEEK, values: { ...PILOT_VALUES, ...values }, ...extra });

let dir: string;
let cleanup: () => Promise<void>;
let closedPort: number;

/** A port nothing listens on, so a source queried by mistake fails instead of reaching something real. */
function unusedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
    });
  });
}

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  closedPort = await unusedPort();
});
afterAll(async () => cleanup());

let count = 0;
/** The support-triage example in its pilot since SINCE, with its refusal tests passed against the current cases. */
async function project(
  edit: (manifest: any) => void = () => undefined,
  options: { refusalTests?: boolean } = {},
): Promise<{ folder: string; path: string }> {
  const folder = await copyExample('support-triage', join(dir, `p${++count}`));
  const path = join(folder, 'rollout.json');
  const manifest = JSON.parse(await readFile(path, 'utf8'));
  manifest.metrics.sources.prom.url = `http://127.0.0.1:${closedPort}`;
  manifest.state.since = SINCE;
  edit(manifest);
  await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`);
  if (options.refusalTests !== false) {
    await recordRefusalTestsPassed(path);
  }
  return { folder, path };
}

async function gate(folder: string, args: string[], input = '') {
  const result = await runInProcess(['gate', ...args], { cwd: folder, input });
  return { ...result, json: () => parseJsonOutput<GateJson>(result.stdout) };
}

function check(list: Check[], id: string): Check {
  const found = list.find((c) => c.id === id);
  if (!found) throw new Error(`no ${id} in ${list.map((c) => c.id).join(', ')}`);
  return found;
}

/** Every reason is one line a person reads. */
function oneLineReasons(report: GateJson): void {
  for (const c of [...report.criteria, ...report.prerequisites]) {
    expect(c.reason, c.id).not.toMatch(/\n/);
    expect(c.reason.length, c.id).toBeGreaterThan(2);
  }
}

describe('gate with pasted metrics on standard input', () => {
  it('JSON with a window: go, with the pasted values recorded as inputs', async () => {
    const { folder } = await project();
    const result = await gate(folder, ['--metrics', '-', '--format', 'json'], pilotJson());
    expect(result.stderr).toBe('');
    const report = result.json();
    expect(report).toMatchObject({ formatVersion: 1, verdict: 'go', stage: 'internal-pilot' });
    expect(result.code).toBe(0);
    expect(report.criteria.map((c) => c.status)).toEqual(['pass', 'pass', 'pass']);
    expect(report.inputs.window).toMatchObject({ start: '2026-10-01T00:00:00.000Z', end: '2026-10-08T00:00:00.000Z' });
    expect(report.inputs.metrics.find((m) => m.signal === 'cost_per_invocation_usd')).toMatchObject({
      origin: { kind: 'metrics', file: '-', form: 'json' },
      value: 0.081,
    });
    oneLineReasons(report);
  });

  it('name=value lines have no window: inconclusive until --window says what they cover', async () => {
    const { folder } = await project();
    const lines = 'security_events=0\ncost_per_invocation_usd=0.081\noutput_policy_violations=0\ninvocations=140\n';
    const bare = await gate(folder, ['--metrics', '-', '--format', 'json'], lines);
    expect(bare.code).toBe(3);
    expect(check(bare.json().prerequisites, 'min-duration').reason).toBe(
      'values from --metrics - have no window, so they cannot show 7d in the stage',
    );
    const dated = await gate(folder, ['--metrics', '-', '--window', '7d', '--at', WEEK.end, '--format', 'json'], lines);
    expect(dated.json().verdict).toBe('go');
    expect(dated.code).toBe(0);
  });

  it('--set wins over --metrics, and a bare --set cannot prove minDuration', async () => {
    const { folder } = await project();
    const result = await gate(folder, ['--metrics', '-', '--set', 'security_events=2', '--format', 'json'], pilotJson());
    const report = result.json();
    expect(check(report.criteria, 'zero-security-events')).toMatchObject({
      status: 'fail',
      observed: 2,
      source: '--set',
      reason: '2 is above the maximum 0',
    });
    expect(report.verdict).toBe('no-go');
    expect(result.code).toBe(1);
    const bare = await gate(folder, [
      '--set',
      'security_events=0',
      '--set',
      'cost_per_invocation_usd=0.08',
      '--set',
      'output_policy_violations=0',
      '--set',
      'invocations=500',
      '--format',
      'json',
    ]);
    expect(bare.json().verdict).toBe('inconclusive');
    expect(check(bare.json().prerequisites, 'min-duration').reason).toBe(
      'values from --set have no window, so they cannot show 7d in the stage',
    );
  });

  it('input that is not JSON: exit 2 with the position, and nothing on stdout', async () => {
    const { folder } = await project();
    const result = await gate(
      folder,
      ['--metrics', '-'],
      '{"window": {"start": "2026-10-01T00:00:00Z",\n "values": {"security_events": 0,}}',
    );
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error: the metrics in standard input are not valid JSON: .* at line 2, column \d+\n/);
    expect(result.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('a string value is an error for the criterion that reads it, never a pass', async () => {
    const { folder } = await project();
    const result = await gate(folder, ['--metrics', '-', '--format', 'json'], pilotJson({ cost_per_invocation_usd: '0.081' }));
    const report = result.json();
    expect(report.verdict).toBe('error');
    expect(result.code).toBe(2);
    expect(check(report.criteria, 'cost-within-estimate')).toMatchObject({
      status: 'error',
      reason: 'standard input gives cost_per_invocation_usd as the string "0.081", not a number',
    });
    expect(report.criteria.filter((c) => c.status === 'error').map((c) => c.id)).toEqual(['cost-within-estimate']);
    oneLineReasons(report);
  });

  it('NaN is an error, in name=value lines too', async () => {
    const { folder } = await project();
    const result = await gate(
      folder,
      ['--metrics', '-', '--window', '7d', '--at', WEEK.end, '--format', 'json'],
      'security_events=NaN\ncost_per_invocation_usd=0.081\noutput_policy_violations=0\ninvocations=140\n',
    );
    const report = result.json();
    expect(report.verdict).toBe('error');
    expect(result.code).toBe(2);
    expect(check(report.criteria, 'zero-security-events')).toMatchObject({
      status: 'error',
      reason: 'standard input line 1: NaN is not a finite number',
    });
  });

  it('a negative count is an error: the sample count cannot be -5', async () => {
    const { folder } = await project();
    const result = await gate(folder, ['--metrics', '-', '--format', 'json'], pilotJson({ invocations: -5 }));
    const report = result.json();
    expect(report.verdict).toBe('error');
    expect(result.code).toBe(2);
    expect(check(report.prerequisites, 'min-samples')).toMatchObject({
      status: 'error',
      reason: 'invocations counts events, so -5 (negative) cannot be right',
    });
  });

  it('an unknown signal name is a warning on stderr, not a crash', async () => {
    const { folder } = await project();
    const result = await gate(folder, ['--metrics', '-', '--format', 'json'], pilotJson({ tickets_closed: 12 }));
    expect(result.stderr).toBe(
      'warning: --metrics - gives "tickets_closed", which is not a signal of this manifest (metrics.signals); it is ignored\n',
    );
    expect(result.json().verdict).toBe('go');
    expect(result.code).toBe(0);
  });

  it('without a terminal, missing values are inconclusive and nothing is prompted', async () => {
    const { folder } = await project();
    const result = await gate(folder, ['--no-sources', '--format', 'json']);
    const report = result.json();
    expect(report.verdict).toBe('inconclusive');
    expect(result.code).toBe(3);
    expect(check(report.criteria, 'zero-security-events')).toMatchObject({
      status: 'inconclusive',
      observed: null,
      reason: 'no value for security_events: it was not supplied and sources are off (--no-sources)',
    });
    expect(result.stderr).toBe('');
  });

  it('text: the table, the verdict and what to do next; markdown for a pull request', async () => {
    const { folder } = await project();
    const text = await gate(folder, ['--metrics', '-'], pilotJson({ security_events: 1 }));
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(
      /^Gate for stage internal-pilot of support-triage, window 2026-10-01 00:00:00 UTC to 2026-10-08 00:00:00 UTC \(7d, the pasted metrics\)\n/,
    );
    expect(text.stdout).toMatch(/^criterion +observed +expected +status +reason$/m);
    expect(text.stdout).toMatch(/^zero-security-events +1 events +≤ 0 events +fail +1 is above the maximum 0$/m);
    expect(text.stdout).toMatch(/^prerequisite +observed +expected +status +reason$/m);
    expect(text.stdout).toContain('Verdict: NO-GO  1 check failed (zero-security-events)\n');
    expect(text.stdout).toContain(
      'Next:\n  - Do not advance. Fix what failed, then run the gate again.\n  - zero-security-events: find out why security_events is high before expanding\n',
    );
    const markdown = await gate(folder, ['--metrics', '-', '--format', 'markdown'], pilotJson({ security_events: 1 }));
    expect(markdown.code).toBe(1);
    expect(markdown.stdout).toMatch(/^### Gate: `internal-pilot` of `support-triage`: ❌ NO-GO\n/);
    expect(markdown.stdout).toContain(
      '| criterion | observed | expected | status | reason |\n| --- | --- | --- | --- | --- |\n| `zero-security-events` | 1 events | ≤ 0 events | ❌ fail | 1 is above the maximum 0 |',
    );
  });

  it('times in one style, to the second: the gate window, the lines under it and status alike; JSON keeps RFC 3339', async () => {
    // A stage entered at 00:00:07 and a gate at 00:00:00: once shown as `00:00:07 UTC` beside `00:00 UTC`.
    const { folder } = await project((manifest) => {
      manifest.state.since = '2026-10-01T00:00:07Z';
    });
    const set = ['--set', 'security_events=0', '--set', 'cost_per_invocation_usd=0.08', '--set', 'output_policy_violations=0'];
    const args = ['--no-sources', ...set, '--set', 'invocations=140', '--at', '2026-10-05T00:00:00Z'];
    const text = await gate(folder, [...args, '--record', '--actor', 'alice@example.com']);
    expect(text.stdout).toMatch(
      /^Gate for stage internal-pilot of support-triage, window 2026-10-01 00:00:07 UTC to 2026-10-05 00:00:00 UTC \(3d23h59m, since the stage was entered\)\n/,
    );
    await runInProcess(['pause', '--reason', 'INC-9', '--actor', 'bob@example.com'], { cwd: folder });
    const status = await runInProcess(['status'], { cwd: folder });
    expect(status.stdout).toContain(' since 2026-10-01 00:00:07 UTC (');
    expect(status.stdout).toMatch(/^ {2}paused {6}yes, since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(just now\) by bob@example\.com/m);
    expect(status.stdout).toMatch(/^ {2}last gate {3}.*\(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, seq 2 by alice@example\.com\)$/m);
    // Every time either shows is in the one style.
    const times = [text.stdout, status.stdout].flatMap((out) => out.match(/\d{4}-\d\d-\d\d[T ]\d\d:\d\d[^ ,)]*(?: UTC)?/g) ?? []);
    expect(times.length).toBeGreaterThanOrEqual(5);
    expect(times.filter((t) => !/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/.test(t))).toEqual([]);
    const json = (await gate(folder, [...args, '--format', 'json'])).json();
    expect(json.inputs.window).toMatchObject({ start: '2026-10-01T00:00:07.000Z', end: '2026-10-05T00:00:00.000Z' });
  });

  it('--record appends a gate entry to the audit trail; the trail still verifies', async () => {
    const { folder, path } = await project();
    const result = await gate(
      folder,
      ['--metrics', '-', '--record', '--actor', 'carol@example.com', '--reason', 'weekly review'],
      pilotJson(),
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^Recorded the go verdict as audit entry 2 \(by carol@example.com\)\.\n$/);
    const { trail } = await readTrail(auditPathFor(path));
    expect(trail.problems).toEqual([]);
    const entry = trail.entries.at(-1);
    expect(entry).toMatchObject({
      action: 'gate',
      actor: 'carol@example.com',
      reason: 'weekly review',
      before: null,
      after: null,
      manifestSha256: sha256(await readFile(path)),
    });
    expect(entry?.details).toMatchObject({
      stage: 'internal-pilot',
      verdict: 'go',
      window: { start: '2026-10-01T00:00:00.000Z', end: '2026-10-08T00:00:00.000Z' },
      criteria: [
        { id: 'zero-security-events', status: 'pass', observed: 0 },
        { id: 'cost-within-estimate', status: 'pass', observed: 0.081 },
        { id: 'no-output-violations', status: 'pass', observed: 0 },
      ],
    });
  });

  it('the first stage needs refusal tests run against the current agent, guardrails and cases', async () => {
    const none = await project(undefined, { refusalTests: false });
    const result = await gate(none.folder, ['--metrics', '-', '--format', 'json'], pilotJson());
    expect(result.code).toBe(3);
    expect(check(result.json().prerequisites, 'refusal-tests')).toMatchObject({
      status: 'inconclusive',
      reason: 'no guardrail test run is recorded',
    });
    const { folder } = await project();
    expect((await gate(folder, ['--metrics', '-'], pilotJson())).code).toBe(0);
    await writeFile(join(folder, 'guardrails', 'cases.jsonl'), '{"input": "what is the CEO\'s home address?", "expect": "refuse"}\n', {
      flag: 'a',
    });
    const changed = await gate(folder, ['--metrics', '-', '--format', 'json'], pilotJson());
    expect(changed.code).toBe(3);
    expect(check(changed.json().prerequisites, 'refusal-tests').reason).toBe(
      'no guardrail test run of the current agent, guardrails and cases: the cases file changed since the run of 2026-10-01 01:00:00 UTC',
    );
  });

  it('a pause, a disabled agent and an incomplete inventory are no-go, each with its reason', async () => {
    const paused = await project(
      (m) => (m.state.paused = { reason: 'guardrail trigger rate above 5%', at: '2026-10-06T12:00:00Z', by: 'bob@example.com' }),
    );
    const pausedRun = await gate(paused.folder, ['--metrics', '-', '--format', 'json'], pilotJson());
    expect(pausedRun.code).toBe(1);
    expect(check(pausedRun.json().prerequisites, 'not-paused').reason).toBe(
      'the rollout is paused since 2026-10-06 12:00:00 UTC by bob@example.com: guardrail trigger rate above 5%',
    );
    const disabled = await project((m) => (m.state.enabled = false));
    const disabledRun = await gate(disabled.folder, ['--metrics', '-', '--format', 'json'], pilotJson());
    expect(disabledRun.code).toBe(1);
    expect(check(disabledRun.json().prerequisites, 'enabled').status).toBe('fail');
    const gaps = await project((m) => delete m.inventory.credentials[1].owner);
    const gapsRun = await gate(gaps.folder, ['--metrics', '-', '--format', 'json'], pilotJson());
    expect(gapsRun.code).toBe(1);
    expect(check(gapsRun.json().prerequisites, 'inventory-complete')).toMatchObject({
      status: 'fail',
      reason: 'the inventory is incomplete: credential "kb-ro" has no owner: nobody is named to revoke it',
    });
  });

  it('usage errors: an unknown stage, --at in the future, a bad --window, a bad --set', async () => {
    const { folder } = await project();
    const unknown = await gate(folder, ['beta']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      'error: no stage "beta" in rollout.json\n  hint: stages: internal-pilot, limited-beta, general-availability',
    );
    const future = await gate(folder, ['--at', '2999-01-01T00:00:00Z']);
    expect(future.code).toBe(2);
    expect(future.stderr).toContain('--at 2999-01-01T00:00:00Z is in the future');
    expect((await gate(folder, ['--window', 'week'])).stderr).toContain('--window week: not a duration');
    expect((await gate(folder, ['--set', 'security_events'])).stderr).toContain('--set security_events: expected name=value');
  });

  it('gating a stage the rollout has not reached is inconclusive', async () => {
    const { folder } = await project();
    const values = {
      error_rate: 0.01,
      data_class_escapes: 0,
      support_tickets_per_day: 1,
      security_events: 0,
      cost_per_invocation_usd: 0.08,
      invocations: 400,
    };
    const result = await gate(
      folder,
      ['limited-beta', '--metrics', '-', '--format', 'json'],
      JSON.stringify({ window: { start: SINCE, end: '2026-10-15T00:00:00Z' }, values }),
    );
    const report = result.json();
    expect(report.stage).toBe('limited-beta');
    expect(check(report.prerequisites, 'stage-reached')).toMatchObject({
      status: 'inconclusive',
      reason: 'limited-beta has not started: the rollout is at internal-pilot',
    });
    expect(result.code).toBe(3);
  });

  it('--help ends with examples', async () => {
    const result = await runInProcess(['gate', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Examples:\n(?: {2}agent-rollout .*\n| {2}curl .*\n)+/);
    expect(result.stdout).toContain('--metrics <file>');
  });
});

describe('drill.passedWithin reads the drill records of the audit trail', () => {
  const GA_WINDOW = { start: SINCE, end: '2026-10-15T00:00:00Z' };
  const hourly = (): [string, number][] => {
    const points: [string, number][] = [];
    for (let t = Date.parse(SINCE) + 3_600_000; t <= Date.parse(GA_WINDOW.end); t += 3_600_000)
      points.push([new Date(t).toISOString(), 0.012]);
    return points;
  };
  const gaMetrics = JSON.stringify({
    window: GA_WINDOW,
    values: { data_class_escapes: 0, invocations: 6200 },
    series: { error_rate: hourly() },
  });

  async function drill(path: string, at: string, rollbackSha: string, passed = true): Promise<void> {
    await appendEntry(auditPathFor(path), {
      at,
      actor: 'drill@example.com',
      action: 'drill',
      before: null,
      after: null,
      reason: null,
      manifestSha256: sha256(await readFile(path)),
      details: {
        passed,
        rollbackSha256: rollbackSha,
        durationMs: 212_000,
        windowMs: 600_000,
        report: 'drills/x.report.json',
        interrupted: false,
      },
      tool: { name: 'agent-rollout', version: 'test' },
    });
  }

  it('a drill of an older rollback section is not accepted; one of the current section is', async () => {
    const { folder, path } = await project((m) => {
      m.state.stage = 'general-availability';
      m.state.governanceMode = 'enforce';
    });
    const manifest = JSON.parse(await readFile(path, 'utf8'));
    const older = structuredClone(manifest);
    older.rollback.window = '15m';
    await drill(path, '2026-10-10T09:00:00Z', rollbackSha256(older) as string);

    const before = await gate(folder, ['--metrics', '-', '--format', 'json'], gaMetrics);
    const report = before.json();
    expect(report.verdict).toBe('inconclusive');
    expect(before.code).toBe(3);
    expect(check(report.criteria, 'error-rate-stable')).toMatchObject({ status: 'pass' });
    expect(check(report.criteria, 'rollback-tested')).toMatchObject({
      status: 'inconclusive',
      reason:
        'no passing drill of the current rollback section within 30d; the last drill, on 2026-10-10 09:00:00 UTC, was of an earlier rollback section',
    });
    expect(report.next).toContain('rollback-tested: run `agent-rollout drill` and let it pass');

    await drill(path, '2026-10-12T09:00:00Z', rollbackSha256(manifest) as string);
    const after = await gate(folder, ['--metrics', '-', '--format', 'json'], gaMetrics);
    expect(after.json().verdict).toBe('go');
    expect(after.code).toBe(0);
    expect(check(after.json().criteria, 'rollback-tested')).toMatchObject({ status: 'pass', observed: '2026-10-12T09:00:00Z' });
    expect(after.json().next).toEqual(['general-availability is the last stage: there is nothing to advance to.']);
  });
});
