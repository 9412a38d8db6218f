import { execFileSync } from 'node:child_process';
import { watch } from 'node:fs';
import { mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { FlagdCore } from '@openfeature/flagd-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJsonOutput, runCli, runInProcess, startInProcess, tempDir } from '../helpers/cli.js';
import type { RunningGuard } from '../helpers/guard.js';
import { TOKEN, deliver, guardManifest, payload, startGuard, startGuardInProcess, waitFor } from '../helpers/guard.js';
import type { LoopbackServer } from '../helpers/http-server.js';
import { startHttpServer } from '../helpers/http-server.js';

const PAUSE = { alertname: 'SupportTriageGuardrailTriggerRate', agent: 'support-triage', action: 'pause' };
const DISABLE = { alertname: 'SupportTriageSecurityEvent', agent: 'support-triage', action: 'disable' };
const PAUSE_ACTOR = 'alertmanager:SupportTriageGuardrailTriggerRate';
const SLACK_SECRET_PATH = '/services/T000/B000/sEcReTsEcReTsEcReT';
const SINK_TOKEN = 'sink-bearer-value-7f3a9c';

interface Entry {
  seq: number;
  actor: string;
  action: string;
  reason: string | null;
  details: Record<string, any>;
}

async function trail(dir: string, folder = 'support-triage'): Promise<Entry[]> {
  const text = await readFile(join(dir, folder, 'rollout.audit.jsonl'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Entry);
}

async function state(path: string): Promise<Record<string, any>> {
  return (JSON.parse(await readFile(path, 'utf8')) as { state: Record<string, any> }).state;
}

function enabledFlag(flagsText: string, agent: string, org: string): boolean {
  const core = new FlagdCore();
  core.setConfigurations(flagsText);
  return core.resolveBooleanEvaluation(`${agent}.enabled`, true, { orgId: org }).value;
}

describe('guard serve refuses to start without a token', () => {
  it('exits 2 with a hint, and changes nothing', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const path = await guardManifest(dir);
      const before = await readFile(path, 'utf8');
      const result = await runCli(['guard', 'serve', 'support-triage/rollout.json', '--listen', '127.0.0.1:0'], { cwd: dir });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^error: guard serve needs a token/);
      expect(result.stderr).toContain('hint: set AGENT_ROLLOUT_GUARD_TOKEN or pass --token-file');
      expect(await readFile(path, 'utf8')).toBe(before);
      const short = await runCli(['guard', 'serve', 'support-triage/rollout.json', '--listen', '127.0.0.1:0'], {
        cwd: dir,
        env: { AGENT_ROLLOUT_GUARD_TOKEN: 'short' },
      });
      expect(short.code).toBe(2);
      expect(short.stderr).toContain('at least 16 characters');
      for (const retryFor of ['soon', '2m']) {
        const bad = await runCli(['guard', 'serve', 'support-triage/rollout.json', '--listen', '127.0.0.1:0', '--retry-for', retryFor], {
          cwd: dir,
          env: { AGENT_ROLLOUT_GUARD_TOKEN: 'a-token-long-enough-for-the-guard' },
        });
        expect(bad.code).toBe(2);
        expect(bad.stderr).toContain(`error: --retry-for ${retryFor} is not a duration of at most 1m`);
      }
      expect(await readFile(path, 'utf8')).toBe(before);
    } finally {
      await cleanup();
    }
  });
});

