import { chmod, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { alive, gone, readPid } from '../helpers/processes.js';
import { EXAMPLES, tempDir } from '../helpers/cli.js';
import { killStarted, startCli } from '../helpers/start.js';

const SUPPORT = JSON.parse(readFileSync(join(EXAMPLES, 'support-triage', 'rollout.json'), 'utf8')) as Record<string, any>;

const SCRIPTS: Record<string, string> = {
  'ok.sh': '#!/usr/bin/env bash\necho "ok ${1:-}"\n',
  'spawn-and-wait.sh':
    '#!/usr/bin/env bash\nsleep 300 &\necho $! > "$1.grandchild.pid.tmp" && mv "$1.grandchild.pid.tmp" "$1.grandchild.pid"\necho $$ > "$1.child.pid.tmp" && mv "$1.child.pid.tmp" "$1.child.pid"\nwait\n',
  'mark.sh': '#!/usr/bin/env bash\necho "$1" >> marks.txt\necho "marked $1"\n',
};

let root: string;
let cleanupRoot: () => Promise<void>;
let counter = 0;

beforeAll(async () => ({ dir: root, cleanup: cleanupRoot } = await tempDir('agent-rollout-drill-int-')));
afterAll(async () => cleanupRoot());
// A failed assertion must not leave a drill running.
afterEach(() => killStarted());

async function fixture(rollback: Record<string, unknown>): Promise<string> {
  const dir = join(root, `case-${++counter}`);
  await mkdir(join(dir, 'scripts'), { recursive: true });
  await writeFile(join(dir, 'rollout.json'), JSON.stringify({ ...structuredClone(SUPPORT), rollback }, null, 2));
  for (const [name, content] of Object.entries(SCRIPTS)) {
    await writeFile(join(dir, 'scripts', name), content);
    await chmod(join(dir, 'scripts', name), 0o755);
  }
  return dir;
}

/** Starts the drill as a user would, without waiting for it; returns the process and its exit. */
function startDrill(dir: string, args: string[] = []) {
  const { child, done } = startCli(['drill', '--actor', 'ctrl-c-tester', '--format', 'json', ...args], { cwd: dir });
  return { child, exited: done };
}

/** Waits (at most 30 s) for a step's script to write a file; fails at once if the drill ends first. */
async function waitForFile(path: string, exited: Promise<unknown>): Promise<void> {
  let done = false;
  void exited.then(() => (done = true));
  const deadline = Date.now() + 30_000;
  while (!existsSync(path)) {
    if (done) throw new Error(`the drill ended before ${path} appeared`);
    if (Date.now() > deadline) throw new Error(`${path} did not appear within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function pids(dir: string, prefix: string): Promise<number[]> {
  return ['child', 'grandchild'].map((which) => readPid(join(dir, `${prefix}.${which}.pid`)));
}

async function journal(dir: string): Promise<{ text: string; lines: Record<string, any>[] }> {
  const files = (await readdir(join(dir, 'drills'))).filter((f) => f.endsWith('.journal.jsonl'));
  expect(files).toHaveLength(1);
  const text = await readFile(join(dir, 'drills', files[0] as string), 'utf8');
  // Every line a complete JSON object: nothing cut off by the interrupt.
  expect(text.endsWith('\n')).toBe(true);
  const lines = text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, any>);
  return { text, lines };
}

describe('Ctrl-C during a drill', () => {
  it('the first Ctrl-C kills the running step with its children, records it, restores, reports and exits 130', async () => {
    const dir = await fixture({
      window: '5m',
      steps: [
        { id: 'kill-switch', run: ['./scripts/mark.sh', 'off'], timeout: '20s' },
        { id: 'revoke', run: ['./scripts/spawn-and-wait.sh', 'revoke'], timeout: '2m' },
        { id: 'never', run: ['./scripts/mark.sh', 'never'], timeout: '20s' },
      ],
      verify: [{ id: 'off', run: ['./scripts/ok.sh'], expect: { stdout: 'ok' } }],
      restore: [{ id: 'kill-switch-on', run: ['./scripts/mark.sh', 'restored'], timeout: '20s' }],
    });
    const { child, exited } = startDrill(dir);
    await waitForFile(join(dir, 'revoke.grandchild.pid'), exited);
    await waitForFile(join(dir, 'revoke.child.pid'), exited);
    const [stepChild, grandchild] = await pids(dir, 'revoke');
    expect(alive(stepChild as number)).toBe(true);
    child.kill('SIGINT');
    const result = await exited;
    expect(result.code).toBe(130);
    expect(await gone(stepChild as number)).toBe(true);
    expect(await gone(grandchild as number)).toBe(true);
    // The restore ran; the step after the interrupted one did not.
    expect((await readFile(join(dir, 'marks.txt'), 'utf8')).trim().split('\n')).toEqual(['off', 'restored']);
    const { lines } = await journal(dir);
    const events = lines.map((l) => l['event']);
    expect(events).toContain('interrupted');
    expect(lines.find((l) => l['event'] === 'interrupted')).toMatchObject({ during: 'step "revoke"' });
    expect(lines.find((l) => l['event'] === 'step-finished' && l['id'] === 'revoke')).toMatchObject({ status: 'interrupted' });
    expect(lines.find((l) => l['event'] === 'step-skipped')).toMatchObject({ id: 'never' });
    expect(events.at(-1)).toBe('drill-finished');
    const report = JSON.parse(result.stdout) as Record<string, any>;
    expect(report['interrupted']).toBe(true);
    expect(report['passed']).toBe(false);
    expect(report['restore']['status']).toBe('passed');
    expect(existsSync(join(dir, report['files']['report']))).toBe(true);
    const audit = (await readFile(join(dir, 'rollout.audit.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, any>);
    expect(audit.at(-1)?.['details']).toMatchObject({ passed: false, interrupted: true });
    expect(result.stderr).toContain('Press Ctrl-C again to exit at once');
  });

  it('a second Ctrl-C exits at once with 130, kills the restore, and still leaves a valid journal', async () => {
    const dir = await fixture({
      window: '5m',
      steps: [{ id: 'revoke', run: ['./scripts/spawn-and-wait.sh', 'revoke'], timeout: '2m' }],
      restore: [
        { id: 'slow-restore', run: ['./scripts/spawn-and-wait.sh', 'restore'], timeout: '2m' },
        { id: 'after', run: ['./scripts/mark.sh', 'after'], timeout: '20s' },
      ],
    });
    const { child, exited } = startDrill(dir);
    await waitForFile(join(dir, 'revoke.child.pid'), exited);
    child.kill('SIGINT');
    await waitForFile(join(dir, 'restore.child.pid'), exited);
    await waitForFile(join(dir, 'restore.grandchild.pid'), exited);
    child.kill('SIGINT');
    const result = await exited;
    expect(result.code).toBe(130);
    for (const pid of [...(await pids(dir, 'revoke')), ...(await pids(dir, 'restore'))]) expect(await gone(pid)).toBe(true);
    expect(existsSync(join(dir, 'marks.txt'))).toBe(false);
    const { lines } = await journal(dir);
    expect(lines.at(-1)).toMatchObject({ event: 'aborted' });
    expect(lines.map((l) => l['seq'])).toEqual(lines.map((_, i) => i + 1));
    expect((await readdir(join(dir, 'drills'))).filter((f) => f.includes('.report.'))).toEqual([]);
    expect(result.stderr).toContain('Exited at once (second Ctrl-C)');
  });
});
