import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyExample, parseJsonOutput, runInProcess, tempDir } from '../helpers/cli.js';
import { guardManifest } from '../helpers/guard.js';
import type { LoopbackServer } from '../helpers/http-server.js';
import { startHttpServer } from '../helpers/http-server.js';
import { recordRefusalTestsPassed } from '../helpers/refusal-tests.js';

/**
 * Every command that changes or records something tells the manifest's notification sinks, after
 * the change, and says how each delivery went in its JSON output; a sink that fails is a warning
 * on standard error and changes neither the exit code nor the state. The sinks are HTTP servers on
 * 127.0.0.1 (one that answers, and a port nothing listens on); the commands run in-process.
 */

const EVERY_EVENT = ['advance', 'rollback', 'pause', 'resume', 'enable', 'disable', 'org', 'mode', 'gate', 'drill', 'guard'];
const WEEK = { start: '2026-10-01T00:00:00Z', end: '2026-10-08T00:00:00Z' };
const PILOT = { security_events: 0, cost_per_invocation_usd: 0.081, output_policy_violations: 0, invocations: 140 };
const metrics = (values: Record<string, unknown> = {}): string => JSON.stringify({ window: WEEK, values: { ...PILOT, ...values } });

interface Received {
  url: string;
  body: Record<string, any>;
}

interface Notified {
  notifications?: { sink: string; ok: boolean; status?: number; problem?: string }[];
}

let sink: LoopbackServer;
const received: Received[] = [];
let closedPort: number;

beforeAll(async () => {
  sink = await startHttpServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      received.push({ url: request.url ?? '', body: JSON.parse(body) as Record<string, any> });
      response.writeHead(200).end('ok');
    });
  });
  closedPort = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
    });
  });
});

afterAll(async () => {
  await sink?.close();
});

/** The JSON bodies the `json` sink at `path` received for `event`, in order. */
function bodiesFor(path: string, event: string): Record<string, any>[] {
  return received.filter((r) => r.url === path && r.body['event'] === event).map((r) => r.body);
}

/** Each delivery of a command's JSON output as [sink, ok]. */
function deliveries(stdout: string): [string, boolean][] {
  return (parseJsonOutput<Notified>(stdout).notifications ?? []).map((n) => [n.sink, n.ok]);
}

describe('notifications from the state commands', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  const HOOK_PATH = '/hooks/T1/B2/notForYourEyes';

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    await guardManifest(dir, {
      notify: {
        sinks: [
          { id: 'chat', url: 'env:NOTIFY_TEST_HOOK', format: 'slack', events: ['pause', 'resume'] },
          { id: 'broken', url: `http://127.0.0.1:${closedPort}/nowhere`, format: 'json', events: ['pause'], timeout: '2s' },
        ],
      },
    });
  });

  afterAll(async () => {
    await cleanup?.();
  });

  it('sends pause and resume to the sinks that list them; a failed sink is a warning, exit 0', async () => {
    const env = { NOTIFY_TEST_HOOK: `${sink.url}${HOOK_PATH}` };
    const paused = await runInProcess(['pause', '-m', 'support-triage/rollout.json', '--reason', 'INC-1 <!channel>', '--format', 'json'], {
      cwd: dir,
      env,
    });
    expect(paused.code).toBe(0);
    expect(paused.stderr).toBe(
      `warning: notification to sink broken (http://127.0.0.1:${closedPort}/…) failed: ECONNREFUSED; the change stands\n`,
    );
    expect(parseJsonOutput<{ changed: boolean }>(paused.stdout).changed).toBe(true);
    expect(deliveries(paused.stdout)).toEqual([
      ['chat', true],
      ['broken', false],
    ]);
    const resumed = await runInProcess(['resume', '-m', 'support-triage/rollout.json', '--reason', 'fixed'], { cwd: dir, env });
    expect(resumed.code).toBe(0);
    const hook = received.filter((r) => r.url === HOOK_PATH);
    expect(hook).toHaveLength(2);
    expect(hook[0]?.body['text']).toContain('paused the rollout at stage "internal-pilot"');
    expect(hook[0]?.body['text']).toContain('reason: INC-1 &lt;!channel&gt;');
    expect(hook[1]?.body['text']).toContain('resumed the rollout');
    for (const output of [paused.stdout, paused.stderr, resumed.stdout, resumed.stderr]) expect(output).not.toContain(HOOK_PATH);
  });
});

