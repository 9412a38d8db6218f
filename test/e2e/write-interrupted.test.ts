import { existsSync, watch } from 'node:fs';
import { chmod, cp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/manifest/write.js';
import { copyExample, runCli, runInProcess, tempDir } from '../helpers/cli.js';
import { KILL_ITERATIONS } from '../helpers/run-counts.js';
import { killStarted, startCli } from '../helpers/start.js';

/**
 * A command that changes the manifest (advance, rollback, the state commands) interrupted during
 * its write never leaves a half-written manifest or a broken trail: the manifest always parses,
 * the next command finishes or undoes the change (`audit verify` passes), and the change was made
 * with exactly one audit entry or not at all. SIGTERM is held back while the lock is held
 * (src/state/lock.ts), so it never leaves a lock or a pending file.
 *
 * Each crash point is tested on purpose: AGENT_ROLLOUT_TEST_INTERRUPT (src/state/interrupt-hook.ts)
 * makes the command kill itself, or pause, at a named step. The randomly timed kills at the end
 * are a stress loop: KILL_ITERATIONS of them (10 by default; `npm run test:stress` runs 400).
 * What is killed is always the built binary; the commands that recover and verify afterwards run
 * in-process (the same code, without a process start each).
 */

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
/** A project with one audit entry already, copied for each case. */
let base: string;
let copies = 0;

const env = (extra: Record<string, string> = {}): Record<string, string> => ({
  HOME: dir,
  AGENT_ROLLOUT_CONFIG_DIR: join(dir, 'config'),
  AGENT_ROLLOUT_ACTOR: 'killer@example.com',
  ...extra,
});

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('agent-rollout-write-interrupted-'));
  const closedPort = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
    });
  });
  base = await copyExample('support-triage', join(dir, 'base'));
  const manifest = join(base, 'rollout.json');
  // Sources on a closed port: nothing here may depend on the network.
  const document = JSON.parse(await readFile(manifest, 'utf8'));
  document.metrics.sources.prom.url = `http://127.0.0.1:${closedPort}`;
  await writeFile(manifest, `${JSON.stringify(document, null, 2)}\n`);
  // Not the default mode: every write replaces the file by a rename, and must keep its permissions.
  await chmod(manifest, 0o640);
  // A trail to chain onto.
  const first = await runInProcess(['org', 'mode', 'base-org', 'enforce', '--reason', 'a first entry'], { cwd: base, env: env() });
  expect(first.code, first.stderr).toBe(0);
});
afterEach(() => killStarted());
afterAll(async () => cleanup());

async function project(): Promise<string> {
  const folder = join(dir, `case-${++copies}`);
  await cp(base, folder, { recursive: true });
  return folder;
}

