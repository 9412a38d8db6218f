import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FlagdCore } from '@openfeature/flagd-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseJsonOutput, runCli, runInProcess, tempDir } from '../helpers/cli.js';
import { guardManifest } from '../helpers/guard.js';

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
});