describe('guard serve', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let path: string;
  let guard: RunningGuard;
  let sink: LoopbackServer;
  const received: { url: string; auth: string | undefined; body: Record<string, any> }[] = [];

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    sink = await startHttpServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        received.push({ url: request.url ?? '', auth: request.headers.authorization, body: JSON.parse(body) as Record<string, any> });
        response.writeHead(204).end();
      });
    });
    path = await guardManifest(dir, {
      notify: {
        sinks: [
          { id: 'chat', url: 'env:GUARD_TEST_SLACK_URL', format: 'slack', events: ['guard'] },
          {
            id: 'incidents',
            url: `${sink.url}/events`,
            format: 'json',
            events: ['pause', 'disable'],
            headers: { Authorization: 'env:GUARD_TEST_SINK_AUTH' },
          },
          { id: 'down', url: 'http://127.0.0.1:9/unreachable', format: 'json', events: ['disable'] },
        ],
      },
    });
    await runCli(['export', 'flagd', 'support-triage/rollout.json', '--out', 'flags.json'], { cwd: dir });
    guard = await startGuard(['support-triage/rollout.json', '--flagd-out', 'flags.json', '--log-format', 'json'], {
      cwd: dir,
      env: { GUARD_TEST_SLACK_URL: `${sink.url}${SLACK_SECRET_PATH}`, GUARD_TEST_SINK_AUTH: `Bearer ${SINK_TOKEN}` },
    });
  });

  afterAll(async () => {
    await guard?.stop();
    await sink?.close();
    await cleanup?.();
  });

  it('answers 401 to a request without the token, or with another, and changes nothing', async () => {
    const without = await deliver(guard.url, payload([PAUSE]), null);
    const wrong = await deliver(guard.url, payload([PAUSE]), 'not-the-token-at-all');
    expect([without.status, wrong.status]).toEqual([401, 401]);
    expect((await state(path))['paused']).toBeUndefined();
    expect(await trail(dir)).toEqual([]);
  });

  it('answers 400 to a body that is not an Alertmanager payload, 413 to one over 1 MB, 404 elsewhere', async () => {
    expect((await deliver(guard.url, '{"version":')).status).toBe(400);
    const v3 = await deliver(guard.url, JSON.stringify({ version: '3', alerts: [] }));
    expect(v3.status).toBe(400);
    expect(v3.body['error']).toContain('payload version "3" is not "4"');
    expect((await deliver(guard.url, JSON.stringify({ version: '4', alerts: 'x' }))).status).toBe(400);
    expect((await deliver(guard.url, `{"version":"4","alerts":[],"pad":"${'x'.repeat(1024 * 1024)}"}`)).status).toBe(413);
    expect((await fetch(`${guard.url}/other`)).status).toBe(404);
    expect(await trail(dir)).toEqual([]);
  });

  it('ignores an unknown agent, an unknown action and a resolved alert with 200, changing nothing', async () => {
    const answer = await deliver(
      guard.url,
      payload([
        { alertname: 'OtherAgentDown', agent: 'other-agent', action: 'pause' },
        { alertname: 'SupportTriageX', agent: 'support-triage', action: 'reboot' },
        { ...PAUSE, status: 'resolved' },
      ]),
    );
    expect(answer.status).toBe(200);
    const decisions = answer.body['decisions'] as { decision: string; why: string }[];
    expect(decisions.map((d) => d.decision)).toEqual(['ignored', 'ignored', 'ignored']);
    expect(decisions[0]?.why).toBe('no served manifest has this agent id');
    expect(decisions[2]?.why).toMatch(/^resolved: a resolved alert never resumes/);
    expect(await trail(dir)).toEqual([]);
  });

  it('pauses on a pause alert, once, however often and however concurrently it is delivered', async () => {
    const summary = 'guardrail rate 0.21 \u001b[2J\u202e above 0.05; token ghp_0123456789abcdefghijklmnopqrstuvwxyzAB';
    const body = payload([{ ...PAUSE, summary }]);
    const answers = await Promise.all(Array.from({ length: 8 }, () => deliver(guard.url, body)));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    const outcomes = answers.map((a) => (a.body['decisions'] as { decision: string }[])[0]?.decision).sort();
    expect(outcomes).toEqual(['applied', ...Array(7).fill('in-place')]);
    const again = await deliver(guard.url, body);
    expect((again.body['decisions'] as { decision: string }[])[0]?.decision).toBe('in-place');
    const entries = await trail(dir);
    expect(entries).toHaveLength(1);
    const [entry] = entries;
    expect(entry?.action).toBe('pause');
    expect(entry?.actor).toBe('alertmanager:SupportTriageGuardrailTriggerRate');
    expect(entry?.details['actorSource']).toBe('alertmanager');
    expect(entry?.reason).toBe('guardrail rate 0.21 \\u001b[2J\\u202e above 0.05; token [REDACTED]');
    expect(entry?.details['trigger']).toMatchObject({
      alertname: 'SupportTriageGuardrailTriggerRate',
      fingerprint: 'f00dfeedf00dfeed',
      startsAt: '2026-12-01T10:00:00Z',
      generatorURL: 'http://prometheus.example:9090/graph?g0.expr=x',
      labels: { agent: 'support-triage', action: 'pause' },
    });
    expect((await state(path))['paused']).toMatchObject({ by: 'alertmanager:SupportTriageGuardrailTriggerRate' });
    const verify = await runCli(['audit', 'verify', '-m', 'support-triage/rollout.json'], { cwd: dir });
    expect(verify.code).toBe(0);
    // A pause is not in the flags: the agent still runs for the pilot org.
    expect(enabledFlag(await readFile(join(dir, 'flags.json'), 'utf8'), 'support-triage', 'support-pilot')).toBe(true);
  });

  it('does not apply a disable alert whose name is not one of the manifest’s own disable alerts', async () => {
    const answer = await deliver(guard.url, payload([{ ...DISABLE, alertname: 'SupportTriageGuardrailTriggerRate' }]));
    expect(answer.status).toBe(200);
    const [decision] = answer.body['decisions'] as { decision: string; why: string }[];
    expect(decision?.decision).toBe('ignored');
    expect(decision?.why).toContain('is not an alert that support-triage/rollout.json exports with "action": "disable"');
    expect((await state(path))['enabled']).toBe(true);
    expect(guard.stdout()).toContain('"decision":"ignored"');
  });

  it('switches the agent off on its own disable alert; the exported flag then evaluates false', async () => {
    const answer = await deliver(guard.url, payload([DISABLE]));
    expect(answer.status).toBe(200);
    expect((answer.body['decisions'] as { decision: string }[])[0]?.decision).toBe('applied');
    expect(answer.body['flags']).toMatchObject({ ok: true, flags: 2 });
    expect((await state(path))['enabled']).toBe(false);
    expect(enabledFlag(await readFile(join(dir, 'flags.json'), 'utf8'), 'support-triage', 'support-pilot')).toBe(false);
    const entries = await trail(dir);
    expect(entries.map((e) => e.action)).toEqual(['pause', 'disable']);
    expect(entries[1]?.actor).toBe('alertmanager:SupportTriageSecurityEvent');
    expect((await runCli(['audit', 'verify', '-m', 'support-triage/rollout.json'], { cwd: dir })).code).toBe(0);
    // The log line of the delivery splits the guard's time: decisions and writes, then the flag export.
    const handled = guard
      .stdout()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, any>)
      .filter((event) => event['event'] === 'handled')
      .at(-1);
    expect(handled).toMatchObject({ status: 200, alerts: 1, decideMs: expect.any(Number), flagsMs: expect.any(Number) });
    // A resolved disable alert does not switch it back on.
    await deliver(guard.url, payload([{ ...DISABLE, status: 'resolved' }]));
    expect((await state(path))['enabled']).toBe(false);
  });

  it('tells the notification sinks, with the header from the environment, and never shows their secrets', async () => {
    await waitFor('the notifications', () => received.some((r) => r.url === '/events' && r.body['events']?.includes('disable')));
    const slack = received.filter((r) => r.url === SLACK_SECRET_PATH);
    expect(slack.length).toBeGreaterThanOrEqual(3);
    expect(slack.some((r) => String(r.body['text']).includes('SupportTriageGuardrailTriggerRate (pause): applied'))).toBe(true);
    const incidents = received.filter((r) => r.url === '/events');
    expect(incidents.map((r) => r.body['events'])).toEqual([
      ['guard', 'pause'],
      ['guard', 'disable'],
    ]);
    expect(incidents.every((r) => r.auth === `Bearer ${SINK_TOKEN}`)).toBe(true);
    await waitFor('the failed delivery to be logged', () => guard.stdout().includes('"sink":"down"'));
    const output = guard.stdout() + guard.stderr();
    for (const secret of [SLACK_SECRET_PATH, SINK_TOKEN, TOKEN]) expect(output).not.toContain(secret);
  });

  it('answers /healthz 200 while every manifest can be read, 503 when one cannot', async () => {
    expect((await fetch(`${guard.url}/healthz`)).status).toBe(200);
    const text = await readFile(path, 'utf8');
    await writeFile(path, '{ not json');
    try {
      const answer = await fetch(`${guard.url}/healthz`);
      expect(answer.status).toBe(503);
    } finally {
      await writeFile(path, text);
    }
    expect((await fetch(`${guard.url}/healthz`)).status).toBe(200);
  });
});

