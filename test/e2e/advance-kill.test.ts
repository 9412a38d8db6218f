import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, watch } from 'node:fs';
import { chmod, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/manifest/write.js';
import { BIN, copyExample, runCli, tempDir } from '../helpers/cli.js';

/**
 * `advance` and `rollback` killed with SIGTERM and SIGKILL, 100 times, at a random time within
 * one run or right after a step of the write shows on disk. Every time: the manifest parses, the
 * next command (`audit verify`) recovers and finds the trail and the manifest in agreement, and
 * the change was made with exactly one audit entry or not at all. SIGTERM is held back while the
 * lock is held (src/state/lock.ts), so it never leaves a lock or a pending file.
 */

const ITERATIONS = 100;
/**
 * Independent projects killed side by side: each iteration is two process start-ups (the killed
 * command, then audit verify), and start-up, not the write, is what takes the time; two lanes
 * keep both cores of a small CI machine busy.
 */
const LANES = 2;
const STAGES = ['internal-pilot', 'limited-beta', 'general-availability'];
/** Values for every signal of the example, so the gate needs no source (and --no-sources queries none). */
const METRICS = JSON.stringify({
  window: { start: '2026-10-01T00:00:00Z', end: '2026-10-08T00:00:00Z' },
  values: {
    invocations: 140,
    security_events: 0,
    cost_per_invocation_usd: 0.081,
    output_policy_violations: 0,
    error_rate: 0.01,
    data_class_escapes: 0,
    support_tickets_per_day: 1,
    guardrail_trigger_rate: 0.01,
  },
});

let dir: string;
let cleanup: () => Promise<void>;
let closedPort: number;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('agent-rollout-advance-kill-'));
  closedPort = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
    });
  });
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await cleanup();
});

const env = (): Record<string, string> => ({
  PATH: process.env['PATH'] ?? '/usr/bin:/bin',
  HOME: dir,
  NO_COLOR: '1',
  AGENT_ROLLOUT_CONFIG_DIR: join(dir, 'config'),
  AGENT_ROLLOUT_ACTOR: 'killer@example.com',
});

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts the built binary without waiting for it, so it can be killed mid-way. */
function start(args: string[], cwd: string, input: string): { child: ChildProcess; done: Promise<Finished> } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: env(), stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin?.on('error', () => undefined);
  child.stdin?.end(input);
  const done = new Promise<Finished>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      children.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, done };
}

