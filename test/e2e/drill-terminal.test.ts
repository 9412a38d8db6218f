import { chmod, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES, tempDir } from '../helpers/cli.js';
import { Terminal } from '../helpers/tmux.js';

/**
 * Manual steps in a real terminal: the drill runs inside a tmux session on a private socket;
 * the test reads the screen and types like an operator.
 */

const SUPPORT = JSON.parse(readFileSync(join(EXAMPLES, 'support-triage', 'rollout.json'), 'utf8')) as Record<string, any>;

let root: string;
let cleanupRoot: () => Promise<void>;
let counter = 0;
let terminal: Terminal | undefined;

beforeAll(async () => ({ dir: root, cleanup: cleanupRoot } = await tempDir('agent-rollout-drill-tty-')));
afterEach(async () => {
  await terminal?.close();
  terminal = undefined;
});
afterAll(async () => cleanupRoot());

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

/** Starts `agent-rollout drill` in a real terminal. */
async function startInTerminal(dir: string): Promise<Terminal> {
  terminal = await Terminal.start(['drill', '--actor', 'terminal-operator'], { cwd: dir, width: 160, env: { TERM: 'xterm' } });
  return terminal;
}

async function report(dir: string): Promise<Record<string, any>> {
  const name = (await readdir(join(dir, 'drills'))).find((f) => f.endsWith('.report.json')) as string;
  return JSON.parse(await readFile(join(dir, 'drills', name), 'utf8')) as Record<string, any>;
}

describe('manual steps at a terminal', () => {
  it('shows the instruction, waits, and records who confirmed, when, and the note', async () => {
    const dir = await fixture();
    const t = await startInTerminal(dir);
    await t.waitFor('Done?');
    const before = await t.screen();
    expect(before).toContain('Rollback step 2/2 "call-controller" is manual');
    expect(before).toContain('Call the financial controller on duty: the agent is off.');
    expect(before).toMatch(/window left \d/);
    expect(before).toMatch(/kill-switch: passed in/);
    // Waiting: nothing after the manual step has run.
    expect((await readFile(join(dir, 'marks.txt'), 'utf8')).trim()).toBe('off');
    await t.press('y', 'Enter');
    await t.answer('Note for the record', 'reached Dana on the phone');
    expect(await t.exitCode(30_000)).toBe(0);
    expect(await t.screen()).toMatch(/Rollback drill of support-triage: PASSED/);
    const drill = await report(dir);
    const manual = (drill['steps'] as Record<string, any>[]).find((s) => s['id'] === 'call-controller');
    expect(manual?.['status']).toBe('passed');
    expect(manual?.['confirmation']).toMatchObject({ by: 'terminal-operator', via: 'terminal', note: 'reached Dana on the phone' });
    expect(Number.isNaN(Date.parse(manual?.['confirmation']['at'] as string))).toBe(false);
    expect((await readFile(join(dir, 'marks.txt'), 'utf8')).trim().split('\n')).toEqual(['off', 'probe', 'restored']);
  });

  it('answering no fails the step and the drill; the restore still runs', async () => {
    const dir = await fixture();
    const t = await startInTerminal(dir);
    await t.choose('Done?', 'n', 'Enter');
    expect(await t.exitCode(30_000)).toBe(1);
    const drill = await report(dir);
    expect(drill['reasons']).toEqual(['step "call-controller" failed: terminal-operator answered that the step was not done']);
    expect((await readFile(join(dir, 'marks.txt'), 'utf8')).trim().split('\n')).toEqual(['off', 'restored']);
  });

  it('Ctrl-C at the prompt interrupts the drill: recorded, restored, exit 130', async () => {
    const dir = await fixture();
    const t = await startInTerminal(dir);
    await t.choose('Done?', 'C-c');
    expect(await t.exitCode(30_000)).toBe(130);
    const drill = await report(dir);
    expect(drill['interrupted']).toBe(true);
    expect((drill['steps'] as Record<string, any>[])[1]).toMatchObject({ id: 'call-controller', status: 'interrupted' });
    expect((await readFile(join(dir, 'marks.txt'), 'utf8')).trim().split('\n')).toEqual(['off', 'restored']);
  });
});