async function trail(folder: string): Promise<Record<string, any>[]> {
  const path = join(folder, 'rollout.audit.jsonl');
  if (!existsSync(path)) return [];
  return (await readFile(path, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, any>);
}

const stageOf = async (folder: string): Promise<string> =>
  (JSON.parse(await readFile(join(folder, 'rollout.json'), 'utf8')) as { state: { stage: string } }).state.stage;

interface Command {
  action: string;
  args: string[];
  input?: string;
  reason: string;
  /** For advance and rollback: the stage it moves to. */
  to?: string;
}

/** advance (forced, on pasted metrics) while there is a next stage, else roll back to the first. */
function moveFrom(stage: string, reason: string): Command {
  const at = STAGES.indexOf(stage);
  if (at < STAGES.length - 1) {
    return {
      action: 'advance',
      args: ['advance', '--no-sources', '--metrics', '-', '--force', '--reason', reason],
      input: METRICS,
      reason,
      to: STAGES[at + 1] as string,
    };
  }
  // --format text: the stored-format lookup would load `conf` for nothing.
  return {
    action: 'rollback',
    args: ['rollback', '--to', 'internal-pilot', '--reason', reason, '--format', 'text'],
    reason,
    to: 'internal-pilot',
  };
}

/** The state commands, in an order where each one changes something when run in turn. */
function stateCommand(i: number, reason: string): Command {
  const commands: [string, string[]][] = [
    ['pause', ['pause']],
    ['org', ['org', 'mode', `org-${i}`, 'enforce']],
    ['resume', ['resume']],
    ['disable', ['disable']],
    ['enable', ['enable']],
  ];
  const [action, args] = commands[i % commands.length] as [string, string[]];
  return { action, args: [...args, '--reason', reason], reason };
}

/** The files a process left of a write: its lock, its lock's owner or take-over file, the pending file and its temporary file. */
async function leftBy(folder: string, pid: number): Promise<string[]> {
  const names = await readdir(folder);
  const left = names.filter(
    (name) =>
      name === '.rollout.json.pending' ||
      name === `rollout.json.lock.${pid}.tmp` ||
      name === `rollout.json.lock.stale.${pid}` ||
      // writeFileAtomic's temporary file of the pending file `.rollout.json.pending`: `.<name>.<pid>.<time>.tmp`.
      (name.startsWith(`..rollout.json.pending.${pid}.`) && name.endsWith('.tmp')),
  );
  if (names.includes('rollout.json.lock')) {
    const owner = await readFile(join(folder, 'rollout.json.lock'), 'utf8').then(
      (text) => (JSON.parse(text) as { pid: number }).pid,
      () => undefined,
    );
    if (owner === pid) left.push('rollout.json.lock');
  }
  return left.sort();
}

/** After the next command's recovery: the trail and the manifest agree, and the change is whole with one entry or absent. */
async function expectWholeOrAbsent(
  folder: string,
  label: string,
  command: Command,
  before: { text: string; entries: number; stage: string },
): Promise<'committed' | 'not committed'> {
  const verify = await runInProcess(['audit', 'verify', '--format', 'text'], { cwd: folder, env: env() });
  expect(verify.code, `${label}:\n${verify.stdout}${verify.stderr}`).toBe(0);
  expect(verify.stdout, label).toContain('chain intact');
  const entries = await trail(folder);
  const now = await readFile(join(folder, 'rollout.json'), 'utf8');
  if (entries.length === before.entries) {
    expect(now, `${label}: the manifest changed without an audit entry`).toBe(before.text);
    return 'not committed';
  }
  // Exactly one entry, for this change, recording the manifest as it now is.
  expect(entries.length, label).toBe(before.entries + 1);
  const entry = entries.at(-1) as Record<string, any>;
  expect(entry, label).toMatchObject({ action: command.action, reason: command.reason, manifestSha256: sha256(now) });
  if (command.to !== undefined) expect(entry, label).toMatchObject({ before: { stage: before.stage }, after: { stage: command.to } });
  expect(JSON.parse(now).state, label).toEqual(entry['after']);
  return 'committed';
}

/** A last command goes to the end and leaves nothing behind: a lock left by a killed process is taken over. */
async function expectCleanAfterLastCommand(folder: string, label: string, entries: number): Promise<void> {
  const last = await runInProcess(['org', 'mode', 'last-org', 'enforce', '--reason', 'after the storm'], { cwd: folder, env: env() });
  expect(last.code, `${label}: ${last.stderr}`).toBe(0);
  expect(last.stdout, label).toContain('audit: seq');
  const verify = await runInProcess(['audit', 'verify', '--format', 'text'], { cwd: folder, env: env() });
  expect(verify.code, `${label}: ${verify.stdout}`).toBe(0);
  expect(
    (await readdir(folder)).filter((file) => /\.lock|\.pending|\.tmp$|\.stale/.test(file)),
    label,
  ).toEqual([]);
  expect((await stat(join(folder, 'rollout.json'))).mode & 0o777, label).toBe(0o640);
  expect((await trail(folder)).length, label).toBe(entries + 1);
}

/**
 * What a SIGKILL at each step leaves behind (pid: the killed process), and whether the change
 * counts as made. `command`: advance, or a state command (0 pause, 1 org mode: each changes the
 * base project).
 */
const CRASH_POINTS = [
  { step: 'lock-owner-written', command: 0, left: (pid: number) => [`rollout.json.lock.${pid}.tmp`], committed: false },
  { step: 'lock-held', command: 'advance', left: () => ['rollout.json.lock'], committed: false },
  {
    step: 'atomic-temp-written',
    command: 1,
    left: (pid: number) => [`..rollout.json.pending.${pid}.*.tmp`, 'rollout.json.lock'],
    committed: false,
  },
  { step: 'pending-written', command: 'advance', left: () => ['.rollout.json.pending', 'rollout.json.lock'], committed: false },
  { step: 'audit-appended', command: 'advance', left: () => ['.rollout.json.pending', 'rollout.json.lock'], committed: true },
  { step: 'audit-appended', command: 0, left: () => ['.rollout.json.pending', 'rollout.json.lock'], committed: true },
  { step: 'renamed', command: 1, left: () => ['rollout.json.lock'], committed: true },
] as const;

describe('a change killed (SIGKILL) at each step of its write', () => {
  it.each(
    CRASH_POINTS.map((point) => ({ ...point, kind: point.command === 'advance' ? 'advance' : stateCommand(point.command, '').action })),
  )(
    'at $step ($kind): the manifest parses, the next command recovers, the change is whole with one entry or absent',
    async ({ step, command: which, left, committed }) => {
      const folder = await project();
      const manifest = join(folder, 'rollout.json');
      const before = { text: await readFile(manifest, 'utf8'), entries: (await trail(folder)).length, stage: await stageOf(folder) };
      const command = which === 'advance' ? moveFrom(before.stage, `killed at ${step}`) : stateCommand(which, `killed at ${step}`);
      const run = startCli(command.args, {
        cwd: folder,
        input: command.input ?? '',
        env: env({ AGENT_ROLLOUT_TEST_INTERRUPT: `kill@${step}` }),
      });
      const result = await run.done;
      expect(result.signal, `${step}: ${result.stderr}`).toBe('SIGKILL');

      // Never torn: the manifest on disk is the old file, or (renamed) the whole new one.
      const after = await readFile(manifest, 'utf8');
      expect(() => JSON.parse(after)).not.toThrow();
      if (step !== 'renamed') expect(after).toBe(before.text);
      // What the crash left is exactly what the step says.
      const expected = left(run.pid).map((name) => new RegExp(`^${name.replace(/\./g, '\\.').replace('*', '\\d+')}$`));
      const found = await leftBy(folder, run.pid);
      expect(found.length, found.join(', ')).toBe(expected.length);
      for (const pattern of expected)
        expect(
          found.some((name) => pattern.test(name)),
          `${pattern} in ${found.join(', ')}`,
        ).toBe(true);
      expect((await trail(folder)).length).toBe(before.entries + (step === 'audit-appended' || step === 'renamed' ? 1 : 0));

      expect(await expectWholeOrAbsent(folder, step, command, before)).toBe(committed ? 'committed' : 'not committed');
      await expectCleanAfterLastCommand(folder, step, before.entries + (committed ? 1 : 0));
    },
  );

  it('a lock left by a killed process is taken over, even when the one taking it over is killed half-way', async () => {
    const folder = await project();
    const manifest = join(folder, 'rollout.json');
    const before = { text: await readFile(manifest, 'utf8'), entries: (await trail(folder)).length, stage: await stageOf(folder) };
    const holder = startCli(['pause', '--reason', 'holder'], { cwd: folder, env: env({ AGENT_ROLLOUT_TEST_INTERRUPT: 'kill@lock-held' }) });
    expect((await holder.done).signal).toBe('SIGKILL');
    expect(await leftBy(folder, holder.pid)).toEqual(['rollout.json.lock']);
    const taker = startCli(['pause', '--reason', 'taker'], {
      cwd: folder,
      env: env({ AGENT_ROLLOUT_TEST_INTERRUPT: 'kill@lock-stale-aside' }),
    });
    expect((await taker.done).signal).toBe('SIGKILL');
    // The dead holder's lock was moved aside under the taker's name, and not yet removed.
    expect(await leftBy(folder, taker.pid)).toEqual([`rollout.json.lock.stale.${taker.pid}`]);
    expect(await readFile(manifest, 'utf8')).toBe(before.text);
    await expectCleanAfterLastCommand(folder, 'after two kills', before.entries);
  });
});

describe('a change told to stop (SIGTERM) while it holds the lock', () => {
  it('before the change began: abandons it, releases the lock, says so and dies of SIGTERM; nothing changed', async () => {
    const folder = await project();
    const manifest = join(folder, 'rollout.json');
    const before = { text: await readFile(manifest, 'utf8'), entries: (await trail(folder)).length, stage: await stageOf(folder) };
    const command = moveFrom(before.stage, 'stopped before');
    const run = startCli(command.args, {
      cwd: folder,
      input: command.input ?? '',
      env: env({ AGENT_ROLLOUT_TEST_INTERRUPT: 'pause@lock-held' }),
    });
    await run.stderrShows('test hook: paused at lock-held');
    run.child.kill('SIGTERM');
    // The command has seen the SIGTERM before it is told to go on.
    await run.stderrShows('test hook: saw SIGTERM');
    run.child.kill('SIGURG');
    const result = await run.done;
    expect(result.signal, result.stderr).toBe('SIGTERM');
    expect(result.stderr).toMatch(/^agent-rollout: stopped by SIGTERM before writing to .*rollout\.json; nothing was changed$/m);
    expect(await leftBy(folder, run.pid)).toEqual([]);
    expect(await expectWholeOrAbsent(folder, 'SIGTERM before', command, before)).toBe('not committed');
  });

  it('during the change: finishes it with its entry, releases the lock, says so and dies of SIGTERM', async () => {
    const folder = await project();
    const manifest = join(folder, 'rollout.json');
    const before = { text: await readFile(manifest, 'utf8'), entries: (await trail(folder)).length, stage: await stageOf(folder) };
    const command = moveFrom(before.stage, 'stopped during');
    const run = startCli(command.args, {
      cwd: folder,
      input: command.input ?? '',
      env: env({ AGENT_ROLLOUT_TEST_INTERRUPT: 'pause@pending-written' }),
    });
    await run.stderrShows('test hook: paused at pending-written');
    run.child.kill('SIGTERM');
    // The command has seen the SIGTERM before it is told to go on.
    await run.stderrShows('test hook: saw SIGTERM');
    run.child.kill('SIGURG');
    const result = await run.done;
    expect(result.signal, result.stderr).toBe('SIGTERM');
    expect(result.stderr).toMatch(/^agent-rollout: stopped by SIGTERM after finishing the write under way to .*rollout\.json$/m);
    expect(await leftBy(folder, run.pid)).toEqual([]);
    expect(await expectWholeOrAbsent(folder, 'SIGTERM during', command, before)).toBe('committed');
  });
});

type Signal = 'SIGTERM' | 'SIGKILL';
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
      return file.startsWith('..rollout.json.pending.') && file.endsWith('.tmp');
    case 'pending':
      return file === '.rollout.json.pending';
    case 'audit':
      return file === 'rollout.audit.jsonl';
    case 'manifest':
      return file === 'rollout.json';
  }
}