describe('guard serve under contention and SIGTERM', () => {
  it('answers 503 while the manifest stays locked, then finishes the write under way on SIGTERM and exits 0', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const path = await guardManifest(dir);
      const lock = `${path}.lock`;
      // Another agent-rollout command holds the manifest: this (live) process, on this host.
      await writeFile(lock, JSON.stringify({ pid: process.pid, host: hostname(), at: new Date().toISOString() }));
      const guard = await startGuard(['support-triage/rollout.json'], { cwd: dir });
      const held = await deliver(guard.url, payload([PAUSE]));
      expect(held.status).toBe(503);
      expect((held.body['decisions'] as { why: string }[])[0]?.why).toContain('another agent-rollout command is changing');
      expect(await trail(dir)).toEqual([]);

      // Again, and SIGTERM while the guard waits for the lock: it finishes the change, then exits 0.
      const tried = new Promise<void>((resolve) => {
        const watcher = watch(join(dir, 'support-triage'), (_event, name) => {
          if (name?.startsWith('rollout.json.lock.')) {
            watcher.close();
            resolve();
          }
        });
      });
      const answer = deliver(guard.url, payload([PAUSE]));
      await tried;
      guard.child.kill('SIGTERM');
      await unlink(lock);
      const [result, exit] = await Promise.all([answer, guard.exited]);
      expect(result.status).toBe(200);
      expect((result.body['decisions'] as { decision: string }[])[0]?.decision).toBe('applied');
      expect(exit.code).toBe(0);
      expect(guard.stderr()).toContain('guard: stopped by SIGTERM after finishing the work under way');
      expect((await trail(dir)).map((e) => e.action)).toEqual(['pause']);
      expect((await state(path))['paused']).toBeDefined();
      expect((await runCli(['audit', 'verify', '-m', 'support-triage/rollout.json'], { cwd: dir })).code).toBe(0);
    } finally {
      await cleanup();
    }
  });
});

