import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alive } from '../helpers/processes.js';
import { copyExample, parseJsonOutput, runInProcess, tempDir } from '../helpers/cli.js';
import { sendJson, startHttpServer } from '../helpers/http-server.js';
import type { LoopbackServer } from '../helpers/http-server.js';
import { recordRefusalTestsPassed } from '../helpers/refusal-tests.js';

interface Check {
  id: string;
  status: string;
  observed: unknown;
  reason: string;
}
interface GateJson {
  verdict: string;
  criteria: Check[];
  prerequisites: Check[];
  inputs: { metrics: { signal: string; origin: { kind: string; url?: string; argv?: string[] } }[] };
}

const TOKEN = 'Bearer metrics-reader-7f3a9c';
const SINCE = '2026-10-01T00:00:00Z';
const AT = '2026-10-08T00:00:00Z';

/**
 * The command source: `sh scripts/metric.sh <what> [window]`. It records the window it was
 * given ("-" when none), prints a number or {"value": n}, or fails. A shell script: it starts
 * in milliseconds, where Node takes a tenth of a second of CPU each time.
 */
const METRIC_SCRIPT = `printf '%s %s %s %s\\n' "$1" "\${2:--}" "$AGENT_ROLLOUT_WINDOW" "$AGENT_ROLLOUT_WINDOW_END" >> command-calls.log
case "$1" in
  zero) echo 0 ;;
  json) echo '{"value": 0}' ;;
  words) echo zero ;;
  fail) echo 'cannot reach the SIEM at siem.internal:443' >&2; exit 3 ;;
esac
`;

/**
 * The command that hangs, with a child of its own, both pids written down so the test can check
 * they were stopped. A shell script, which starts in milliseconds even on a loaded machine, so
 * its source's timeout can be short: the test waits it out.
 */
const HANG_SCRIPT = 'sleep 300 &\necho "[$$, $!]" > hang.pids\nwait\n';

let dir: string;
let cleanup: () => Promise<void>;
let server: LoopbackServer;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  server = await startHttpServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    if (request.headers.authorization !== TOKEN) return sendJson(response, 401, { error: 'unauthorized' });
    switch (url.pathname) {
      case '/invocations':
        return sendJson(response, 200, { data: { value: url.searchParams.get('window') === '7d' ? 140 : 1 } });
      case '/cost':
        return sendJson(response, 200, { cost: { usd: 0.081 } });
      case '/cost-text':
        return sendJson(response, 200, { cost: { usd: '0.081' } });
      case '/cost-null':
        return sendJson(response, 200, { cost: { usd: null } });
      case '/broken':
        response.writeHead(500, { 'content-type': 'text/plain' });
        return response.end('upstream metrics store is down\n');
      case '/huge': {
        response.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(1024 * 1024, 0x20);
        for (let i = 0; i < 11; i++) response.write(chunk);
        return response.end('{}');
      }
      case '/slow':
        return; // never answers
      default:
        return sendJson(response, 404, { error: 'no such metric' });
    }
  });
});
afterAll(async () => {
  await server?.close();
  await cleanup?.();
});

