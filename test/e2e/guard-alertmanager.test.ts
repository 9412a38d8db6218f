import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FlagdCore } from '@openfeature/flagd-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Daemon, Exporter } from '../../bench/alerting-stack.js';
import { startAlertmanager, startExporter, startPrometheus, waitForAlertmanagerBinary } from '../../bench/alerting-stack.js';
import { parseJsonOutput, runCli, tempDir } from '../helpers/cli.js';
import type { RunningGuard } from '../helpers/guard.js';
import { TOKEN, guardManifest, startGuard, waitFor } from '../helpers/guard.js';

/**
 * The whole loop with real parts: the rules from `export prometheus-rules` loaded by a real
 * Prometheus scraping an exporter this test flips into a breach, a real Alertmanager whose
 * webhook receiver is `guard serve`, and the exported flags evaluated with flagd-core.
 */

const RATIO = 'test_guardrail_trigger_ratio{agent="support-triage"}';
const EVENTS = 'test_security_events{agent="support-triage"}';

function enabled(flagsText: string): boolean {
  const core = new FlagdCore();
  core.setConfigurations(flagsText);
  return core.resolveBooleanEvaluation('support-triage.enabled', true, { orgId: 'support-pilot' }).value;
}

async function manifestState(path: string): Promise<Record<string, any>> {
  return (JSON.parse(await readFile(path, 'utf8')) as { state: Record<string, any> }).state;
}