describe('guard serve when the manifest changes on disk during the change', () => {
  it('answers 503 once its retries run out (--retry-for 0s), writes nothing, and applies the next delivery', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const path = await guardManifest(dir);
      // The write stops after the guard has read the manifest, before it takes the lock (only the first time).
      const guard = await startGuard(['support-triage/rollout.json', '--retry-for', '0s'], {
        cwd: dir,
        env: { AGENT_ROLLOUT_TEST_INTERRUPT: 'pause@before-lock' },
      });
      try {
        const answer = deliver(guard.url, payload([PAUSE]));
        await waitFor('the write to pause before the lock', () => /paused at before-lock/.test(guard.stderr()));
        // Someone edits the manifest meanwhile (a merged pull request, an editor).
        const edited = JSON.parse(await readFile(path, 'utf8'));
        edited.agent.name = 'Support triage (renamed)';
        await writeFile(path, `${JSON.stringify(edited, null, 2)}\n`);
        const editedText = await readFile(path, 'utf8');
        // With --retry-for 0s the try after SIGURG is the last: it finds the manifest changed and answers 503.
        guard.child.kill('SIGURG');
        const result = await answer;
        expect(result.status).toBe(503);
        const [decision] = result.body['decisions'] as { decision: string; why: string; transient?: boolean }[];
        expect(decision).toMatchObject({ decision: 'failed', transient: true });
        expect(decision?.why).toBe('not applied: support-triage/rollout.json changed on disk since it was read; nothing was written');
        expect(await readFile(path, 'utf8')).toBe(editedText);
        expect(await trail(dir)).toEqual([]);

        // Alertmanager delivers again after a 5xx: this time the change is made, on the edited manifest.
        const again = await deliver(guard.url, payload([PAUSE]));
        expect(again.status).toBe(200);
        expect((again.body['decisions'] as { decision: string }[])[0]?.decision).toBe('applied');
        const after = JSON.parse(await readFile(path, 'utf8'));
        expect(after.agent.name).toBe('Support triage (renamed)');
        expect(after.state.paused.by).toBe(PAUSE_ACTOR);
        expect((await trail(dir)).map((e) => e.action)).toEqual(['pause']);
      } finally {
        expect((await guard.stop()).code).toBe(0);
      }
    } finally {
      await cleanup();
    }
  });
});

