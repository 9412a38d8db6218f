import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { copyExample, parseJsonOutput, tempDir } from '../helpers/cli.js';
import { recordRefusalTestsPassed } from '../helpers/refusal-tests.js';
import { Terminal } from '../helpers/tmux.js';

let dir: string;
let cleanup: () => Promise<void>;
let terminal: Terminal | undefined;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => {
  await terminal?.close();
  terminal = undefined;
});
afterAll(async () => cleanup?.());

async function project(name: string): Promise<string> {
  const folder = await copyExample('support-triage', join(dir, name));
  const path = join(folder, 'rollout.json');
  const manifest = JSON.parse(await readFile(path, 'utf8'));
  manifest.state.since = '2026-10-01T00:00:00Z';
  await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`);
  await recordRefusalTestsPassed(path);
  return folder;
}

/** Runs `gate` in a real terminal (a tmux pane); stdout goes to out.json. */
async function start(folder: string, args: string[]): Promise<Terminal> {
  terminal = await Terminal.start(['gate', ...args], { cwd: folder, stdoutFile: join(folder, 'out.json') });
  return terminal;
}

describe('gate on a terminal with no metrics given asks for each value', () => {
  it('asks for the window and each signal, re-asks on a bad value, then evaluates what was typed', async () => {
    const folder = await project('typed');
    const t = await start(folder, ['--no-sources', '--at', '2026-10-08T00:00:00Z', '--format', 'json']);
    await t.answer('Over what period were these values measured', '7d');
    await t.answer('security_events (events)', '0');
    await t.answer('cost_per_invocation_usd (USD)', 'abc');
    await t.waitFor('"abc" is not a number; type a number such as 0 or 0.08');
    await t.press('BSpace', 'BSpace', 'BSpace');
    await t.type('0.081');
    await t.press('Enter');
    await t.answer('output_policy_violations (responses)', '0');
    await t.answer('invocations (invocations)', '-5');
    await t.waitFor('this signal counts events, so it cannot be negative');
    await t.press('BSpace', 'BSpace');
    await t.type('140');
    await t.press('Enter');
    expect(await t.exitCode()).toBe(0);
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
    const t = await start(folder, ['--no-sources', '--window', '7d']);
    await t.choose('security_events (events)', 'C-c');
    expect(await t.exitCode()).toBe(130);
    expect(await readFile(join(folder, 'out.json'), 'utf8')).toBe('');
    await t.waitFor('interrupted at the prompt');
    expect(await t.screen()).not.toMatch(/at .*\.js:\d+/);
  });
});
