import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chmod, mkdir, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gone, readPid, writePid } from '../helpers/processes.js';
import { EXAMPLES, copyExample, parseJsonOutput, runInProcess, tempDir } from '../helpers/cli.js';

/** The drill's report as --format json prints it (and drills/<id>.report.json holds it). */
interface Report {
  formatVersion: number;
  passed: boolean;
  interrupted: boolean;
  window: string;
  windowMs: number;
  elapsedMs: number;
  marginMs: number;
  reasons: string[];
  manifestSha256: string;
  rollbackSha256: string;
  tool: { name: string; version: string };
  actor: { name: string; source: string };
  steps: {
    id: string;
    status: string;
    durationMs: number;
    output?: string;
    reason?: string;
    exitCode?: number;
    confirmation?: { by: string; via: string };
  }[];
  probes: { id: string; passed: boolean; attempts: { attempt: number; passed: boolean; observed: string; reason?: string }[] }[];
  restore: { status: string; steps: { id: string; status: string; reason?: string }[]; stillRevoked?: string[] };
  files: { journal: string; report: string; markdown: string };
}

const SUPPORT = JSON.parse(readFileSync(join(EXAMPLES, 'support-triage', 'rollout.json'), 'utf8')) as Record<string, any>;

/** Scripts the fixtures' steps run: each does one thing a real rollback step might. */
const SCRIPTS: Record<string, string> = {
  'ok.sh': '#!/usr/bin/env bash\necho "ok ${1:-}"\n',
  'fail.sh': '#!/usr/bin/env bash\necho "flag service: connecting"\necho "cannot reach the flag service at 127.0.0.1:9" >&2\nexit 3\n',
  'sleep.sh': '#!/usr/bin/env bash\nsleep "$1"\necho "slept $1"\n',
  // Forks a grandchild and waits: a timeout or Ctrl-C must kill both.
  'spawn-and-wait.sh': `#!/usr/bin/env bash\nsleep 300 &\n${writePid('$!', '$1.grandchild.pid')}\n${writePid('$$', '$1.child.pid')}\nwait\n`,
  // Passes on its third run: a change that takes time to propagate.
  'counter.sh':
    '#!/usr/bin/env bash\nn=$(cat count 2>/dev/null || echo 0)\nn=$((n + 1))\necho "$n" > count\nif [ "$n" -ge 3 ]; then echo "status: revoked"; else echo "status: active (attempt $n)"; fi\n',
  'args.sh': '#!/usr/bin/env bash\nprintf "%s\\n" "$@" > args.txt\n',
  // Exits at once but leaves a background process holding its output open.
  'leave-behind.sh': `#!/usr/bin/env bash\nsleep 300 &\n${writePid('$!', 'left.pid')}\necho "flag off"\n`,
  'mark.sh': '#!/usr/bin/env bash\necho "$1" >> marks.txt\necho "marked $1"\n',
  'leak.sh':
    '#!/usr/bin/env bash\necho "using token $ZENDESK_TOKEN_RO for the revoke"\necho "debug: Authorization: Bearer $ZENDESK_TOKEN_RO" >&2\nexit "${1:-0}"\n',
};

let root: string;
let cleanupRoot: () => Promise<void>;
let counter = 0;

beforeAll(async () => ({ dir: root, cleanup: cleanupRoot } = await tempDir('agent-rollout-drill-')));
afterAll(async () => cleanupRoot());

/** A folder with the support-triage manifest, its rollback replaced, and the scripts above. */
async function fixture(rollback: Record<string, unknown>): Promise<string> {
  const dir = join(root, `case-${++counter}`);
  await mkdir(join(dir, 'scripts'), { recursive: true });
  const manifest = { ...structuredClone(SUPPORT), rollback };
  await writeFile(join(dir, 'rollout.json'), JSON.stringify(manifest, null, 2));
  for (const [name, content] of Object.entries(SCRIPTS)) {
    await writeFile(join(dir, 'scripts', name), content);
    await chmod(join(dir, 'scripts', name), 0o755);
  }
  return dir;
}

async function drill(dir: string, args: string[] = [], env: Record<string, string> = {}) {
  const result = await runInProcess(['drill', '--format', 'json', '--actor', 'drill-tester', ...args], { cwd: dir, env });
  const report = result.stdout.trim().startsWith('{') ? parseJsonOutput<Report>(result.stdout) : undefined;
  return { ...result, report };
}