describe('guard serve: what needs no process of its own (in-process)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let path: string;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    path = await guardManifest(dir);
  });

  afterAll(async () => {
    await cleanup?.();
  });

  it('ignores the stage label: an alert naming another stage still pauses, and a disable still switches off', async () => {
    const guard = await startGuardInProcess(['support-triage/rollout.json', '--listen', '127.0.0.1:0'], { cwd: dir });
    try {
      const paused = await deliver(guard.url, payload([{ ...PAUSE, stage: 'general-availability' }]));
      expect(paused.status).toBe(200);
      expect((paused.body['decisions'] as { decision: string }[])[0]?.decision).toBe('applied');
      const disabled = await deliver(guard.url, payload([{ ...DISABLE, stage: 'limited-beta' }]));
      expect((disabled.body['decisions'] as { decision: string }[])[0]?.decision).toBe('applied');
      const after = await state(path);
      expect(after['stage']).toBe('internal-pilot');
      expect(after['paused']).toMatchObject({ by: PAUSE_ACTOR });
      expect(after['enabled']).toBe(false);
      const entries = await trail(dir);
      expect(entries.map((e) => e.action)).toEqual(['pause', 'disable']);
      // The label is kept in the trigger, as received: it is informational.
      expect(entries[0]?.details['trigger'].labels.stage).toBe('general-availability');
      // The log says where each delivery's time went (no --flagd-out: no flag export).
      expect(guard.io.stdout()).toMatch(/ answered 200 to a delivery of 1 alert in [\d.]+ ms \(decisions and writes [\d.]+ ms\)\n/);
    } finally {
      expect(await guard.stop()).toBe(0);
    }
  });

  it('binds 127.0.0.1 by default (127.0.0.1:9095), and for a --listen without a host', async () => {
    const portOnly = await startGuardInProcess(['support-triage/rollout.json', '--listen', ':0'], { cwd: dir });
    try {
      expect(portOnly.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(portOnly.io.stderr()).not.toContain('warning');
    } finally {
      expect(await portOnly.stop()).toBe(0);
    }
    // Without --listen: 127.0.0.1:9095. Another program on this shared machine may hold the port;
    // then the refusal names the same address.
    const { io, done } = startInProcess(['guard', 'serve', 'support-triage/rollout.json'], {
      cwd: dir,
      env: { AGENT_ROLLOUT_GUARD_TOKEN: TOKEN },
    });
    const outcome = await waitFor('the default guard to listen or be refused', async () => {
      if (/on http:\/\//.test(io.stderr())) return 'listening';
      const code = await Promise.race([done, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 50))]);
      return code === undefined ? undefined : `exit ${code}`;
    });
    if (outcome === 'listening') {
      expect(io.stderr()).toMatch(/ on http:\/\/127\.0\.0\.1:9095 \(POST \/alertmanager/);
      io.deliver('SIGTERM');
      expect(await done).toBe(0);
    } else {
      expect(outcome).toBe('exit 2');
      expect(io.stderr()).toMatch(/^error: cannot listen on 127\.0\.0\.1:9095: EADDRINUSE/);
    }
  });

  it('warns when it listens on an address that is not loopback: only the token protects it then', async () => {
    const guard = await startGuardInProcess(['support-triage/rollout.json', '--listen', '0.0.0.0:0'], { cwd: dir });
    try {
      expect(guard.io.stderr()).toMatch(
        /^warning: listening on 0\.0\.0\.0, not loopback: only the bearer token protects the guard\nguard: serving 1 agent \(support-triage\) on http:\/\/0\.0\.0\.0:\d+ /,
      );
    } finally {
      expect(await guard.stop()).toBe(0);
    }
  });

  it('refuses a --flagd-out outside the current folder, naming --flagd-out, with a hint that fits the guard', async () => {
    for (const [command, ...rest] of [
      ['serve', '--listen', '127.0.0.1:0'],
      ['check', '--dry-run'],
    ]) {
      const result = await runInProcess(['guard', command ?? '', 'support-triage/rollout.json', '--flagd-out', '/tmp/x', ...rest], {
        cwd: dir,
        env: { AGENT_ROLLOUT_GUARD_TOKEN: TOKEN },
      });
      expect(result.code, command).toBe(2);
      expect(result.stderr, command).toBe(
        `error: --flagd-out /tmp/x is outside the current folder (${dir}); refused\n` +
          '  hint: give a path inside the folder the guard runs in (e.g. flags/agents.flagd.json) and point flagd or the OpenFeature provider at that file, or start the guard from a folder that holds both the manifests and the flags\n',
      );
      expect(result.stderr).not.toContain('redirect standard output');
    }
    // export flagd keeps its own --out wording and hint.
    const exported = await runInProcess(['export', 'flagd', 'support-triage/rollout.json', '--out', '/tmp/x'], { cwd: dir });
    expect(exported.code).toBe(2);
    expect(exported.stderr).toMatch(/^error: --out \/tmp\/x is outside the current folder .*\n {2}hint: .*redirect standard output/);
  });
});

