import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyExample, parseJsonOutput, runCli, runInProcess, tempDir } from '../helpers/cli.js';
import { CANARY_SECURITY_EVENT, CANARY_SPIKE, WEEK_END, WEEK_START, agentWeekOpenMetrics, startPrometheus } from '../helpers/prometheus.js';
import type { PrometheusServer } from '../helpers/prometheus.js';
import { recordRefusalTestsPassed } from '../helpers/refusal-tests.js';

interface GateJson {
  verdict: string;
  exitCode: number;
  stage: string;
  criteria: { id: string; status: string; observed: unknown; expected: string; reason: string; samples?: number }[];
  prerequisites: { id: string; status: string; reason: string; nextPassAt?: string }[];
  inputs: {
    manifest: { sha256: string };
    window: { start: string; end: string };
    metrics: { signal: string; origin: { query?: string; range?: { step: string } } }[];
    tool: { version: string };
  };
  next: string[];
}

const iso = (ms: number): string => new Date(ms).toISOString();
const AT = ['--at', iso(WEEK_END)];

let prometheus: PrometheusServer;
let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  prometheus = await startPrometheus(agentWeekOpenMetrics());
});
afterAll(async () => {
  await prometheus?.cleanup();
  await cleanup?.();
});

/**
 * A copy of the support-triage example pointed at the test's Prometheus, in its pilot since the
 * start of the synthetic week, with a passing refusal test run of its current cases recorded.
 */
