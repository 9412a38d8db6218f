import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Daemon, Exporter } from '../../bench/alerting-stack.js';
import { startExporter, startPrometheus } from '../../bench/alerting-stack.js';
import { parseJsonOutput, runInProcess, tempDir } from '../helpers/cli.js';
import { guardManifest, waitFor } from '../helpers/guard.js';

/**
 * `guard check` against a real Prometheus scraping an exporter this test sets: every alert is
 * evaluated with the expression `export prometheus-rules` writes for it (same --rate-window), any
 * series of the answer breaches (as the rule would fire for it), and a `for` holds an alert back
 * until its expression has had a result at every step of the last `for`. The checks run
 * in-process; Prometheus and the exporter are real.
 */

const RATE_WINDOW = '30s';

interface Report {
  alerts: { alert: string; status: string; action: string; value?: number; detail: string; expr?: string }[];
  decisions: { alertname: string; action: string; decision: string }[];
}

interface Entry {
  actor: string;
  action: string;
  reason: string;
  details: { trigger: { alertname: string; value?: string; labels: Record<string, string> } };
}

describe('guard check against a real Prometheus', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let path: string;
  let exporter: Exporter | undefined;
  let prometheus: Daemon | undefined;

  const check = async (...args: string[]) => {
    const result = await runInProcess(
      ['guard', 'check', 'support-triage/rollout.json', '--rate-window', RATE_WINDOW, '--format', 'json', ...args],
      { cwd: dir },
    );
    return { ...result, report: parseJsonOutput<Report>(result.stdout) };
  };
  const alert = (report: Report, name: string) => report.alerts.find((a) => a.alert === name);
  /** Waits until Prometheus has scraped `series` with `value`. */
  const scraped = (series: string, value: number) =>
    waitFor(`${series} = ${value} in Prometheus`, async () => {
      const answer = await fetch(`${prometheus?.url}/api/v1/query?query=${encodeURIComponent(series)}`);
      const body = (await answer.json()) as { data?: { result?: { value: [number, string] }[] } };
      return Number(body.data?.result?.[0]?.value[1]) === value;
    });
  const trail = async () =>
    (await readFile(join(dir, 'support-triage', 'rollout.audit.jsonl'), 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Entry);

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('agent-rollout-guard-prom-'));
    path = await guardManifest(dir);
    const manifest = JSON.parse(await readFile(path, 'utf8'));
    manifest.metrics.signals.org_cost = { source: 'prom', query: 'sum by (org) (test_org_cost)' };
    manifest.metrics.signals.agent_errors = { source: 'prom', query: 'max by (agent) (max_over_time(test_agent_errors[$window]))' };
    manifest.metrics.signals.held = { source: 'prom', query: 'max(test_held)' };
    manifest.metrics.alerts = [
      { id: 'org-cost', signal: 'org_cost', max: 1, action: 'pause' },
      { id: 'agent-errors', signal: 'agent_errors', max: 0.5, action: 'notify' },
      { id: 'held-long', signal: 'held', max: 0.5, for: '1h', action: 'pause' },
      { id: 'held-short', signal: 'held', max: 0.5, for: '2s', action: 'page' },
    ];
    await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`);
    const rules = await runInProcess(
      ['export', 'prometheus-rules', 'support-triage/rollout.json', '--rate-window', RATE_WINDOW, '--out', 'rules.yml'],
      { cwd: dir },
    );
    expect(rules.code, rules.stderr).toBe(0);

    exporter = await startExporter();
    exporter.set('test_org_cost{org="a"}', 0.5);
    exporter.set('test_org_cost{org="b"}', 0.7);
    exporter.set('test_agent_errors{agent="x"}', 0.1);
    exporter.set('test_agent_errors{agent="y"}', 0.2);
    exporter.set('test_held', 0.1);
    prometheus = await startPrometheus({ dir, rulesFile: join(dir, 'rules.yml'), exporterTarget: exporter.target });
    manifest.metrics.sources.prom.url = prometheus.url;
    await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`);
    await scraped('count(test_org_cost) + count(test_agent_errors) + count(test_held)', 5);
  });

  afterAll(async () => {
    await prometheus?.stop();
    await exporter?.close();
    await cleanup?.();
  });

  it('evaluates each alert with the expression the exported rule has; two series, none breaching, is exit 0', async () => {
    const { code, report, stderr } = await check();
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const exported = parse(await readFile(join(dir, 'rules.yml'), 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] };
    const exprs = new Map(exported.groups.flatMap((g) => g.rules).map((r) => [r.alert, r.expr]));
    expect(report.alerts.map((a) => [a.alert, a.status, a.expr])).toEqual([
      ['SupportTriageOrgCost', 'ok', exprs.get('SupportTriageOrgCost')],
      ['SupportTriageAgentErrors', 'ok', exprs.get('SupportTriageAgentErrors')],
      ['SupportTriageHeldLong', 'ok', exprs.get('SupportTriageHeldLong')],
      ['SupportTriageHeldShort', 'ok', exprs.get('SupportTriageHeldShort')],
    ]);
    expect(exprs.get('SupportTriageAgentErrors')).toBe('(max by (agent) (max_over_time(test_agent_errors[30s]))) > 0.5');
    expect(alert(report, 'SupportTriageOrgCost')?.detail).toBe('no series breaches (max 1)');
    expect(report.decisions).toEqual([]);
  });

  it('one series of two breaching is a breach (exit 1): sum by (org) pauses, max by (agent) notifies; the value is recorded', async () => {
    exporter?.set('test_org_cost{org="b"}', 3);
    exporter?.set('test_agent_errors{agent="y"}', 0.9);
    await scraped('test_org_cost{org="b"}', 3);
    await scraped('test_agent_errors{agent="y"}', 0.9);
    const { code, report } = await check();
    expect(code).toBe(1);
    expect(alert(report, 'SupportTriageOrgCost')).toMatchObject({ status: 'breach', value: 3, detail: '3 at {org="b"} (max 1)' });
    expect(alert(report, 'SupportTriageAgentErrors')).toMatchObject({
      status: 'breach',
      value: 0.9,
      detail: '0.9 at {agent="y"} (max 0.5)',
    });
    expect(report.decisions.map((d) => [d.alertname, d.decision])).toEqual([
      ['SupportTriageOrgCost', 'applied'],
      ['SupportTriageAgentErrors', 'notified'],
    ]);
    const [entry] = await trail();
    expect(entry).toMatchObject({ action: 'pause', actor: 'guard:SupportTriageOrgCost' });
    expect(entry?.reason).toBe('SupportTriageOrgCost: org_cost is 3 at {org="b"} (max 1)');
    expect(entry?.details.trigger.value).toBe('3');
    expect(JSON.parse(await readFile(path, 'utf8')).state.paused.by).toBe('guard:SupportTriageOrgCost');
  });

  it('with a `for`, a breach counts only once it has lasted the whole `for`, as Prometheus moves pending to firing', async () => {
    exporter?.set('test_held', 0.9);
    await scraped('test_held', 0.9);
    // held-short (for: 2s) fires once the breach has been scraped for two seconds; held-long (for: 1h) is still pending then.
    const { report, code } = await waitFor(
      'held-short to breach',
      async () => {
        const result = await check('--dry-run');
        return alert(result.report, 'SupportTriageHeldShort')?.status === 'breach' && result;
      },
      30_000,
    );
    expect(code).toBe(1);
    expect(alert(report, 'SupportTriageHeldShort')?.detail).toBe('0.9, breaching at every step for 2s (max 0.5)');
    expect(alert(report, 'SupportTriageHeldLong')).toMatchObject({ status: 'ok', value: 0.9 });
    expect(alert(report, 'SupportTriageHeldLong')?.detail).toMatch(
      /^breaching, but not yet for 1h \(\d of 61 steps; pending, as Prometheus would hold it\) \(max 0\.5\)$/,
    );
    // A page alert only notifies: no state change, and still exit 1.
    expect(report.decisions.find((d) => d.alertname === 'SupportTriageHeldShort')).toMatchObject({ action: 'page', decision: 'notified' });
    expect(report.decisions.some((d) => d.alertname === 'SupportTriageHeldLong')).toBe(false);
  });
});