describe('guard serve --commit', () => {
  it('commits the manifest and the trail with a message naming the alert', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      await guardManifest(dir);
      const git = async (args: string[]): Promise<string> => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
      await git(['init', '-q', '-b', 'main']);
      await git(['config', 'user.email', 'ci@example.com']);
      await git(['config', 'user.name', 'CI']);
      await git(['add', '.']);
      await git(['commit', '-qm', 'init']);
      const guard = await startGuard(['support-triage/rollout.json', '--commit'], { cwd: dir });
      try {
        expect((await deliver(guard.url, payload([PAUSE]))).status).toBe(200);
      } finally {
        expect((await guard.stop()).code).toBe(0);
      }
      const log = await git(['log', '--format=%s', '-n', '1']);
      expect(log.trim()).toBe('agent-rollout guard: pause by SupportTriageGuardrailTriggerRate (support-triage)');
      expect((await git(['show', '--name-only', '--format=', 'HEAD'])).trim().split('\n').sort()).toEqual([
        'support-triage/rollout.audit.jsonl',
        'support-triage/rollout.json',
      ]);
      expect((await git(['status', '--porcelain'])).trim()).toBe('');
      // diff --git shows the commit as the pause it is: one low-risk state change, by the alert.
      const diff = await runInProcess(['diff', '--git', 'HEAD~1', '-m', 'support-triage/rollout.json', '--format', 'json'], {
        cwd: dir,
      });
      expect(diff.code, diff.stderr).toBe(0);
      const shown = parseJsonOutput<{ summary: Record<string, number>; changes: Record<string, unknown>[] }>(diff.stdout);
      expect(shown.summary).toEqual({ changes: 1, high: 0, medium: 0, low: 1 });
      expect(shown.changes).toEqual([
        expect.objectContaining({
          path: '/state/paused',
          kind: 'added',
          before: null,
          after: { reason: 'SupportTriageGuardrailTriggerRate fired', at: expect.any(String), by: PAUSE_ACTOR },
          risk: 'low',
          rule: 'pause',
          reason: 'the rollout was paused: advancing is blocked',
        }),
      ]);
      const text = await runInProcess(['diff', '--git', 'HEAD~1', '-m', 'support-triage/rollout.json'], { cwd: dir });
      expect(text.stdout).toMatch(/low {5}state: paused unset → \{"reason":"SupportTriageGuardrailTriggerRate fired"/);
    } finally {
      await cleanup();
    }
  });
});