async function journalLines(dir: string): Promise<Record<string, any>[]> {
  const files = (await readdir(join(dir, 'drills'))).filter((f) => f.endsWith('.journal.jsonl'));
  expect(files).toHaveLength(1);
  const text = await readFile(join(dir, 'drills', files[0] as string), 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, any>);
}

async function auditEntries(dir: string): Promise<Record<string, any>[]> {
  const text = await readFile(join(dir, 'rollout.audit.jsonl'), 'utf8');
  return text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, any>);
}

const run = (id: string, argv: string[], extra: Record<string, unknown> = {}) => ({ id, run: argv, timeout: '20s', ...extra });

describe('drill on the bundled examples', () => {
  for (const name of ['support-triage', 'finance-ledger']) {
    it(`${name}: passes within its window, writes journal, reports and an audit entry, and restores`, async () => {
      const { dir, cleanup } = await tempDir();
      try {
        const folder = await copyExample(name, dir);
        const state = join(dir, 'state');
        const result = await drill(folder, ['--confirm-manual'], { AGENT_ROLLOUT_STATE_DIR: state });
        expect(result.code, result.stderr).toBe(0);
        const report = result.report as Report;
        expect(report.formatVersion).toBe(1);
        expect(report.passed).toBe(true);
        expect(report.reasons).toEqual([]);
        expect(report.elapsedMs).toBeLessThanOrEqual(report.windowMs);
        expect(report.marginMs).toBe(report.windowMs - report.elapsedMs);
        expect(report.steps.every((s) => s.status === 'passed')).toBe(true);
        expect(report.steps.find((s) => s.confirmation)?.confirmation).toMatchObject({ by: 'drill-tester', via: '--confirm-manual' });
        expect(report.probes.every((p) => p.passed)).toBe(true);
        expect(report.restore.status).toBe('passed');
        // The restore put the example's state back: the flag on, every credential issued again.
        expect((await readFile(join(state, 'flag'), 'utf8')).trim()).toBe('on');
        expect((await readFile(join(state, 'tokens.revoked'), 'utf8')).trim()).toBe('');
        // The report files are the same report.
        const onDisk = JSON.parse(await readFile(join(folder, report.files.report), 'utf8')) as Report;
        expect(onDisk).toEqual(report);
        expect(await readFile(join(folder, report.files.markdown), 'utf8')).toContain('PASSED');
        const lines = await journalLines(folder);
        expect(lines[0]).toMatchObject({
          event: 'drill-started',
          rollbackSha256: report.rollbackSha256,
          manifestSha256: report.manifestSha256,
        });
        expect(lines.at(-1)).toMatchObject({ event: 'drill-finished', passed: true, restore: 'passed' });
        const [entry] = await auditEntries(folder);
        expect(entry).toMatchObject({ action: 'drill', actor: 'drill-tester', before: null, after: null });
        expect(entry?.details).toEqual({
          passed: true,
          rollbackSha256: report.rollbackSha256,
          durationMs: report.elapsedMs,
          windowMs: report.windowMs,
          report: report.files.report,
          interrupted: false,
        });
      } finally {
        await cleanup();
      }
    });
  }
});