/**
 * What iteration `i` runs, in a state where it changes something: lift a pause or a disable
 * (advance refuses on those), else advance or roll back, pause, advance again, then disable or
 * set an org's mode, in turn.
 */
function commandFor(state: { stage: string; paused?: unknown; enabled?: boolean }, i: number): Command {
  const reason = `kill test ${i}`;
  if (state.paused) return stateCommand(2, reason);
  if (state.enabled === false) return stateCommand(4, reason);
  if (i % 2 === 0) return moveFrom(state.stage, reason);
  return stateCommand([0, 3, 0, 1][Math.floor(i / 2) % 4] as number, reason);
}

/** One project, killed `iterations` times, alternating the signals and the commands; returns what it saw. */
async function lane(iterations: number): Promise<Record<string, number>> {
  const folder = await project();
  const manifest = join(folder, 'rollout.json');
  const seen: Record<string, number> = {};
  const tally = (what: string): void => void (seen[what] = (seen[what] ?? 0) + 1);

  // How long one run takes here, to spread the timed kills over a whole run.
  const began = Date.now();
  const measure = await runCli(['org', 'mode', 'measured', 'enforce', '--reason', 'measure'], { cwd: folder, env: env() });
  expect(measure.code, measure.stderr).toBe(0);
  const duration = Date.now() - began;
  let entries = (await trail(folder)).length;

  for (let i = 0; i < iterations; i++) {
    const signal: Signal = i % 2 === 0 ? 'SIGKILL' : 'SIGTERM';
    const trigger = TRIGGERS[Math.floor(i / 2) % TRIGGERS.length] as Trigger;
    const label = `iteration ${i} (${signal} on ${trigger})`;
    const before = { text: await readFile(manifest, 'utf8'), entries, stage: await stageOf(folder) };
    const command = commandFor(JSON.parse(before.text).state, i);

    const run = startCli(command.args, { cwd: folder, input: command.input ?? '', env: env() });
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
    const timer = trigger === 'time' ? setTimeout(kill, Math.random() * duration * 1.1) : undefined;
    const result = await run.done;
    watcher.close();
    clearTimeout(timer);

    // Never torn: the manifest on disk is the old file or a whole new one.
    const after = await readFile(manifest, 'utf8');
    expect(() => JSON.parse(after), `${label}: the manifest does not parse`).not.toThrow();
    const left = await leftBy(folder, run.pid);
    if (result.signal === signal) {
      tally(`${signal} killed`);
      if (left.includes('.rollout.json.pending')) tally(`${signal} left a pending file`);
      if (left.includes('rollout.json.lock')) tally(`${signal} left the lock`);
      // SIGTERM never leaves the lock or a half-made change behind: it waits for the lock's release.
      if (signal === 'SIGTERM') expect(left, `${label}: SIGTERM left files behind\n${result.stderr}`).toEqual([]);
      if (/^agent-rollout: stopped by SIGTERM /m.test(result.stderr)) tally('SIGTERM held back');
    } else {
      // The signal came too late: the command ran to its end, and a run that ends succeeds.
      expect(result.code, `${label}: ${result.stderr}`).toBe(0);
      expect(left, `${label}: a finished command left files behind`).toEqual([]);
      tally(`${signal} came after the end`);
    }
    const outcome = await expectWholeOrAbsent(folder, label, command, before);
    tally(outcome);
    if (outcome === 'committed') entries++;
  }
  await expectCleanAfterLastCommand(folder, 'after the loop', entries);
  return seen;
}

describe('stress: kills at random moments', () => {
  it(
    `${KILL_ITERATIONS} commands killed by SIGTERM or SIGKILL at a random time or right after a step shows on disk: the manifest always parses, audit verify passes after recovery, each change is whole with one entry or absent`,
    async () => {
      // Independent projects killed side by side: start-up, not the write, takes the time, and
      // two lanes keep both cores of a small machine busy.
      const lanes = KILL_ITERATIONS >= 40 ? 2 : 1;
      const per = Math.ceil(KILL_ITERATIONS / lanes);
      const seen = await Promise.all(Array.from({ length: lanes }, (_, k) => lane(Math.min(per, KILL_ITERATIONS - k * per))));
      // What the kills hit this time (the crash points above are each tested on purpose).
      console.log(`write-interrupted stress: ${JSON.stringify(seen)}`);
    },
    60_000 + KILL_ITERATIONS * 3_000,
  );
});
