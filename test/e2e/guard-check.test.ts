import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FlagdCore } from '@openfeature/flagd-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseJsonOutput, runCli, runInProcess, tempDir } from '../helpers/cli.js';
import { guardManifest } from '../helpers/guard.js';
import { sendJson, startHttpServer } from '../helpers/http-server.js';

/**
 * `guard check` over a manifest whose alerts read a command source (a script printing the value
 * it finds in values.json), so each case sets exactly what the signals show.
 */

// A shell script: it starts in milliseconds, where Node takes a tenth of a second of CPU each time.
const VALUE_SCRIPT = `v=$(sed -n "s/.*\\"$1\\":\\([^,}]*\\).*/\\1/p" "$(dirname "$0")/values.json")
if [ "$v" = '"fail"' ]; then echo 'backend down' >&2; exit 3; fi
printf '{"value": %s}\\n' "$v"
`;

interface Report {
  alerts: { alert: string; status: string; action: string; detail: string }[];
  decisions: { decision: string; action: string; alertname: string }[];
  dryRun: boolean;
}

describe('guard check', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let path: string;

  const setValues = (values: Record<string, number | string>) =>
    writeFile(join(dir, 'support-triage', 'values.json'), JSON.stringify(values));
  // In-process; the --flagd-out run below is the one through the built binary.
  const check = (...args: string[]) =>
    runInProcess(['guard', 'check', 'support-triage/rollout.json', '--format', 'json', ...args], { cwd: dir });
  const state = async () => (JSON.parse(await readFile(path, 'utf8')) as { state: Record<string, any> }).state;
  const trail = async () =>
    (await readFile(join(dir, 'support-triage', 'rollout.audit.jsonl'), 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { actor: string; action: string; details: Record<string, any>; reason: string });

  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
    path = await guardManifest(dir);
    const manifest = JSON.parse(await readFile(path, 'utf8'));
    await writeFile(join(dir, 'support-triage', 'value.sh'), VALUE_SCRIPT);
    manifest.metrics.sources.probe = { type: 'command', run: ['sh', 'value.sh'], timeout: '10s' };
    manifest.metrics.signals.blocked_ratio = { source: 'probe', args: ['blocked'] };
    manifest.metrics.signals.leaks = { source: 'probe', args: ['leaks'] };
    manifest.metrics.alerts = [
      { id: 'blocked', signal: 'blocked_ratio', max: 0.05, action: 'pause' },
      { id: 'leak', signal: 'leaks', max: 0, action: 'disable' },
    ];
    await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`);
    await setValues({ blocked: 0.01, leaks: 0 });
  });

  afterEach(async () => {
    await cleanup();
  });

  it('exits 0 and writes nothing when no alert breaches', async () => {
    const result = await check();
    expect(result.code).toBe(0);
    const report = parseJsonOutput<Report>(result.stdout);
    expect(report.alerts.map((a) => [a.alert, a.status])).toEqual([
      ['SupportTriageBlocked', 'ok'],
      ['SupportTriageLeak', 'ok'],
    ]);
    expect(report.decisions).toEqual([]);
    expect(await trail()).toEqual([]);
  });

  it('pauses on a breaching pause alert (exit 1), as the guard, and finds it in place the next time', async () => {
    await setValues({ blocked: 0.3, leaks: 0 });
    const dry = await check('--dry-run');
    expect(dry.code, dry.stderr + dry.stdout).toBe(1);
    expect(parseJsonOutput<Report>(dry.stdout).decisions).toEqual([expect.objectContaining({ action: 'pause', decision: 'applied' })]);
    expect(await trail()).toEqual([]);
    expect((await state())['paused']).toBeUndefined();

    const result = await check();
    expect(result.code, result.stderr + result.stdout).toBe(1);
    const [entry] = await trail();
    expect(entry?.action).toBe('pause');
    expect(entry?.actor).toBe('guard:SupportTriageBlocked');
    expect(entry?.details['actorSource']).toBe('guard');
    expect(entry?.reason).toBe('SupportTriageBlocked: blocked_ratio is 0.3 (max 0.05)');
    const again = await check();
    expect(again.code).toBe(1);
    expect(parseJsonOutput<Report>(again.stdout).decisions[0]?.decision).toBe('in-place');
    expect(await trail()).toHaveLength(1);
    expect((await runInProcess(['audit', 'verify', '-m', 'support-triage/rollout.json'], { cwd: dir })).code).toBe(0);
  });

  it('switches the agent off on its own disable alert and writes the flags', async () => {
    await runInProcess(['export', 'flagd', 'support-triage/rollout.json', '--out', 'flags.json'], { cwd: dir });
    await setValues({ blocked: 0.01, leaks: 2 });
    const result = await runCli(['guard', 'check', 'support-triage/rollout.json', '--flagd-out', 'flags.json'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('applied: disable support-triage (SupportTriageLeak)');
    expect((await state())['enabled']).toBe(false);
    const core = new FlagdCore();
    core.setConfigurations(await readFile(join(dir, 'flags.json'), 'utf8'));
    expect(core.resolveBooleanEvaluation('support-triage.enabled', true, { orgId: 'support-pilot' }).value).toBe(false);
  });

  it('fails closed when a source fails (exit 2, nothing changed); --on-error pause also pauses', async () => {
    await setValues({ blocked: 'fail', leaks: 0 });
    const result = await check();
    expect(result.code).toBe(2);
    const report = parseJsonOutput<Report>(result.stdout);
    expect(report.alerts[0]?.status).toBe('error');
    expect(report.alerts[0]?.detail).toContain('exited with code 3');
    expect(await trail()).toEqual([]);

    const paused = await check('--on-error', 'pause');
    expect(paused.code).toBe(2);
    expect((await state())['paused']?.reason).toMatch(/^SupportTriageBlocked: the source failed, paused \(--on-error pause\)/);
    expect((await trail()).map((e) => e.actor)).toEqual(['guard:SupportTriageBlocked']);
  });

  it('exits 1 when a breaching alert only notifies (page, notify): nothing is written', async () => {
    const manifest = JSON.parse(await readFile(path, 'utf8'));
    manifest.metrics.alerts = [
      { id: 'blocked', signal: 'blocked_ratio', max: 0.05, action: 'page' },
      { id: 'leak', signal: 'leaks', max: 0, action: 'notify' },
    ];
    await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`);
    const before = await readFile(path, 'utf8');
    await setValues({ blocked: 0.3, leaks: 0 });
    const paged = await check();
    expect(paged.code).toBe(1);
    expect(parseJsonOutput<Report>(paged.stdout).decisions).toEqual([
      expect.objectContaining({ alertname: 'SupportTriageBlocked', action: 'page', decision: 'notified' }),
    ]);
    await setValues({ blocked: 0.01, leaks: 3 });
    const notified = await check();
    expect(notified.code).toBe(1);
    expect(parseJsonOutput<Report>(notified.stdout).decisions).toEqual([
      expect.objectContaining({ alertname: 'SupportTriageLeak', action: 'notify', decision: 'notified' }),
    ]);
    expect(await readFile(path, 'utf8')).toBe(before);
    expect(await trail()).toEqual([]);
  });

  it('reads an http signal through its source, as the gate does, with the header from the environment', async () => {
    let latency: unknown = 900;
    const server = await startHttpServer((request, response) => {
      if (request.headers.authorization !== 'Bearer metrics-token-for-guard') return sendJson(response, 401, { error: 'no' });
      sendJson(response, 200, { data: { p95: latency } });
    });
    try {
      const manifest = JSON.parse(await readFile(path, 'utf8'));
      manifest.metrics.sources.api = {
        type: 'http',
        url: server.url,
        headers: { Authorization: 'env:GUARD_METRICS_TOKEN' },
        timeout: '10s',
      };
      manifest.metrics.signals.latency_p95_ms = { source: 'api', path: '/latency?from=$startEpoch&to=$endEpoch', pointer: '/data/p95' };
      manifest.metrics.alerts = [{ id: 'slow', signal: 'latency_p95_ms', max: 2000, action: 'pause' }];
      await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`);
      const env = { GUARD_METRICS_TOKEN: 'Bearer metrics-token-for-guard' };
      const run = () =>
        runInProcess(['guard', 'check', 'support-triage/rollout.json', '--format', 'json', '--rate-window', '10m'], { cwd: dir, env });

      const quiet = await run();
      expect(quiet.code, quiet.stdout).toBe(0);
      expect(parseJsonOutput<Report>(quiet.stdout).alerts).toEqual([
        expect.objectContaining({ alert: 'SupportTriageSlow', status: 'ok', value: 900, detail: '900 (max 2000)' }),
      ]);
      const [request] = server.requests;
      const query = new URL(request?.url ?? '', server.url).searchParams;
      // The window the source is asked about is the rate window, ending now.
      expect(Number(query.get('to')) - Number(query.get('from'))).toBe(600);

      latency = 2500;
      const slow = await run();
      expect(slow.code).toBe(1);
      const [entry] = await trail();
      expect(entry).toMatchObject({
        action: 'pause',
        actor: 'guard:SupportTriageSlow',
        reason: 'SupportTriageSlow: latency_p95_ms is 2500 (max 2000)',
      });
      expect(entry?.details['trigger']).toMatchObject({ alertname: 'SupportTriageSlow', value: '2500' });

      // Without the header's variable the source fails: exit 2, reported, nothing more written.
      const unset = await runInProcess(['guard', 'check', 'support-triage/rollout.json', '--format', 'json'], { cwd: dir });
      expect(unset.code).toBe(2);
      expect(parseJsonOutput<Report>(unset.stdout).alerts[0]).toMatchObject({
        status: 'error',
        detail: expect.stringContaining('GUARD_METRICS_TOKEN'),
      });
      expect(await trail()).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('--commit commits the manifest and its trail with a message naming the alert, and nothing else', async () => {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
    await setValues({ blocked: 0.3, leaks: 0 });
    git('init', '-q', '-b', 'main');
    git('config', 'user.email', 'ci@example.com');
    git('config', 'user.name', 'CI');
    git('add', '.');
    git('commit', '-qm', 'init');
    await writeFile(join(dir, 'unrelated.txt'), 'left alone\n');
    const result = await check('--commit');
    expect(result.code).toBe(1);
    expect(parseJsonOutput<{ commits: unknown[] }>(result.stdout).commits).toEqual([{ manifest: 'support-triage/rollout.json', ok: true }]);
    expect(git('log', '--format=%s', '-n', '1').trim()).toBe('agent-rollout guard: pause by SupportTriageBlocked (support-triage)');
    expect(git('show', '--name-only', '--format=', 'HEAD').trim().split('\n').sort()).toEqual([
      'support-triage/rollout.audit.jsonl',
      'support-triage/rollout.json',
    ]);
    expect(git('status', '--porcelain').trim()).toBe('?? unrelated.txt');
    // Found in place the next time: nothing to commit, no new commit.
    const again = await check('--commit');
    expect(again.code).toBe(1);
    expect(git('rev-list', '--count', 'HEAD').trim()).toBe('2');
  });
});
