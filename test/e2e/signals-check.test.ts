import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyExample, parseJsonOutput, runInProcess, tempDir } from '../helpers/cli.js';
import { sendJson, startHttpServer } from '../helpers/http-server.js';
import type { LoopbackServer } from '../helpers/http-server.js';

/** `signals check` over http and command sources (the Prometheus side: test/e2e/otel-genai-prometheus.test.ts). */

interface Probe {
  signal: string;
  source: string;
  type: string;
  status: string;
  value?: number;
  series: number;
  attribution?: { label: string; present: boolean | null };
  queryMs: number;
  reason?: string;
}
interface CheckJson {
  stage: string;
  next?: string;
  window: { start: string; end: string; basis: string };
  needed: string[];
  probes: Probe[];
  outcome: string;
  missing: string[];
  failed: string[];
}

const TOKEN = 'Bearer signals-reader-51c0e8';
const SINCE = '2026-11-20T00:00:00Z';

let dir: string;
let cleanup: () => Promise<void>;
let server: LoopbackServer;
let env: Record<string, string>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('agent-rollout-signals-check-'));
  env = { METRICS_TOKEN: TOKEN, AGENT_ROLLOUT_ACTOR: 'alice@example.com', AGENT_ROLLOUT_CONFIG_DIR: join(dir, '.config') };
  server = await startHttpServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    if (request.headers.authorization !== TOKEN) return sendJson(response, 401, { error: 'unauthorized' });
    switch (url.pathname) {
      case '/count':
        return sendJson(response, 200, { rows: [{ trigger: 'ticket-created', value: 140, window: url.searchParams.get('w') }] });
      case '/zero':
        return sendJson(response, 200, { value: 0 });
      case '/null':
        return sendJson(response, 200, { value: null });
      case '/broken':
        response.writeHead(500, { 'content-type': 'text/plain' });
        return response.end('metrics store is down\n');
    }
    return sendJson(response, 404, { error: 'not found' });
  });
});
afterAll(async () => {
  await server?.close();
  await cleanup?.();
});

/**
 * The command source: `sh scripts/metric.sh <what> <window>`. It records its arguments and the
 * window it was given in the environment, then prints a number, prints {"value": null} (no data)
 * or fails with a message on stderr. A shell script: it starts in milliseconds.
 */
const METRIC_SCRIPT = `printf '%s %s %s\\n' "$1" "$2" "$AGENT_ROLLOUT_WINDOW" >> command-calls.log
case "$1" in
  value) echo 0.012 ;;
  none) echo '{"value": null}' ;;
  fail) echo 'cannot reach the warehouse at dwh.internal:5432' >&2; exit 4 ;;
esac
`;

let count = 0;
/**
 * support-triage on http sources: every signal answers 0 unless `paths` says otherwise; a signal
 * named in `commands` runs the command source with those arguments instead.
 */
