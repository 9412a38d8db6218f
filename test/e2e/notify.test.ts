import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJsonOutput, runCli, tempDir } from '../helpers/cli.js';
import { guardManifest } from '../helpers/guard.js';
import type { LoopbackServer } from '../helpers/http-server.js';
import { startHttpServer } from '../helpers/http-server.js';

/** The state commands tell the manifest's notification sinks, after the change, and a failed delivery never fails the command. */
describe('notifications from the state commands', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let sink: LoopbackServer;
  const received: { url: string; body: Record<string, any> }[] = [];
  const HOOK_PATH = '/hooks/T1/B2/notForYourEyes';

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    sink = await startHttpServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        received.push({ url: request.url ?? '', body: JSON.parse(body) as Record<string, any> });
        response.writeHead(200).end('ok');
      });
    });
    await guardManifest(dir, {
      notify: {
        sinks: [
          { id: 'chat', url: 'env:NOTIFY_TEST_HOOK', format: 'slack', events: ['pause', 'resume'] },
          { id: 'broken', url: 'http://127.0.0.1:9/nowhere', format: 'json', events: ['pause'], timeout: '2s' },
        ],
      },
    });
  });

  afterAll(async () => {
    await sink?.close();
    await cleanup?.();
  });

  it('sends pause and resume to the sinks that list them; a failed sink is a warning, exit 0', async () => {
    const env = { NOTIFY_TEST_HOOK: `${sink.url}${HOOK_PATH}` };
    const paused = await runCli(['pause', '-m', 'support-triage/rollout.json', '--reason', 'INC-1 <!channel>', '--format', 'json'], {
      cwd: dir,
      env,
    });
    expect(paused.code).toBe(0);
    expect(paused.stderr).toMatch(/^warning: notification to sink broken \(http:\/\/127\.0\.0\.1:9\/…\) failed: .+; the change stands$/m);
    const report = parseJsonOutput<{ changed: boolean; notifications: { sink: string; ok: boolean }[] }>(paused.stdout);
    expect(report.changed).toBe(true);
    expect(report.notifications.map((n) => [n.sink, n.ok])).toEqual([
      ['chat', true],
      ['broken', false],
    ]);
    const resumed = await runCli(['resume', '-m', 'support-triage/rollout.json', '--reason', 'fixed'], { cwd: dir, env });
    expect(resumed.code).toBe(0);
    expect(received.map((r) => r.url)).toEqual([HOOK_PATH, HOOK_PATH]);
    expect(received[0]?.body['text']).toContain('paused the rollout at stage "internal-pilot"');
    expect(received[0]?.body['text']).toContain('reason: INC-1 &lt;!channel&gt;');
    expect(received[1]?.body['text']).toContain('resumed the rollout');
    for (const output of [paused.stdout, paused.stderr, resumed.stdout, resumed.stderr]) expect(output).not.toContain(HOOK_PATH);
  });
});