describe('Prometheus → Alertmanager → guard serve → manifest, trail and flags', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let path: string;
  let exporter: Exporter | undefined;
  let guard: RunningGuard | undefined;
  let alertmanager: Daemon | undefined;
  let prometheus: Daemon | undefined;

  beforeAll(async () => {
    await waitForAlertmanagerBinary();
    ({ dir, cleanup } = await tempDir('agent-rollout-guard-am-'));
    path = await guardManifest(dir);
    const manifest = JSON.parse(await readFile(path, 'utf8'));
    manifest.metrics.signals.guardrail_trigger_rate.query = `max(${RATIO})`;
    manifest.metrics.signals.security_events.query = `sum(${EVENTS})`;
    manifest.metrics.alerts = [
      { ...manifest.metrics.alerts[0], for: '2s' },
      { ...manifest.metrics.alerts[1], action: 'disable' },
    ];
    await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`);
    const rules = await runCli(['export', 'prometheus-rules', 'support-triage/rollout.json', '--out', 'rules.yml'], { cwd: dir });
    expect(rules.code).toBe(0);
    expect((await runCli(['export', 'flagd', 'support-triage/rollout.json', '--out', 'flags.json'], { cwd: dir })).code).toBe(0);
    const tokenFile = join(dir, 'guard.token');
    await writeFile(tokenFile, `${TOKEN}\n`);
    await chmod(tokenFile, 0o600);

    exporter = await startExporter();
    exporter.set(RATIO, 0.01);
    exporter.set(EVENTS, 0);
    guard = await startGuard(['support-triage/rollout.json', '--flagd-out', 'flags.json', '--token-file', 'guard.token'], {
      cwd: dir,
      env: { AGENT_ROLLOUT_GUARD_TOKEN: undefined },
    });
    alertmanager = await startAlertmanager({ dir, webhookUrl: `${guard.url}/alertmanager`, tokenFile, groupWait: '0s' });
    prometheus = await startPrometheus({
      dir,
      rulesFile: join(dir, 'rules.yml'),
      exporterTarget: exporter.target,
      alertmanagerTarget: `127.0.0.1:${alertmanager.port}`,
    });
    // The source guard check reads: this Prometheus.
    manifest.metrics.sources.prom.url = prometheus.url;
    await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`);
    await waitFor('the first scrape', async () => {
      const answer = await fetch(`${prometheus?.url}/api/v1/query?query=${encodeURIComponent(`max(${RATIO})`)}`);
      const body = (await answer.json()) as { data?: { result?: unknown[] } };
      return (body.data?.result?.length ?? 0) > 0;
    });
  });

  afterAll(async () => {
    await prometheus?.stop();
    await alertmanager?.stop();
    await guard?.stop();
    await exporter?.close();
    await cleanup?.();
  });

  it('guard check, one shot, finds nothing breaching while the exporter is healthy', async () => {
    const result = await runCli(['guard', 'check', 'support-triage/rollout.json', '--rate-window', '5s', '--format', 'json'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = parseJsonOutput<{ alerts: { alert: string; status: string; expr: string }[] }>(result.stdout);
    // The expressions rules.yml holds for these alerts (their queries have no $window).
    expect(report.alerts.map((a) => [a.alert, a.status, a.expr])).toEqual([
      ['SupportTriageGuardrailTriggerRate', 'ok', `(max(${RATIO})) > 0.05`],
      ['SupportTriageSecurityEvent', 'ok', `(sum(${EVENTS})) > 0`],
    ]);
  });

  it('a pause alert’s breach pauses the rollout, with an audit entry that verifies', async () => {
    exporter?.set(RATIO, 0.2);
    await waitFor('the rollout to be paused', async () => (await manifestState(path))['paused'], 45_000);
    const paused = (await manifestState(path))['paused'];
    expect(paused.by).toBe('alertmanager:SupportTriageGuardrailTriggerRate');
    expect(paused.reason).toMatch(/^support-triage: guardrail_trigger_rate is 0\.2 over the last 5m, above 0\.05/);
    const verify = await runCli(['audit', 'verify', '-m', 'support-triage/rollout.json'], { cwd: dir });
    expect(verify.code).toBe(0);
    const trail = (await readFile(join(dir, 'support-triage', 'rollout.audit.jsonl'), 'utf8')).trim().split('\n');
    const entry = JSON.parse(trail.at(-1) as string);
    expect(entry.details.actorSource).toBe('alertmanager');
    expect(entry.details.trigger.generatorURL).toContain(`:${prometheus?.port}/graph?g0.expr=`);
    // The exported rule's value annotation: the value as the alert fired.
    expect(entry.details.trigger.value).toBe('0.2');
    // A pause is not in the flags: the agent keeps running for the orgs it reaches.
    expect(enabled(await readFile(join(dir, 'flags.json'), 'utf8'))).toBe(true);
  });

  it('guard check then reports the breach (exit 1) and finds the pause in place', async () => {
    const result = await runCli(['guard', 'check', 'support-triage/rollout.json', '--rate-window', '5s', '--format', 'json'], { cwd: dir });
    expect(result.code).toBe(1);
    const report = parseJsonOutput<{ alerts: { alert: string; status: string }[]; decisions: { decision: string; action: string }[] }>(
      result.stdout,
    );
    expect(report.alerts.find((a) => a.alert === 'SupportTriageGuardrailTriggerRate')?.status).toBe('breach');
    expect(report.decisions).toEqual([expect.objectContaining({ action: 'pause', decision: 'in-place' })]);
  });

  it('a disable alert’s breach switches the agent off: the exported flag evaluates false', async () => {
    exporter?.set(EVENTS, 1);
    await waitFor('the flag to evaluate false', async () => !enabled(await readFile(join(dir, 'flags.json'), 'utf8')), 45_000);
    expect((await manifestState(path))['enabled']).toBe(false);
    expect((await runCli(['audit', 'verify', '-m', 'support-triage/rollout.json'], { cwd: dir })).code).toBe(0);
    expect(guard?.stdout()).toMatch(/applied disable agent=support-triage alert=SupportTriageSecurityEvent/);
    const entry = JSON.parse(
      (await readFile(join(dir, 'support-triage', 'rollout.audit.jsonl'), 'utf8')).trim().split('\n').at(-1) as string,
    );
    expect(entry).toMatchObject({ action: 'disable', details: { trigger: { alertname: 'SupportTriageSecurityEvent', value: '1' } } });
  });
});
