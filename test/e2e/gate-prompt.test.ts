import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, copyExample, parseJsonOutput, tempDir } from '../helpers/cli.js';
import { recordRefusalTestsPassed } from '../helpers/refusal-tests.js';

let dir: string;
let cleanup: () => Promise<void>;

/** A tmux server of this test file's own, its socket in the temporary folder, so nothing else's sessions are touched. */
const tmux = (...args: string[]): string => execFileSync('tmux', ['-S', join(dir, 'tmux.sock'), ...args], { encoding: 'utf8' });

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterAll(async () => {
  try {
    tmux('kill-server');
  } catch {
    // no server left
  }
  await cleanup?.();
});

async function project(name: string): Promise<string> {
  const folder = await copyExample('support-triage', join(dir, name));
  const path = join(folder, 'rollout.json');
  const manifest = JSON.parse(await readFile(path, 'utf8'));
  manifest.state.since = '2026-10-01T00:00:00Z';
  await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`);
  await recordRefusalTestsPassed(path);
  return folder;
}

/** Runs `gate` in a real terminal (a tmux pane); stdout goes to out.json, the exit code to exit.txt. */
function start(session: string, folder: string, args: string): void {
  const command = `cd '${folder}' && NO_COLOR=1 '${process.execPath}' '${BIN}' gate ${args} > out.json; echo $? > exit.txt; sleep 60`;
  tmux('new-session', '-d', '-s', session, '-x', '200', '-y', '50', command);
}

async function screenShows(session: string, text: string): Promise<string> {
  let screen = '';
  for (let i = 0; i < 200; i++) {
    screen = tmux('capture-pane', '-p', '-t', session);
    if (screen.includes(text)) return screen;
    await sleep(100);
  }
  throw new Error(`the terminal never showed ${JSON.stringify(text)}:\n${screen}`);
}

async function exitCode(folder: string): Promise<number> {
  const file = join(folder, 'exit.txt');
  for (let i = 0; i < 200 && !existsSync(file); i++) await sleep(100);
  return Number((await readFile(file, 'utf8')).trim());
}

const keys = (session: string, ...typed: string[]): void => void tmux('send-keys', '-t', session, '--', ...typed);

describe('gate on a terminal with no metrics given asks for each value', () => {
  it('asks for the window and each signal, re-asks on a bad value, then evaluates what was typed', async () => {
    const folder = await project('typed');
    start('typed', folder, '--no-sources --at 2026-10-08T00:00:00Z --format json');
    await screenShows('typed', 'Over what period were these values measured');
    keys('typed', '7d', 'Enter');
    await screenShows('typed', 'security_events (events)');
    keys('typed', '0', 'Enter');
    await screenShows('typed', 'cost_per_invocation_usd (USD)');
    keys('typed', 'abc', 'Enter');
    await screenShows('typed', '"abc" is not a number; type a number such as 0 or 0.08');
    keys('typed', 'BSpace', 'BSpace', 'BSpace', '0.081', 'Enter');
    await screenShows('typed', 'output_policy_violations (responses)');
    keys('typed', '0', 'Enter');
    await screenShows('typed', 'invocations (invocations)');
    keys('typed', '-5', 'Enter');
    await screenShows('typed', 'this signal counts events, so it cannot be negative');
    keys('typed', 'BSpace', 'BSpace', '140', 'Enter');
    expect(await exitCode(folder)).toBe(0);
    const report = parseJsonOutput<{
      verdict: string;
      window: { length: string };
      inputs: { metrics: { signal: string; origin: { kind: string }; value: number }[] };
    }>(await readFile(join(folder, 'out.json'), 'utf8'));
    expect(report.verdict).toBe('go');
    expect(report.window.length).toBe('7d');
    expect(report.inputs.metrics.map((m) => [m.signal, m.origin.kind, m.value])).toEqual([
      ['security_events', 'prompt', 0],
      ['cost_per_invocation_usd', 'prompt', 0.081],
      ['output_policy_violations', 'prompt', 0],
      ['invocations', 'prompt', 140],
    ]);
  });

  it('Ctrl-C at the prompt ends the command cleanly with exit 130 and no report', async () => {
    const folder = await project('interrupted');
    start('interrupted', folder, '--no-sources --window 7d');
    await screenShows('interrupted', 'security_events (events)');
    keys('interrupted', 'C-c');
    expect(await exitCode(folder)).toBe(130);
    expect(await readFile(join(folder, 'out.json'), 'utf8')).toBe('');
    const screen = await screenShows('interrupted', 'interrupted at the prompt');
    expect(screen).not.toMatch(/at .*\.js:\d+/);
  });
});