describe('drill judging', () => {
  it('a failing step fails the drill with its exit code and output, skips the rest, and still restores', async () => {
    const dir = await fixture({
      window: '1m',
      steps: [run('kill-switch', ['./scripts/fail.sh']), run('revoke', ['./scripts/mark.sh', 'revoked'])],
      verify: [{ id: 'off', run: ['./scripts/ok.sh'], expect: { stdout: 'ok' } }],
      restore: [run('put-back', ['./scripts/mark.sh', 'restored'])],
    });
    const { code, report } = await drill(dir);
    expect(code).toBe(1);
    expect(report?.passed).toBe(false);
    expect(report?.steps.map((s) => [s.id, s.status])).toEqual([
      ['kill-switch', 'failed'],
      ['revoke', 'skipped'],
    ]);
    expect(report?.steps[0]).toMatchObject({ exitCode: 3, reason: 'exit code 3: cannot reach the flag service at 127.0.0.1:9' });
    expect(report?.steps[0]?.output).toContain('flag service: connecting');
    expect(report?.reasons[0]).toBe('step "kill-switch" failed: exit code 3: cannot reach the flag service at 127.0.0.1:9');
    expect(report?.probes).toEqual([]);
    expect(report?.restore.status).toBe('passed');
    expect((await readFile(join(dir, 'marks.txt'), 'utf8')).trim()).toBe('restored');
    const text = await runInProcess(['drill', '--actor', 't'], { cwd: dir });
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/Rollback drill of support-triage: FAILED/);
    expect(text.stdout).toContain('✖ step "kill-switch" failed: exit code 3: cannot reach the flag service');
  });

  it('a credential a passed step revoked and no restore step names is reported still revoked, not just "Restore: passed"', async () => {
    const dir = await fixture({
      window: '1m',
      steps: [
        run('revoke-zendesk-ro', ['./scripts/mark.sh', 'revoked zendesk-ro'], { credential: 'zendesk-ro' }),
        run('revoke-kb-ro', ['./scripts/mark.sh', 'revoked kb-ro'], { credential: 'kb-ro' }),
      ],
      restore: [run('issue-zendesk-ro', ['./scripts/mark.sh', 'issued zendesk-ro'], { credential: 'zendesk-ro' })],
    });
    const { code, report } = await drill(dir);
    expect(code).toBe(0);
    expect(report?.restore).toMatchObject({ status: 'passed', stillRevoked: ['kb-ro'] });
    const text = await runInProcess(['drill', '--actor', 't'], { cwd: dir });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('\nRestore: passed, but credential "kb-ro" is still revoked: no restore step issues it again (AR130)\n');
    const markdown = await readFile(join(dir, report?.files.markdown ?? ''), 'utf8');
    expect(markdown).toContain('## Restore: passed\n\n⚠ credential "kb-ro" is still revoked: no restore step issues it again (AR130)\n');
    // validate says the same before any drill runs.
    const validated = await runInProcess(['validate'], { cwd: dir });
    expect(validated.stdout).toContain(
      'warning AR130 rollback step "revoke-kb-ro" revokes credential "kb-ro", but no restore step names it: a drill leaves it revoked',
    );
  });

  it('a step that outlives its timeout is killed with its child and grandchild, and fails', async () => {
    const dir = await fixture({
      window: '1m',
      steps: [{ id: 'hang', run: ['./scripts/spawn-and-wait.sh', 'hang'], timeout: '1s' }, run('after', ['./scripts/ok.sh'])],
      restore: [run('put-back', ['./scripts/mark.sh', 'restored'])],
    });
    const { code, report } = await drill(dir);
    expect(code).toBe(1);
    expect(report?.steps.map((s) => s.status)).toEqual(['timed-out', 'skipped']);
    expect(report?.steps[0]?.reason).toBe('timed out after 1s; killed with its children');
    expect(report?.reasons[0]).toMatch(/^step "hang" timed out: timed out after 1s/);
    const child = readPid(join(dir, 'hang.child.pid'));
    const grandchild = readPid(join(dir, 'hang.grandchild.pid'));
    expect(await gone(child)).toBe(true);
    expect(await gone(grandchild)).toBe(true);
    expect(report?.restore.status).toBe('passed');
  });

  it('a window overrun fails the drill even when every step and probe passed', async () => {
    const dir = await fixture({
      window: '100ms',
      steps: [run('slow-revoke', ['./scripts/sleep.sh', '0.3'])],
      verify: [{ id: 'off', run: ['./scripts/ok.sh'], expect: { exitCode: 0, stdout: 'ok' } }],
    });
    const { code, report } = await drill(dir);
    expect(code).toBe(1);
    expect(report?.steps.map((s) => s.status)).toEqual(['passed']);
    expect(report?.probes.map((p) => p.passed)).toEqual([true]);
    expect(report?.passed).toBe(false);
    expect(report?.marginMs).toBeLessThan(0);
    expect(report?.reasons).toHaveLength(1);
    expect(report?.reasons[0]).toMatch(/^the rollback took .+, over its 100ms window by /);
    expect(report?.restore.status).toBe('none');
  });

  it('a probe that passes on its third attempt passes the drill, and the report keeps every attempt', async () => {
    const dir = await fixture({
      window: '1m',
      steps: [run('revoke', ['./scripts/ok.sh', 'revoke'])],
      verify: [
        { id: 'token-revoked', run: ['./scripts/counter.sh'], expect: { stdout: '/status: revoked$/m' }, retries: 4, interval: '200ms' },
      ],
    });
    const { code, report } = await drill(dir);
    expect(code).toBe(0);
    const probe = report?.probes[0];
    expect(probe?.passed).toBe(true);
    expect(probe?.attempts.map((a) => a.passed)).toEqual([false, false, true]);
    expect(probe?.attempts[0]?.reason).toBe('stdout does not match /status: revoked$/m');
    expect((await readFile(join(dir, 'count'), 'utf8')).trim()).toBe('3');
  });

  it('an HTTP probe against a loopback server: 200 while the token works, then 403 once it is revoked', async () => {
    let requests = 0;
    const server = createServer((_request, response) => {
      requests++;
      if (requests === 1) response.writeHead(200).end('token accepted');
      else response.writeHead(403).end('{"error": "token revoked"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const dir = await fixture({
        window: '1m',
        steps: [run('revoke', ['./scripts/ok.sh'])],
        verify: [
          {
            id: 'token-rejected',
            http: { url: `http://127.0.0.1:${port}/api/me` },
            expect: { status: [401, 403], body: 'revoked' },
            retries: 3,
            interval: '100ms',
          },
        ],
      });
      const { code, report } = await drill(dir);
      expect(code).toBe(0);
      expect(report?.probes[0]?.attempts.map((a) => [a.observed, a.passed])).toEqual([
        ['HTTP 200', false],
        ['HTTP 403', true],
      ]);
      expect(report?.probes[0]?.attempts[0]?.reason).toBe('status 200, expected one of 401, 403');
      expect(requests).toBe(2);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a restore that fails makes the exit code 1 even when the drill passed', async () => {
    const dir = await fixture({
      window: '1m',
      steps: [run('off', ['./scripts/ok.sh'])],
      restore: [run('broken-restore', ['./scripts/fail.sh']), run('after', ['./scripts/mark.sh', 'still-ran'])],
    });
    const { code, report } = await drill(dir);
    expect(code).toBe(1);
    expect(report?.passed).toBe(true);
    expect(report?.restore.status).toBe('failed');
    expect(report?.restore.steps.map((s) => s.status)).toEqual(['failed', 'passed']);
    expect((await readFile(join(dir, 'marks.txt'), 'utf8')).trim()).toBe('still-ran');
  });

  it('--no-restore skips the restore and says so', async () => {
    const dir = await fixture({
      window: '1m',
      steps: [run('off', ['./scripts/ok.sh'])],
      restore: [run('back', ['./scripts/mark.sh', 'restored'])],
    });
    const { code, report } = await drill(dir, ['--no-restore']);
    expect(code).toBe(0);
    expect(report?.restore).toMatchObject({ status: 'skipped', steps: [] });
    expect(existsSync(join(dir, 'marks.txt'))).toBe(false);
  });
});