let count = 0;
async function project(signals: { cost?: string; security?: string } = {}): Promise<string> {
  const folder = await copyExample('support-triage', join(dir, `s${++count}`));
  const path = join(folder, 'rollout.json');
  const manifest = JSON.parse(await readFile(path, 'utf8'));
  manifest.metrics.sources = {
    // No test waits these out: they leave a loaded machine time to send 11 MB.
    api: { type: 'http', url: server.url, headers: { Authorization: 'env:METRICS_TOKEN' }, timeout: '10s' },
    cmd: { type: 'command', run: ['sh', 'scripts/metric.sh'], timeout: '10s' },
    // The sources the timeout tests wait out.
    'api-hasty': { type: 'http', url: server.url, headers: { Authorization: 'env:METRICS_TOKEN' }, timeout: '1s' },
    'cmd-hasty': { type: 'command', run: ['sh', 'scripts/hang.sh'], timeout: '1s' },
  };
  for (const signal of Object.values(manifest.metrics.signals) as any[]) {
    delete signal.query;
    signal.source = 'api';
    signal.path = '/unused';
    signal.pointer = '/value';
  }
  manifest.metrics.signals.invocations = { source: 'api', path: '/invocations?window=$window', pointer: '/data/value' };
  manifest.metrics.signals.cost_per_invocation_usd =
    signals.cost === '/slow'
      ? { source: 'api-hasty', path: '/slow', pointer: '/cost/usd', unit: 'USD' }
      : { source: 'api', path: signals.cost ?? '/cost', pointer: '/cost/usd', unit: 'USD' };
  manifest.metrics.signals.security_events =
    signals.security === 'hang' ? { source: 'cmd-hasty' } : { source: 'cmd', args: [signals.security ?? 'zero', '$window'] };
  manifest.metrics.signals.output_policy_violations = { source: 'cmd', args: ['json'] };
  manifest.state.since = SINCE;
  await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`);
  await writeFile(join(folder, 'scripts', 'metric.sh'), METRIC_SCRIPT);
  await writeFile(join(folder, 'scripts', 'hang.sh'), HANG_SCRIPT);
  await recordRefusalTestsPassed(path);
  return folder;
}

async function gate(folder: string, env: Record<string, string | undefined> = { METRICS_TOKEN: TOKEN }) {
  const result = await runInProcess(['gate', '--at', AT, '--format', 'json'], { cwd: folder, env });
  return { ...result, report: parseJsonOutput<GateJson>(result.stdout) };
}

const check = (report: GateJson, id: string): Check => {
  const found = [...report.criteria, ...report.prerequisites].find((c) => c.id === id);
  if (!found) throw new Error(`no ${id}`);
  return found;
};

describe('gate with http and command sources', () => {
  it('go: numbers from a JSON pointer over HTTP and from commands, with the header read from the environment', async () => {
    const folder = await project();
    const before = server.requests.length;
    const { code, report, stdout, stderr } = await gate(folder);
    expect(stderr).toBe('');
    expect(report.verdict).toBe('go');
    expect(code).toBe(0);
    expect(check(report, 'min-samples')).toMatchObject({ status: 'pass', observed: 140 });
    expect(check(report, 'cost-within-estimate')).toMatchObject({ status: 'pass', observed: 0.081 });
    const seen = server.requests.slice(before);
    expect(seen.map((r) => r.url).sort()).toEqual(['/cost', '/invocations?window=7d']);
    expect(seen.every((r) => r.headers.authorization === TOKEN)).toBe(true);
    expect(stdout).not.toContain('metrics-reader-7f3a9c');
    expect(report.inputs.metrics.find((m) => m.signal === 'invocations')?.origin.url).toBe(`${server.url}/invocations?window=7d`);
    expect(report.inputs.metrics.find((m) => m.signal === 'security_events')?.origin.argv).toEqual([
      'sh',
      'scripts/metric.sh',
      'zero',
      '7d',
    ]);
    const calls = (await readFile(join(folder, 'command-calls.log'), 'utf8')).trim().split('\n').sort();
    expect(calls).toEqual(['json - 7d 2026-10-08T00:00:00.000Z', 'zero 7d 7d 2026-10-08T00:00:00.000Z']);
  });

  it('error: HTTP 500 names the criterion that depended on it', async () => {
    const { code, report } = await gate(await project({ cost: '/broken' }));
    expect(report.verdict).toBe('error');
    expect(code).toBe(2);
    expect(check(report, 'cost-within-estimate')).toMatchObject({
      status: 'error',
      reason: `api (http at ${server.url}/broken): HTTP 500: upstream metrics store is down`,
    });
    expect(report.criteria.filter((c) => c.status === 'error').map((c) => c.id)).toEqual(['cost-within-estimate']);
  });

  it('error: a server that does not answer times out', async () => {
    const { code, report } = await gate(await project({ cost: '/slow' }));
    expect(code).toBe(2);
    expect(check(report, 'cost-within-estimate')).toMatchObject({
      status: 'error',
      reason: `api-hasty (http at ${server.url}/slow): no answer within 1s (timed out)`,
    });
  });

  it('error: a header whose environment variable is not set fails before any request', async () => {
    const folder = await project();
    const before = server.requests.length;
    const { code, report } = await gate(folder, {});
    expect(code).toBe(2);
    expect(check(report, 'min-samples')).toMatchObject({
      status: 'error',
      reason: 'api (http): header Authorization needs the environment variable METRICS_TOKEN, which is not set',
    });
    expect(server.requests.length).toBe(before);
  });

  it('error: an answer over 10 MB is refused; a string at the pointer is not a number; null is no data', async () => {
    const huge = await gate(await project({ cost: '/huge' }));
    expect(huge.code).toBe(2);
    expect(check(huge.report, 'cost-within-estimate').reason).toBe(`api (http at ${server.url}/huge): the answer is larger than 10 MB`);
    const text = await gate(await project({ cost: '/cost-text' }));
    expect(text.code).toBe(2);
    expect(check(text.report, 'cost-within-estimate').reason).toBe(
      `api (http at ${server.url}/cost-text): /cost/usd: the string "0.081" is not a number (signal cost_per_invocation_usd's pointer)`,
    );
    const empty = await gate(await project({ cost: '/cost-null' }));
    expect(empty.code).toBe(3);
    expect(check(empty.report, 'cost-within-estimate')).toMatchObject({
      status: 'inconclusive',
      reason: 'no data: /cost/usd is null in the answer',
    });
  });

  it('error: a command that hangs past its timeout is stopped, with everything it started', async () => {
    const folder = await project({ security: 'hang' });
    const { code, report } = await gate(folder);
    expect(code).toBe(2);
    expect(check(report, 'zero-security-events')).toMatchObject({
      status: 'error',
      reason: 'cmd-hasty (command sh): did not finish within 1s; it was stopped',
    });
    const pids = JSON.parse(await readFile(join(folder, 'hang.pids'), 'utf8')) as number[];
    expect(pids).toHaveLength(2);
    for (let i = 0; i < 50 && pids.some(alive); i++) await sleep(100);
    expect(pids.filter(alive)).toEqual([]);
  });

  it('error: a command that fails or prints words names the criterion, with its stderr', async () => {
    const failing = await gate(await project({ security: 'fail' }));
    expect(failing.code).toBe(2);
    expect(check(failing.report, 'zero-security-events').reason).toBe(
      'cmd (command sh): exited with code 3: cannot reach the SIEM at siem.internal:443',
    );
    const words = await gate(await project({ security: 'words' }));
    expect(words.code).toBe(2);
    expect(check(words.report, 'zero-security-events').reason).toBe('cmd (command sh): printed "zero", which is not a number');
  });
});