describe('notifications from advance, rollback, enable, disable, org, mode, gate --record and drill', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let folder: string;
  let path: string;
  const SINK_PATH = '/events/every';
  let brokenWarning: string;

  const run = (args: string[], input?: string) =>
    runInProcess([...args, '--actor', 'alice@example.com'], { cwd: folder, ...(input !== undefined ? { input } : {}) });
  const state = async () => (JSON.parse(await readFile(path, 'utf8')) as { state: Record<string, any> }).state;
  const trail = async () =>
    (await readFile(join(folder, 'rollout.audit.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { seq: number; action: string });

  /** What every command below must show: both sinks tried, the failed one in the output and on stderr. */
  function expectBothSinks(result: { stdout: string; stderr: string }): void {
    expect(deliveries(result.stdout)).toEqual([
      ['every', true],
      ['broken', false],
    ]);
    expect(parseJsonOutput<Notified>(result.stdout).notifications?.[1]?.problem).toBe('ECONNREFUSED');
    expect(result.stderr).toContain(brokenWarning);
  }

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    folder = await copyExample('support-triage', dir);
    path = join(folder, 'rollout.json');
    brokenWarning = `warning: notification to sink broken (http://127.0.0.1:${closedPort}/…) failed: ECONNREFUSED; the change stands\n`;
    const manifest = JSON.parse(await readFile(path, 'utf8'));
    manifest.metrics.sources.prom.url = `http://127.0.0.1:${closedPort}`;
    manifest.state.since = WEEK.start;
    manifest.notify = {
      sinks: [
        { id: 'every', url: `${sink.url}${SINK_PATH}`, format: 'json', events: EVERY_EVENT },
        { id: 'broken', url: `http://127.0.0.1:${closedPort}/hook`, format: 'json', events: EVERY_EVENT, timeout: '2s' },
      ],
    };
    await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`);
    await recordRefusalTestsPassed(path);
  });

  afterAll(async () => {
    await cleanup?.();
  });

  it('an advance refused by its gate tells nobody', async () => {
    const before = received.length;
    const result = await run(['advance', '--metrics', '-', '--format', 'json'], metrics({ security_events: 3 }));
    expect(result.code).toBe(1);
    expect(parseJsonOutput<Notified>(result.stdout).notifications).toBeUndefined();
    expect(received.length).toBe(before);
  });

  it('advance: the sinks hear of the move after it is committed; the failed delivery is in the JSON output, exit 0', async () => {
    const result = await run(['advance', '--metrics', '-', '--format', 'json', '--reason', 'pilot review'], metrics());
    expect(result.code).toBe(0);
    expectBothSinks(result);
    expect(parseJsonOutput<{ advance: { advanced: boolean } }>(result.stdout).advance.advanced).toBe(true);
    expect((await state())['stage']).toBe('limited-beta');
    const [event] = bodiesFor(SINK_PATH, 'advance');
    expect(event).toMatchObject({
      events: ['advance'],
      agent: 'support-triage',
      actor: 'alice@example.com',
      reason: 'pilot review',
      summary: expect.stringMatching(/^internal-pilot -> limited-beta by alice@example\.com \(audit entry \d+\)/),
    });
  });

  it('rollback, disable, enable, mode and org: each tells the sinks its own event; the broken sink changes nothing', async () => {
    const steps: { args: string[]; event: string; summary: RegExp; after: (s: Record<string, any>) => unknown; expected: unknown }[] = [
      {
        args: ['rollback', '--reason', 'beta regression'],
        event: 'rollback',
        summary: /limited-beta/,
        after: (s) => s['stage'],
        expected: 'internal-pilot',
      },
      { args: ['disable', '--reason', 'INC-9'], event: 'disable', summary: /off/, after: (s) => s['enabled'], expected: false },
      { args: ['enable', '--reason', 'INC-9 closed'], event: 'enable', summary: /on/, after: (s) => s['enabled'], expected: true },
      { args: ['mode', 'enforce'], event: 'mode', summary: /enforce/, after: (s) => s['governanceMode'], expected: 'enforce' },
      {
        args: ['org', 'disable', 'support-pilot', '--reason', 'opt-out'],
        event: 'org',
        summary: /support-pilot/,
        after: (s) => s['orgs']['support-pilot']['enabled'],
        expected: false,
      },
    ];
    for (const step of steps) {
      const entries = (await trail()).length;
      const result = await run([...step.args, '--format', 'json']);
      expect(result.code, `${step.event}: ${result.stderr}`).toBe(0);
      expectBothSinks(result);
      expect(step.after(await state()), step.event).toEqual(step.expected);
      expect(await trail()).toHaveLength(entries + 1);
      const bodies = bodiesFor(SINK_PATH, step.event);
      expect(bodies, step.event).toHaveLength(1);
      expect(bodies[0]?.['summary'], step.event).toMatch(step.summary);
      expect(bodies[0]?.['events']).toEqual([step.event]);
    }
    expect((await runInProcess(['audit', 'verify'], { cwd: folder })).code).toBe(0);
  });

  it('gate --record: a no-go and an inconclusive verdict are told, with the delivery in the JSON output; a go is not', async () => {
    const entries = (await trail()).length;
    const noGo = await run(['gate', '--record', '--metrics', '-', '--format', 'json'], metrics({ security_events: 1 }));
    expect(noGo.code).toBe(1);
    expectBothSinks(noGo);
    expect(noGo.stderr).toMatch(/^Recorded the no-go verdict as audit entry \d+ \(by alice@example\.com\)\.\n/);
    const inconclusive = await run(['gate', '--record', '--metrics', '-', '--format', 'json'], metrics({ invocations: 50 }));
    expect(inconclusive.code).toBe(3);
    expectBothSinks(inconclusive);
    expect(bodiesFor(SINK_PATH, 'gate').map((b) => b['summary'])).toEqual([
      expect.stringMatching(/^gate for stage internal-pilot: no-go \(recorded as audit entry \d+\)$/),
      expect.stringMatching(/^gate for stage internal-pilot: inconclusive \(recorded as audit entry \d+\)$/),
    ]);
    expect((await trail()).slice(entries).map((e) => e.action)).toEqual(['gate', 'gate']);
    // Without --record nothing is recorded, so nothing is told either.
    const unrecorded = await run(['gate', '--metrics', '-', '--format', 'json'], metrics({ security_events: 1 }));
    expect(unrecorded.code).toBe(1);
    expect(parseJsonOutput<Notified>(unrecorded.stdout).notifications).toBeUndefined();
    expect(bodiesFor(SINK_PATH, 'gate')).toHaveLength(2);
  });

  it('drill: a failed drill is told, with the delivery in the JSON output and not in the report file; exit code as without sinks', async () => {
    const manifest = JSON.parse(await readFile(path, 'utf8'));
    manifest.rollback = {
      window: '1m',
      steps: [{ id: 'kill-switch', run: ['sh', '-c', 'echo cannot reach the flag service >&2; exit 3'], timeout: '20s' }],
    };
    await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`);
    const result = await run(['drill', '--format', 'json']);
    expect(result.code).toBe(1);
    expectBothSinks(result);
    const report = parseJsonOutput<{ passed: boolean; files: { report: string } }>(result.stdout);
    expect(report.passed).toBe(false);
    const onDisk = JSON.parse(await readFile(join(folder, report.files.report), 'utf8')) as Record<string, unknown>;
    expect(onDisk['notifications']).toBeUndefined();
    const [event] = bodiesFor(SINK_PATH, 'drill');
    expect(event?.['summary']).toBe(`the rollback drill failed: report ${report.files.report}`);
    expect((await trail()).at(-1)?.action).toBe('drill');
  });
});
