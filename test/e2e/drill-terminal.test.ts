import { execFileSync } from 'node:child_process';
import { chmod, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BIN, EXAMPLES, tempDir } from '../helpers/cli.js';

/**
 * Manual steps in a real terminal: the drill runs inside a tmux session on a private socket;
 * the test reads the screen (capture-pane) and types (send-keys) like an operator.
 */

const SUPPORT = JSON.parse(readFileSync(join(EXAMPLES, 'support-triage', 'rollout.json'), 'utf8')) as Record<string, any>;
const SOCKET = `agent-rollout-drill-${process.pid}`;

let root: string;
let cleanupRoot: () => Promise<void>;
let counter = 0;

beforeAll(async () => ({ dir: root, cleanup: cleanupRoot } = await tempDir('agent-rollout-drill-tty-')));
afterAll(async () => {
  try {
    execFileSync('tmux', ['-L', SOCKET, 'kill-server'], { stdio: 'ignore' });
  } catch {
    // no server left
  }
  await cleanupRoot();
});
afterEach(() => {
  try {
    execFileSync('tmux', ['-L', SOCKET, 'kill-session', '-t', 'drill'], { stdio: 'ignore' });
  } catch {
    // the session ended with the drill
  }
});

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
}

function screen(): string {
  return tmux('capture-pane', '-p', '-t', 'drill', '-S', '-200');
}

async function waitFor(what: () => boolean, description: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!what()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${description}; the screen:\n${safeScreen()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function safeScreen(): string {
  try {
    return screen();
  } catch {
    return '(no session)';
  }
}

async function fixture(): Promise<string> {
  const dir = join(root, `case-${++counter}`);
  await mkdir(join(dir, 'scripts'), { recursive: true });
  const rollback = {
    window: '10m',
    steps: [
      { id: 'kill-switch', run: ['./scripts/mark.sh', 'off'], timeout: '20s' },
      { id: 'call-controller', manual: 'Call the financial controller on duty: the agent is off.' },
    ],
    verify: [{ id: 'off', run: ['./scripts/mark.sh', 'probe'], expect: { stdout: 'marked' } }],
    restore: [{ id: 'kill-switch-on', run: ['./scripts/mark.sh', 'restored'], timeout: '20s' }],
  };
  await writeFile(join(dir, 'rollout.json'), JSON.stringify({ ...structuredClone(SUPPORT), rollback }, null, 2));
  await writeFile(join(dir, 'scripts', 'mark.sh'), '#!/usr/bin/env bash\necho "$1" >> marks.txt\necho "marked $1"\n');
  await chmod(join(dir, 'scripts', 'mark.sh'), 0o755);
  return dir;
}

/** Starts `agent-rollout drill` in a fresh tmux session; its exit code lands in exit.txt. */
function startInTerminal(dir: string): void {
  const command = `cd '${dir}' && env NO_COLOR=1 TERM=xterm '${process.execPath}' '${BIN}' drill --actor terminal-operator; echo $? > exit.txt; sleep 30`;
  tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'drill', '-x', '160', '-y', '50', command);
}

async function report(dir: string): Promise<Record<string, any>> {
  const name = (await readdir(join(dir, 'drills'))).find((f) => f.endsWith('.report.json')) as string;
  return JSON.parse(await readFile(join(dir, 'drills', name), 'utf8')) as Record<string, any>;
}

describe('manual steps at a terminal', () => {
  it('shows the instruction, waits, and records who confirmed, when, and the note', async () => {
    const dir = await fixture();
    startInTerminal(dir);
    await waitFor(() => safeScreen().includes('Done?'), 'the confirmation prompt');
    const before = screen();
    expect(before).toContain('Rollback step 2/2 "call-controller" is manual');
    expect(before).toContain('Call the financial controller on duty: the agent is off.');
    expect(before).toMatch(/window left \d/);
    expect(before).toMatch(/kill-switch: passed in/);
    // Waiting: nothing after the manual step has run.
    expect((await readFile(join(dir, 'marks.txt'), 'utf8')).trim()).toBe('off');
    tmux('send-keys', '-t', 'drill', 'y', 'Enter');
    await waitFor(() => safeScreen().includes('Note for the record'), 'the note prompt');
    tmux('send-keys', '-t', 'drill', '-l', 'reached Dana on the phone');
    tmux('send-keys', '-t', 'drill', 'Enter');
    await waitFor(() => existsSync(join(dir, 'exit.txt')), 'the drill to end');
    expect((await readFile(join(dir, 'exit.txt'), 'utf8')).trim()).toBe('0');
    expect(screen()).toMatch(/Rollback drill of support-triage: PASSED/);
    const drill = await report(dir);
    const manual = (drill['steps'] as Record<string, any>[]).find((s) => s['id'] === 'call-controller');
    expect(manual?.['status']).toBe('passed');
    expect(manual?.['confirmation']).toMatchObject({ by: 'terminal-operator', via: 'terminal', note: 'reached Dana on the phone' });
    expect(Number.isNaN(Date.parse(manual?.['confirmation']['at'] as string))).toBe(false);
    expect((await readFile(join(dir, 'marks.txt'), 'utf8')).trim().split('\n')).toEqual(['off', 'probe', 'restored']);
  });

  it('answering no fails the step and the drill; the restore still runs', async () => {
    const dir = await fixture();
    startInTerminal(dir);
    await waitFor(() => safeScreen().includes('Done?'), 'the confirmation prompt');
    tmux('send-keys', '-t', 'drill', 'n', 'Enter');
    await waitFor(() => existsSync(join(dir, 'exit.txt')), 'the drill to end');
    expect((await readFile(join(dir, 'exit.txt'), 'utf8')).trim()).toBe('1');
    const drill = await report(dir);
    expect(drill['reasons']).toEqual(['step "call-controller" failed: terminal-operator answered that the step was not done']);
    expect((await readFile(join(dir, 'marks.txt'), 'utf8')).trim().split('\n')).toEqual(['off', 'restored']);
  });

  it('Ctrl-C at the prompt interrupts the drill: recorded, restored, exit 130', async () => {
    const dir = await fixture();
    startInTerminal(dir);
    await waitFor(() => safeScreen().includes('Done?'), 'the confirmation prompt');
    tmux('send-keys', '-t', 'drill', 'C-c');
    await waitFor(() => existsSync(join(dir, 'exit.txt')), 'the drill to end');
    expect((await readFile(join(dir, 'exit.txt'), 'utf8')).trim()).toBe('130');
    const drill = await report(dir);
    expect(drill['interrupted']).toBe(true);
    expect((drill['steps'] as Record<string, any>[])[1]).toMatchObject({ id: 'call-controller', status: 'interrupted' });
    expect((await readFile(join(dir, 'marks.txt'), 'utf8')).trim().split('\n')).toEqual(['off', 'restored']);
  });
});