async function trail(folder: string): Promise<Record<string, any>[]> {
  const path = join(folder, 'rollout.audit.jsonl');
  if (!existsSync(path)) return [];
  return (await readFile(path, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, any>);
}

/** What one iteration does: advance (forced, on pasted metrics) while there is a next stage, else roll back to the first. */
function commandFor(stage: string, i: number): { action: 'advance' | 'rollback'; args: string[]; input: string; to: string } {
  const at = STAGES.indexOf(stage);
  if (at < STAGES.length - 1) {
    return {
      action: 'advance',
      args: ['advance', '--no-sources', '--metrics', '-', '--force', '--reason', `kill test ${i}`],
      input: METRICS,
      to: STAGES[at + 1] as string,
    };
  }
  // --format text: the stored-format lookup would load `conf` for nothing.
  return {
    action: 'rollback',
    args: ['rollback', '--to', 'internal-pilot', '--reason', `kill test ${i}`, '--format', 'text'],
    input: '',
    to: 'internal-pilot',
  };
}

/** A kill lands at a random time within one run, or right after this file shows up or changes. */
const TRIGGERS = ['time', 'lock', 'pending-temp', 'pending', 'audit', 'manifest', 'time'] as const;
type Trigger = (typeof TRIGGERS)[number];
function hits(trigger: Trigger, file: string): boolean {
  switch (trigger) {
    case 'time':
      return false;
    case 'lock':
      return file === 'rollout.json.lock';
    case 'pending-temp':
      return file.startsWith('.rollout.json.pending.') && file.endsWith('.tmp');
    case 'pending':
      return file === '.rollout.json.pending';
    case 'audit':
      return file === 'rollout.audit.jsonl';
    case 'manifest':
      return file === 'rollout.json';
  }
}

/** The files a process left of a write: its lock, its lock's owner or take-over file, the pending file and its temporary file. */
async function leftBy(folder: string, pid: number): Promise<string[]> {
  const names = await readdir(folder);
  const left = names.filter(
    (name) =>
      name === '.rollout.json.pending' ||
      name === `rollout.json.lock.${pid}.tmp` ||
      name === `rollout.json.lock.stale.${pid}` ||
      (name.startsWith(`.rollout.json.pending.${pid}.`) && name.endsWith('.tmp')),
  );
  if (names.includes('rollout.json.lock')) {
    const owner = await readFile(join(folder, 'rollout.json.lock'), 'utf8').then(
      (text) => (JSON.parse(text) as { pid: number }).pid,
      () => undefined,
    );
    if (owner === pid) left.push('rollout.json.lock');
  }
  return left;
}

interface Tally {
  /** The process died of the signal. */
  killed: number;
  /** The signal came after the process had ended, or it ran to its end. */
  finished: number;
  committed: number;
  notCommitted: number;
  /** Left behind by the killed process, before the next command ran. */
  pendingLeft: number;
  lockLeft: number;
  /** Committed by the next command's recovery: the entry was written, the rename was not. */
  completedByRecovery: number;
  /** SIGTERM held back until the lock was released (the process said so on stderr). */
  heldBack: number;
}
const tally = (): Tally => ({
  killed: 0,
  finished: 0,
  committed: 0,
  notCommitted: 0,
  pendingLeft: 0,
  lockLeft: 0,
  completedByRecovery: 0,
  heldBack: 0,
});
type Signal = 'SIGTERM' | 'SIGKILL';

/** One project, killed `iterations` times, alternating the signals; returns what it saw. */
async function lane(name: string, iterations: number): Promise<{ duration: Record<string, number>; seen: Record<Signal, Tally> }> {
  const folder = await copyExample('support-triage', join(dir, name));
  const manifest = join(folder, 'rollout.json');
  // Sources on a closed port: nothing here may depend on the network.
  const document = JSON.parse(await readFile(manifest, 'utf8'));
  document.metrics.sources.prom.url = `http://127.0.0.1:${closedPort}`;
  await writeFile(manifest, `${JSON.stringify(document, null, 2)}\n`);
  // Not the default mode: every write replaces the file by a rename, and must keep its permissions.
  await chmod(manifest, 0o640);
  const stageOf = async (): Promise<string> => (JSON.parse(await readFile(manifest, 'utf8')) as { state: { stage: string } }).state.stage;

  // How long one run of each command takes here, to spread the timed kills over a whole run:
  // advance twice (the first pays for a cold cache) and roll back to the first stage.
  const duration: Record<string, number> = {};
  for (let k = 0; k < 3; k++) {
    const command = commandFor(await stageOf(), -1);
    const began = Date.now();
    const run = await start(command.args, folder, command.input).done;
    expect(run.code, run.stderr).toBe(0);
    duration[command.action] = Date.now() - began;
  }
  expect(await stageOf()).toBe('internal-pilot');

  const seen: Record<Signal, Tally> = { SIGTERM: tally(), SIGKILL: tally() };
  for (let i = 0; i < iterations; i++) {
    const signal: Signal = i % 2 === 0 ? 'SIGKILL' : 'SIGTERM';
    const trigger = TRIGGERS[Math.floor(i / 2) % TRIGGERS.length] as Trigger;
    const label = `${name}, iteration ${i} (${signal} on ${trigger})`;
    const before = await readFile(manifest, 'utf8');
    const entriesBefore = (await trail(folder)).length;
    const stage = JSON.parse(before).state.stage as string;
    const command = commandFor(stage, i);

    const run = start(command.args, folder, command.input);
    const pid = run.child.pid as number;
    let sent = false;
    // One signal per run: a second SIGTERM means "stop now", which is not what this iteration tests.
    const kill = (): void => {
      if (sent) return;
      sent = true;
      run.child.kill(signal);
    };
    const watcher = watch(folder, (_event, file) => {
      if (file !== null && hits(trigger, String(file))) kill();
    });
    const timer = trigger === 'time' ? setTimeout(kill, Math.random() * (duration[command.action] ?? 500) * 1.1) : undefined;
    const result = await run.done;
    watcher.close();
    clearTimeout(timer);
    const tallied = seen[signal];

    // Never torn: the manifest on disk is the old file or a whole new one.
    const after = await readFile(manifest, 'utf8');
    expect(() => JSON.parse(after), `${label}: the manifest does not parse`).not.toThrow();
    const left = await leftBy(folder, pid);
    const pendingLeft = left.includes('.rollout.json.pending');
    if (result.signal === signal) {
      tallied.killed++;
      if (pendingLeft) tallied.pendingLeft++;
      if (left.includes('rollout.json.lock')) tallied.lockLeft++;
      // SIGTERM never leaves the lock or a half-made change behind: it waits for the lock's release.
      if (signal === 'SIGTERM') expect(left, `${label}: SIGTERM left files behind\n${result.stderr}`).toEqual([]);
      if (/^agent-rollout: stopped by SIGTERM /m.test(result.stderr)) tallied.heldBack++;
    } else {
      // The signal came too late: the command ran to its end, and a run that ends succeeds.
      expect(result.code, `${label}: ${result.stderr}`).toBe(0);
      expect(left, `${label}: a finished command left files behind`).toEqual([]);
      tallied.finished++;
    }

    // The next command finishes or undoes the interrupted change; then the trail and the manifest agree.
    const verify = await runCli(['audit', 'verify', '--format', 'text'], { cwd: folder, env: env() });
    expect(verify.code, `${label}, ${result.signal ?? `exit ${result.code}`}:\n${verify.stdout}${verify.stderr}`).toBe(0);
    const entries = await trail(folder);
    const now = await readFile(manifest, 'utf8');
    if (entries.length === entriesBefore) {
      expect(now, `${label}: the manifest changed without an audit entry`).toBe(before);
      tallied.notCommitted++;
    } else {
      // Exactly one entry, for this change, recording the manifest as it now is.
      expect(entries.length, label).toBe(entriesBefore + 1);
      const entry = entries.at(-1) as Record<string, any>;
      expect(entry, label).toMatchObject({
        action: command.action,
        reason: `kill test ${i}`,
        before: { stage },
        after: { stage: command.to },
        manifestSha256: sha256(now),
      });
      expect(JSON.parse(now).state, label).toEqual(entry.after);
      tallied.committed++;
      if (pendingLeft) tallied.completedByRecovery++;
    }
  }

  // A last run goes to the end and leaves nothing behind: a lock left by a killed process is taken over.
  const command = commandFor(await stageOf(), iterations);
  const last = await start(command.args, folder, command.input).done;
  expect(last.code, last.stderr).toBe(0);
  const verify = await runCli(['audit', 'verify', '--format', 'text'], { cwd: folder, env: env() });
  expect(verify.code, verify.stdout).toBe(0);
  expect((await readdir(folder)).filter((file) => /\.lock|\.pending|\.tmp$|\.stale/.test(file))).toEqual([]);
  expect((await stat(manifest)).mode & 0o777).toBe(0o640);
  // The three measuring runs, what the iterations committed, and the last run.
  expect((await trail(folder)).length).toBe(3 + seen.SIGKILL.committed + seen.SIGTERM.committed + 1);
  return { duration, seen };
}

describe('advance and rollback killed mid-write with SIGTERM and SIGKILL', () => {
  it(`${ITERATIONS} kills: the manifest always parses, audit verify passes after recovery, each change is whole with one entry or absent`, async () => {
    const began = Date.now();
    const lanes = await Promise.all(Array.from({ length: LANES }, (_, k) => lane(`lane-${k}`, ITERATIONS / LANES)));
    const seen: Record<Signal, Tally> = { SIGTERM: tally(), SIGKILL: tally() };
    for (const { seen: one } of lanes) {
      for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
        for (const key of Object.keys(one[signal]) as (keyof Tally)[]) seen[signal][key] += one[signal][key];
      }
    }
    const report = JSON.stringify({ durationsMs: lanes.map((l) => l.duration), seen, wallMs: Date.now() - began });
    console.log(`advance-kill: ${report}`);
    expect(seen.SIGKILL.killed + seen.SIGKILL.finished + seen.SIGTERM.killed + seen.SIGTERM.finished).toBe(ITERATIONS);
    // Not vacuous: kills landed before any write and in the middle of one (SIGKILL left a pending
    // or lock file behind; SIGTERM was held back until the lock was released), some changes were
    // made and some were not.
    expect(seen.SIGKILL.killed, report).toBeGreaterThan(0);
    expect(seen.SIGTERM.killed, report).toBeGreaterThan(0);
    expect(seen.SIGKILL.pendingLeft + seen.SIGKILL.lockLeft, report).toBeGreaterThan(0);
    expect(seen.SIGTERM.heldBack, report).toBeGreaterThan(0);
    expect(seen.SIGKILL.notCommitted + seen.SIGTERM.notCommitted, report).toBeGreaterThan(0);
    expect(seen.SIGKILL.committed + seen.SIGTERM.committed, report).toBeGreaterThan(0);
  }, 180_000);
});