async function project(name: string, edit: (manifest: any) => void = () => undefined): Promise<string> {
  const folder = await copyExample('support-triage', join(dir, name));
  const path = join(folder, 'rollout.json');
  const manifest = JSON.parse(await readFile(path, 'utf8'));
  manifest.metrics.sources.prom.url = prometheus.url;
  manifest.metrics.sources.prom.timeout = '10s';
  manifest.state.since = iso(WEEK_START);
  edit(manifest);
  await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`);
  await recordRefusalTestsPassed(path, iso(WEEK_START + 3_600_000));
  return folder;
}

/** The gate in-process against the real Prometheus; the first test runs it through the built binary. */
function gate(
  folder: string,
  args: string[] = [],
  runner: typeof runCli = runInProcess,
): Promise<{ code: number | null; stdout: string; stderr: string; json: () => GateJson }> {
  return runner(['gate', ...AT, ...args], { cwd: folder }).then((result) => ({
    ...result,
    json: () => parseJsonOutput<GateJson>(result.stdout),
  }));
}

const byId = <T extends { id: string }>(list: T[], id: string): T => {
  const found = list.find((item) => item.id === id);
  if (!found) throw new Error(`no ${id} in ${list.map((i) => i.id).join(', ')}`);
  return found;
};

describe('gate against a real Prometheus (a backfilled week of agent metrics)', () => {
  it('go: every criterion passes on the clean agent, with the resolved queries recorded', async () => {
    const folder = await project('go');
    const result = await gate(folder, ['--format', 'json'], runCli);
    expect(result.stderr).toBe('');
    const report = result.json();
    expect(report.verdict).toBe('go');
    expect(result.code).toBe(0);
    expect(report.criteria.map((c) => [c.id, c.status])).toEqual([
      ['zero-security-events', 'pass'],
      ['cost-within-estimate', 'pass'],
      ['no-output-violations', 'pass'],
    ]);
    expect(byId(report.criteria, 'zero-security-events').observed).toBe(0);
    expect(byId(report.criteria, 'cost-within-estimate').observed).toBeCloseTo(0.082, 6);
    expect(byId(report.prerequisites, 'min-samples').status).toBe('pass');
    expect(byId(report.prerequisites, 'min-duration').status).toBe('pass');
    expect(report.inputs.window).toMatchObject({ start: iso(WEEK_START), end: iso(WEEK_END) });
    const invocations = report.inputs.metrics.find((m) => m.signal === 'invocations');
    expect(invocations?.origin.query).toBe('sum(increase(agent_invocations_total{agent="support-triage"}[7d]))');
    expect(report.inputs.manifest.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(report.next[0]).toContain('agent-rollout advance');

    const text = await gate(folder);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^criterion +observed +expected +status +reason$/m);
    expect(text.stdout).toMatch(/^zero-security-events +0 events +≤ 0 events +pass +0 ≤ 0$/m);
    expect(text.stdout).toContain('Verdict: GO');
  });

  it('no-go: the canary agent had a security event on day 5', async () => {
    const folder = await project('no-go', (m) => {
      m.metrics.signals.security_events.query = 'sum(increase(agent_security_events_total{agent="support-triage-canary"}[$window]))';
    });
    const result = await gate(folder, ['--format', 'json']);
    const report = result.json();
    expect(report.verdict).toBe('no-go');
    expect(result.code).toBe(1);
    const criterion = byId(report.criteria, 'zero-security-events');
    expect(criterion.status).toBe('fail');
    expect(criterion.observed as number).toBeGreaterThan(0);
    expect(criterion.reason).toMatch(/^[\d.]+ is above the maximum 0$/);
    // The day-5 event is outside a window that ends before it: the same query then passes.
    const before = await runInProcess(['gate', '--at', iso(CANARY_SECURITY_EVENT - 3_600_000), '--window', '3d', '--format', 'json'], {
      cwd: folder,
    });
    expect(byId(parseJsonOutput<GateJson>(before.stdout).criteria, 'zero-security-events').status).toBe('pass');
  });

  it('inconclusive: a signal whose query matches no series is no data, never zero', async () => {
    const folder = await project('no-data', (m) => {
      m.metrics.signals.output_policy_violations.query =
        'sum(increase(agent_guardrail_output_matches_total{agent="not-deployed"}[$window]))';
    });
    const result = await gate(folder, ['--format', 'json']);
    const report = result.json();
    expect(report.verdict).toBe('inconclusive');
    expect(result.code).toBe(3);
    const criterion = byId(report.criteria, 'no-output-violations');
    expect(criterion).toMatchObject({ status: 'inconclusive', observed: null, reason: 'no data: the query returned no series' });
    expect(report.criteria.filter((c) => c.status !== 'pass').map((c) => c.id)).toEqual(['no-output-violations']);
  });

  it('inconclusive: a stage three days old says when it can first pass', async () => {
    const folder = await project('young');
    const result = await runInProcess(['gate', '--at', iso(WEEK_START + 3 * 86_400_000), '--format', 'json'], { cwd: folder });
    const report = parseJsonOutput<GateJson>(result.stdout);
    expect(report.verdict).toBe('inconclusive');
    expect(result.code).toBe(3);
    const prerequisite = byId(report.prerequisites, 'min-duration');
    expect(prerequisite.status).toBe('inconclusive');
    expect(prerequisite.reason).toBe('the stage has run 3d of its 7d; it can pass from 2026-11-09 00:00:00 UTC');
    expect(prerequisite.nextPassAt).toBe(iso(WEEK_END));
    expect(report.criteria.every((c) => c.status === 'pass')).toBe(true);
  });

  it('for: a range query shows every sample held on the clean agent, and finds the canary spike an average hides', async () => {
    const stable = (query: string) => (m: any) => {
      m.metrics.signals.error_rate.query = query;
      m.stages[0].exitCriteria.push(
        { id: 'error-rate-week', signal: 'error_rate', max: 0.02 },
        { id: 'error-rate-stable', signal: 'error_rate', max: 0.02, for: '7d' },
      );
    };
    const ratio = (agent: string): string =>
      `sum(increase(agent_invocation_errors_total{agent="${agent}"}[$window])) / sum(increase(agent_invocations_total{agent="${agent}"}[$window]))`;

    const clean = await gate(await project('for-clean', stable(ratio('support-triage'))), ['--format', 'json']);
    const cleanReport = clean.json();
    expect(cleanReport.verdict).toBe('go');
    const held = byId(cleanReport.criteria, 'error-rate-stable');
    expect(held.status).toBe('pass');
    expect(held.samples).toBe(672);
    expect(held.reason).toMatch(/^all 672 samples over 7d hold/);
    const series = cleanReport.inputs.metrics.find((m) => m.origin.range);
    expect(series?.origin.query).toContain('[15m]');
    expect(series?.origin.range?.step).toBe('15m');

    const canary = await gate(await project('for-canary', stable(ratio('support-triage-canary'))), ['--format', 'json']);
    const canaryReport = canary.json();
    expect(canaryReport.verdict).toBe('no-go');
    expect(canary.code).toBe(1);
    expect(byId(canaryReport.criteria, 'error-rate-week').status).toBe('pass');
    const spiked = byId(canaryReport.criteria, 'error-rate-stable');
    expect(spiked.status).toBe('fail');
    expect(spiked.observed as number).toBeCloseTo(0.1, 6);
    expect(spiked.reason).toContain('is above the maximum 0.02 at 2026-11-04 1');
    const spikeHour = new Date(CANARY_SPIKE.start).toISOString().slice(0, 10);
    expect(spiked.reason).toContain(spikeHour);
  });

  it('error: a query Prometheus rejects (HTTP 400) names the criterion that depended on it', async () => {
    const folder = await project('bad-query', (m) => {
      m.metrics.signals.cost_per_invocation_usd.query = 'sum(rate(agent_cost_usd_total[$window])';
    });
    const result = await gate(folder, ['--format', 'json']);
    const report = result.json();
    expect(report.verdict).toBe('error');
    expect(result.code).toBe(2);
    const criterion = byId(report.criteria, 'cost-within-estimate');
    expect(criterion.status).toBe('error');
    expect(criterion.reason).toMatch(/^prom \(prometheus at http:\/\/127\.0\.0\.1:\d+\/\): HTTP 400: bad_data: .*parse error/);
    expect(report.criteria.filter((c) => c.status === 'error').map((c) => c.id)).toEqual(['cost-within-estimate']);

    const text = await gate(folder);
    expect(text.stdout).toContain('Verdict: ERROR');
    expect(text.stdout).toContain('an error verdict cannot be forced');
  });

  it('error: a ratio over zero traffic is NaN, which is never a pass', async () => {
    const folder = await project('nan', (m) => {
      const matches = 'sum(increase(agent_guardrail_output_matches_total{agent="support-triage"}[$window]))';
      m.metrics.signals.output_policy_violations.query = `${matches} / ${matches}`;
    });
    const result = await gate(folder, ['--format', 'json']);
    const report = result.json();
    expect(report.verdict).toBe('error');
    expect(result.code).toBe(2);
    expect(byId(report.criteria, 'no-output-violations')).toMatchObject({
      status: 'error',
      reason: 'output_policy_violations is NaN, not a finite number',
    });
  });

  // Last: it stops the shared server.
  it('error: with Prometheus stopped, every criterion and the sample count say the connection was refused', async () => {
    const folder = await project('stopped');
    await prometheus.stop();
    const result = await gate(folder, ['--format', 'json']);
    const report = result.json();
    expect(report.verdict).toBe('error');
    expect(result.code).toBe(2);
    for (const criterion of report.criteria) {
      expect(criterion.status, criterion.id).toBe('error');
      expect(criterion.reason, criterion.id).toContain('connection refused');
    }
    expect(byId(report.prerequisites, 'min-samples').status).toBe('error');
  });
});