describe('drill commands', () => {
  it('runs without a shell: $(...) stays literal; "shell": true is explicit', async () => {
    const dir = await fixture({
      window: '1m',
      steps: [
        run('literal', ['./scripts/args.sh', '$(touch pwned)', '`touch pwned2`', 'a b']),
        run('through-shell', ['echo "sum=$((1 + 2))" > shell.txt'], { shell: true }),
        run('with-env', ['bash', '-c', 'echo "$DRILL_MODE" > env.txt'], { env: { DRILL_MODE: 'drill' } }),
      ],
    });
    const { code } = await drill(dir);
    expect(code).toBe(0);
    expect(await readFile(join(dir, 'args.txt'), 'utf8')).toBe('$(touch pwned)\n`touch pwned2`\na b\n');
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
    expect(existsSync(join(dir, 'pwned2'))).toBe(false);
    expect((await readFile(join(dir, 'shell.txt'), 'utf8')).trim()).toBe('sum=3');
    expect((await readFile(join(dir, 'env.txt'), 'utf8')).trim()).toBe('drill');
  });

  it('a secret from the environment is absent from the journal, the reports, the audit trail and the output', async () => {
    const secret = 'zd-' + 'S3cr3tT0ken'.repeat(3);
    const dir = await fixture({
      window: '1m',
      steps: [run('revoke', ['./scripts/leak.sh'])],
      verify: [{ id: 'revoked', run: ['./scripts/leak.sh', '0'], expect: { stdout: 'using token' } }],
      restore: [run('restore', ['./scripts/leak.sh', '1'])],
    });
    const result = await drill(dir, [], { ZENDESK_TOKEN_RO: secret });
    expect(result.code).toBe(1); // the restore failed (exit 1), on purpose, so its output is in the reasons too
    expect(result.report?.steps[0]?.output).toContain('using token [REDACTED] for the revoke');
    const text = await runInProcess(['drill', '--actor', 't', '--format', 'markdown'], { cwd: dir, env: { ZENDESK_TOKEN_RO: secret } });
    const written: string[] = [];
    for (const name of await readdir(join(dir, 'drills'))) written.push(await readFile(join(dir, 'drills', name), 'utf8'));
    written.push(await readFile(join(dir, 'rollout.audit.jsonl'), 'utf8'));
    expect(written.length).toBe(7);
    for (const content of [...written, result.stdout, result.stderr, text.stdout, text.stderr]) {
      expect(content).not.toContain(secret);
      expect(content).not.toContain('S3cr3tT0ken');
    }
    expect(written.join('\n')).toContain('[REDACTED]');
  });

  it('--dry-run prints the steps in order with their timeouts and the window, and runs and writes nothing', async () => {
    const dir = await fixture({
      window: '7m',
      steps: [
        run('first', ['./scripts/mark.sh', 'first'], { timeout: '45s' }),
        { id: 'tell-ops', manual: 'Tell #ops the agent is off.' },
        { id: 'untimed', run: ['./scripts/mark.sh', 'x'] },
      ],
      verify: [
        { id: 'check', run: ['./scripts/mark.sh', 'probe'], expect: { stdout: 'marked' }, retries: 2, interval: '3s' },
        {
          id: 'quick',
          run: ['./scripts/mark.sh', 'probe'],
          expect: { stdout: 'marked' },
          retries: 1,
          interval: '1500ms',
          timeout: '3200ms',
        },
      ],
      restore: [run('back', ['./scripts/mark.sh', 'restored'], { timeout: '1m30s' })],
    });
    const state = join(dir, 'state');
    const result = await runInProcess(['drill', '--dry-run'], { cwd: dir, env: { AGENT_ROLLOUT_STATE_DIR: state } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Window: 7m');
    const order = ['first', 'tell-ops', 'untimed', 'check', 'back'].map((id) => result.stdout.indexOf(` ${id} `));
    expect(order.every((at) => at > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(result.stdout).toMatch(/first +run +\.\/scripts\/mark\.sh first +45s/);
    expect(result.stdout).toMatch(/untimed +run +\.\/scripts\/mark\.sh x +7m \(the window; no timeout set\)/);
    expect(result.stdout).toMatch(/check +\.\/scripts\/mark\.sh probe .*3 attempts 3s apart, 10s each/);
    // A duration a person reads is 3.2s, not the manifest's 3s200ms.
    expect(result.stdout).toMatch(/quick +\.\/scripts\/mark\.sh probe .*2 attempts 1\.5s apart, 3\.2s each\n/);
    expect(result.stdout).toMatch(/back +run +\.\/scripts\/mark\.sh restored +1m30s\n/);
    expect(result.stdout).not.toMatch(/\d+s\d+ms/);
    expect(result.stdout).toContain('Tell #ops the agent is off.');
    expect(existsSync(join(dir, 'marks.txt'))).toBe(false);
    expect(existsSync(join(dir, 'drills'))).toBe(false);
    expect(existsSync(join(dir, 'rollout.audit.jsonl'))).toBe(false);
    expect(existsSync(state)).toBe(false);
    const json = parseJsonOutput<{ dryRun: boolean; plan: { windowMs: number; steps: { id: string; timeoutMs: number }[] } }>(
      (await runInProcess(['drill', '--dry-run', '--format', 'json'], { cwd: dir })).stdout,
    );
    expect(json.dryRun).toBe(true);
    expect(json.plan.windowMs).toBe(420_000);
    expect(json.plan.steps.map((s) => [s.id, s.timeoutMs])).toEqual([
      ['first', 45_000],
      ['tell-ops', 420_000],
      ['untimed', 420_000],
    ]);
  });

  it('a manual step without a terminal is refused before anything runs, naming --confirm-manual', async () => {
    const dir = await fixture({
      window: '1m',
      steps: [run('off', ['./scripts/mark.sh', 'off']), { id: 'announce', manual: 'Post in #ops.' }],
      restore: [run('back', ['./scripts/mark.sh', 'restored'])],
    });
    const result = await runInProcess(['drill'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'error: the rollback has a manual step ("announce") and there is no terminal to confirm it on; nothing was run',
    );
    expect(result.stderr).toContain('--confirm-manual');
    expect(existsSync(join(dir, 'marks.txt'))).toBe(false);
    expect(existsSync(join(dir, 'drills'))).toBe(false);
    const confirmed = await drill(dir, ['--confirm-manual']);
    expect(confirmed.code).toBe(0);
    expect(confirmed.report?.steps[1]?.confirmation).toMatchObject({ by: 'drill-tester', via: '--confirm-manual' });
    // Confirmed by the flag: the progress waits for nothing, and says who the step is recorded against.
    expect(confirmed.stderr).not.toContain('waiting for confirmation');
    expect(confirmed.stderr).toContain('step announce (manual): confirmed by drill-tester (--confirm-manual)\n');
  });

  it('a script path that climbs out of the manifest folder, or a symlink pointing out, is refused', async () => {
    const dir = await fixture({ window: '1m', steps: [run('escape', ['../outside.sh'])] });
    await writeFile(join(root, 'outside.sh'), '#!/bin/sh\ntouch escaped\n', { mode: 0o755 });
    const escaped = await runInProcess(['drill'], { cwd: dir });
    expect(escaped.code).toBe(2);
    expect(escaped.stderr).toContain('rollback.steps "escape" runs "../outside.sh" is outside the manifest\'s folder');
    const linked = await fixture({ window: '1m', steps: [run('linked', ['./scripts/linked.sh'])] });
    await symlink(join(root, 'outside.sh'), join(linked, 'scripts', 'linked.sh'));
    const viaLink = await runInProcess(['drill'], { cwd: linked });
    expect(viaLink.code).toBe(2);
    expect(viaLink.stderr).toMatch(/"\.\/scripts\/linked\.sh" is a symbolic link to .*outside\.sh, outside the manifest's folder/);
    expect(existsSync(join(dir, 'escaped'))).toBe(false);
    expect(existsSync(join(linked, 'escaped'))).toBe(false);
  });

  it('--help documents the flags and ends with examples and the exit codes', async () => {
    const help = await runInProcess(['drill', '--help']);
    expect(help.code).toBe(0);
    for (const flag of ['--dry-run', '--confirm-manual', '--no-restore', '--format <format>', '-m, --manifest <path>'])
      expect(help.stdout).toContain(flag);
    expect(help.stdout).toMatch(/\nExamples:\n {2}agent-rollout drill --dry-run/);
    expect(help.stdout).toMatch(/Exit codes: 0 .*\n.*130 interrupted\.\n+$/);
  });

  it('a step that exits but leaves a process holding its output passes on its exit code; the leftover is killed', async () => {
    const dir = await fixture({ window: '1m', steps: [run('off', ['./scripts/leave-behind.sh'])] });
    const { code, report } = await drill(dir);
    expect(code).toBe(0);
    expect(report?.steps[0]?.status).toBe('passed');
    expect(report?.steps[0]?.output).toContain(
      'flag off\n[agent-rollout: the command exited, but processes it started kept its output open; those in its process group were killed, and the wait for the rest ended]',
    );
    expect(await gone(readPid(join(dir, 'left.pid')))).toBe(true);
  });

  it('a missing script fails its step with "command not found"', async () => {
    const dir = await fixture({ window: '1m', steps: [run('gone', ['./scripts/not-there.sh'])] });
    const { code, report } = await drill(dir);
    expect(code).toBe(1);
    expect(report?.steps[0]).toMatchObject({ status: 'failed', reason: 'command not found: ./scripts/not-there.sh' });
  });
});