describe('guard serve when the flag export fails, and on SIGTERM in the middle of a write', () => {
  it('keeps the change when the flag export fails, and says so in the answer, the log and to the sinks', async () => {
    const { dir, cleanup } = await tempDir();
    const sink = await collectingSink();
    try {
      const path = await guardManifest(dir, {
        notify: { sinks: [{ id: 'incidents', url: `${sink.server.url}/events`, format: 'json', events: ['disable', 'guard'] }] },
      });
      const guard = await startGuard(['support-triage/rollout.json', '--flagd-out', 'flags.json', '--log-format', 'json'], { cwd: dir });
      try {
        // A folder where the flags file goes: the atomic write's rename onto it fails.
        await mkdir(join(dir, 'flags.json'));
        const answer = await deliver(guard.url, payload([DISABLE]));
        expect(answer.status).toBe(200);
        expect((answer.body['decisions'] as { decision: string }[])[0]?.decision).toBe('applied');
        expect(answer.body['flags']).toMatchObject({ ok: false, problem: expect.any(String) });
        expect((answer.body['warnings'] as string[])[0]).toMatch(/^the flag export to flags\.json failed: .*; the state change stands$/);
        expect((await state(path))['enabled']).toBe(false);
        expect((await trail(dir)).map((e) => e.action)).toEqual(['disable']);
        const log = await waitFor('the warning in the log', () =>
          guard
            .stdout()
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line) as Record<string, any>)
            .find((event) => /flag export to flags\.json failed/.test(String(event['message'] ?? ''))),
        );
        expect(log['message']).toContain('the state change stands');
        const told = await waitFor('the sink to hear of the failed export', () =>
          sink.received.find((body) => /the flag export failed after the change/.test(JSON.stringify(body))),
        );
        expect(JSON.stringify(told)).toContain('support-triage');
      } finally {
        await guard.stop();
      }
    } finally {
      await sink.server.close();
      await cleanup();
    }
  });

  it('SIGTERM with the new manifest written but no audit entry yet: the change is finished with its entry, then exit 0', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const path = await guardManifest(dir);
      const guard = await startGuard(['support-triage/rollout.json'], {
        cwd: dir,
        env: { AGENT_ROLLOUT_TEST_INTERRUPT: 'pause@pending-written' },
      });
      const answer = deliver(guard.url, payload([PAUSE]));
      await waitFor('the write to pause after the pending file', () => /paused at pending-written/.test(guard.stderr()));
      guard.child.kill('SIGTERM');
      await waitFor('the guard to see SIGTERM', () => /test hook: saw SIGTERM/.test(guard.stderr()));
      guard.child.kill('SIGURG');
      const [result, exit] = await Promise.all([answer, guard.exited]);
      expect(result.status).toBe(200);
      expect((result.body['decisions'] as { decision: string }[])[0]?.decision).toBe('applied');
      expect(exit).toEqual({ code: 0, signal: null });
      expect(guard.stderr()).toContain('guard: stopped by SIGTERM after finishing the work under way');
      expect((await trail(dir)).map((e) => e.action)).toEqual(['pause']);
      expect((await state(path))['paused']).toMatchObject({ by: 'alertmanager:SupportTriageGuardrailTriggerRate' });
      const verify = await runInProcess(['audit', 'verify', '-m', 'support-triage/rollout.json'], { cwd: dir });
      expect(verify.code, verify.stdout).toBe(0);
    } finally {
      await cleanup();
    }
  });
});

/** A notification sink on loopback that keeps every JSON body it receives. */
async function collectingSink(): Promise<{ server: LoopbackServer; received: Record<string, unknown>[] }> {
  const received: Record<string, unknown>[] = [];
  const server = await startHttpServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      received.push(JSON.parse(body) as Record<string, unknown>);
      response.writeHead(204).end();
    });
  });
  return { server, received };
}