async function project(paths: Record<string, string> = {}, commands: Record<string, string[]> = {}): Promise<string> {
  const folder = await copyExample('support-triage', join(dir, `p${++count}`));
  const path = join(folder, 'rollout.json');
  const manifest = JSON.parse(await readFile(path, 'utf8'));
  manifest.metrics.sources = {
    api: { type: 'http', url: server.url, headers: { Authorization: 'env:METRICS_TOKEN' } },
    cmd: { type: 'command', run: ['sh', 'scripts/metric.sh'], timeout: '10s' },
  };
  await writeFile(join(folder, 'scripts', 'metric.sh'), METRIC_SCRIPT);
  for (const [name, signal] of Object.entries(manifest.metrics.signals) as [string, Record<string, unknown>][]) {
    delete signal.query;
    const args = commands[name];
    Object.assign(signal, args ? { source: 'cmd', args } : { source: 'api', path: paths[name] ?? '/zero', pointer: '/value' });
  }
  manifest.metrics.signals.invocations = {
    ...manifest.metrics.signals.invocations,
    path: paths.invocations ?? '/count?w=$window',
    pointer: '/rows/0/value',
  };
  manifest.state.since = SINCE;
  await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`);
  return folder;
}

const check = (folder: string, args: string[] = []) => runInProcess(['signals', 'check', ...args], { cwd: folder, env });
const json = async (folder: string, args: string[] = []) => {
  const result = await check(folder, ['--format', 'json', ...args]);
  return { ...result, report: parseJsonOutput<CheckJson>(result.stdout) };
};

describe('signals check', () => {
  it('exit 0: every signal returned data; per signal the source, value, series, attribution and query time', async () => {
    const folder = await project();
    const result = await check(folder);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Signals of support-triage over \S+ \(2026-11-20 00:00:00 UTC to .+, since the stage was entered\)\n/);
    expect(result.stdout).toContain('  needed by the gates of internal-pilot and limited-beta (marked *)\n');
    // The attribution label is in the answer for invocations (a "trigger" key), not for the others.
    expect(result.stdout).toMatch(/\n\* invocations +api \(http\) +✔ yes +140 +1 +✔ trigger +\d+ms\n/);
    expect(result.stdout).toMatch(/\n {2}tool_calls +api \(http\) +✔ yes +0 +1 +✖ trigger +\d+ms\n/);
    expect(result.stdout).toMatch(/✔ every signal the next gate needs returned data \(8 signals\)\n$/);

    const { report } = await json(folder, ['--window', '36h']);
    expect(report).toMatchObject({ stage: 'internal-pilot', next: 'limited-beta', outcome: 'ok', missing: [], failed: [] });
    expect(report.window.basis).toBe('--window');
    expect(Date.parse(report.window.end) - Date.parse(report.window.start)).toBe(36 * 3_600_000);
    expect(report.needed).toEqual(
      expect.arrayContaining(['invocations', 'security_events', 'error_rate', 'support_tickets_per_day', 'guardrail_trigger_rate']),
    );
    expect(report.needed).not.toContain('tool_calls');
    const invocations = report.probes.find((p) => p.signal === 'invocations');
    expect(invocations).toMatchObject({
      source: 'api',
      type: 'http',
      status: 'data',
      value: 140,
      series: 1,
      attribution: { label: 'trigger', present: true },
    });
    expect(typeof invocations?.queryMs).toBe('number');
    expect(server.requests.some((r) => r.url === '/count?w=1d12h')).toBe(true);
  });

  it('exit 1 when a signal the next gate needs has no data, naming it; a signal no gate needs does not count', async () => {
    const unneeded = await project({ tool_calls: '/null' });
    expect((await check(unneeded)).code).toBe(0);

    const folder = await project({ error_rate: '/null' });
    const result = await check(folder);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/\n\* error_rate +api \(http\) +✖ no +- +0 +/);
    expect(result.stdout).toContain('  ! error_rate: no data: /value is null in the answer\n');
    expect(result.stdout).toMatch(/✖ no data for error_rate, which the next gate needs: it would be inconclusive\n$/);
  });

  it('exit 2 when a source failed, whatever the signal', async () => {
    const folder = await project({ tool_latency_p95_seconds: '/broken' });
    const { code, report } = await json(folder);
    expect(code).toBe(2);
    expect(report.outcome).toBe('failed');
    expect(report.failed).toEqual(['tool_latency_p95_seconds']);
    expect(report.probes.find((p) => p.signal === 'tool_latency_p95_seconds')?.reason).toBe(
      `api (http at ${server.url}/broken): HTTP 500: metrics store is down`,
    );
    // A missing header variable is a failed source too, and the token never shows.
    const noToken = await runInProcess(['signals', 'check'], { cwd: folder, env: { ...env, METRICS_TOKEN: '' } });
    expect(noToken.code).toBe(2);
    expect(noToken.stdout).toContain('api (http): header Authorization needs the environment variable METRICS_TOKEN, which is not set');
  });

  it('a command source: its value (exit 0), {"value": null} as no data (exit 1), a failing command (exit 2)', async () => {
    // error_rate is read by the next gate (marked *); tool_calls by none.
    const folder = await project({}, { error_rate: ['value', '$window'], tool_calls: ['value', '$window'] });
    const data = await check(folder, ['--window', '2d']);
    expect(data.stderr).toBe('');
    expect(data.code).toBe(0);
    expect(data.stdout).toMatch(
      /\n\* error_rate +cmd \(command\) +✔ yes +0\.012 +1 +\? trigger \(a command prints a number, not labels\) +\d+ms\n/,
    );
    expect(data.stdout).toMatch(
      /\n {2}tool_calls +cmd \(command\) +✔ yes +0\.012 +1 +\? trigger \(a command prints a number, not labels\) +\d+ms\n/,
    );
    expect(data.stdout).toMatch(/✔ every signal the next gate needs returned data \(8 signals\)\n$/);
    // It was run from the manifest's folder with $window replaced in its arguments and given in its environment.
    const calls = (await readFile(join(folder, 'command-calls.log'), 'utf8')).trim().split('\n');
    expect(calls).toEqual(['value 2d 2d', 'value 2d 2d']);
    const { report } = await json(folder);
    expect(report.probes.find((p) => p.signal === 'error_rate')).toMatchObject({
      source: 'cmd',
      type: 'command',
      status: 'data',
      value: 0.012,
      series: 1,
      attribution: { label: 'trigger', present: null },
    });

    const none = await check(await project({}, { error_rate: ['none'] }));
    expect(none.code).toBe(1);
    expect(none.stdout).toMatch(/\n\* error_rate +cmd \(command\) +✖ no +- +0 +/);
    expect(none.stdout).toContain('  ! error_rate: no data: the command printed {"value": null}\n');
    expect(none.stdout).toMatch(/✖ no data for error_rate, which the next gate needs: it would be inconclusive\n$/);

    const failing = await project({}, { tool_calls: ['fail'] });
    const failed = await json(failing);
    expect(failed.code).toBe(2);
    expect(failed.report).toMatchObject({ outcome: 'failed', failed: ['tool_calls'], missing: [] });
    expect(failed.report.probes.find((p) => p.signal === 'tool_calls')).toMatchObject({
      status: 'error',
      reason: 'cmd (command sh): exited with code 4: cannot reach the warehouse at dwh.internal:5432',
    });
    const failedText = await check(failing);
    expect(failedText.code).toBe(2);
    expect(failedText.stdout).toContain(
      '  ! tool_calls: cmd (command sh): exited with code 4: cannot reach the warehouse at dwh.internal:5432\n',
    );
  });

  it('--record appends the check to the trail; plan and status show the last one', async () => {
    const folder = await project({ error_rate: '/null' });
    const recorded = await check(folder, ['--record', '--reason', 'before the pilot review']);
    expect(recorded.code).toBe(1);
    expect(recorded.stderr).toMatch(/^Recorded the signals check \(missing\) as audit entry \d+ \(by alice@example\.com\)\.\n$/);
    const trail = (await readFile(join(folder, 'rollout.audit.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const entry = trail.at(-1);
    expect(entry).toMatchObject({
      action: 'signals-check',
      actor: 'alice@example.com',
      reason: 'before the pilot review',
      details: { stage: 'internal-pilot', outcome: 'missing', missing: ['error_rate'], failed: [] },
    });
    expect(entry.details.signals.find((s: { signal: string }) => s.signal === 'invocations')).toEqual({
      signal: 'invocations',
      source: 'api',
      status: 'data',
      value: 140,
      series: 1,
      attribution: { label: 'trigger', present: true },
    });
    expect(JSON.stringify(trail)).not.toContain('signals-reader-51c0e8');
    const plan = await runInProcess(['plan'], { cwd: folder, env });
    expect(plan.stdout).toMatch(
      /\n {2}signals check +no data for error_rate at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC by alice@example\.com \(seq \d+\)\n/,
    );
    const status = await runInProcess(['status'], { cwd: folder, env });
    expect(status.stdout).toMatch(
      /\n {2}signals +no data for error_rate at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC by alice@example\.com \(seq \d+\)\n/,
    );
    const audit = await runInProcess(['audit'], { cwd: folder, env });
    expect(audit.stdout).toContain('signals check internal-pilot: no data for error_rate');
    const verify = await runInProcess(['audit', 'verify'], { cwd: folder, env });
    expect(verify.code).toBe(0);
  });

  it('bad usage is exit 2 and records nothing', async () => {
    const folder = await project();
    const window = await check(folder, ['--window', 'soon']);
    expect(window.code).toBe(2);
    expect(window.stderr).toContain('--window soon: not a duration');
    const reason = await check(folder, ['--reason', 'why']);
    expect(reason.code).toBe(2);
    expect(reason.stderr).toContain('--reason is recorded with --record only');
    const help = await runInProcess(['signals', 'check', '--help'], { cwd: folder, env });
    expect(help.stdout).toContain('Exit codes: 0 every signal the current or next gate needs returned data');
  });
});
