import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, watch } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, copyExample, runCli, tempDir } from '../helpers/cli.js';

let dir: string;
let cleanup: () => Promise<void>;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('agent-rollout-race-'));
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await cleanup();
});

function baseEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: dir,
    NO_COLOR: '1',
    AGENT_ROLLOUT_CONFIG_DIR: join(dir, 'config'),
    ...extra,
  };
}

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts the built binary without waiting for it, so two can race or one can be killed mid-way. */
function start(args: string[], cwd: string, env: Record<string, string>): { child: ChildProcess; done: Promise<Finished> } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<Finished>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      children.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, done };
}

async function orgsOf(folder: string): Promise<Record<string, unknown>> {
  const doc = JSON.parse(await readFile(join(folder, 'rollout.json'), 'utf8')) as { state: { orgs?: Record<string, unknown> } };
  return doc.state.orgs ?? {};
}

async function trailLines(folder: string): Promise<Record<string, any>[]> {
  const path = join(folder, 'rollout.audit.jsonl');
  if (!existsSync(path)) return [];
  return (await readFile(path, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, any>);
}

const LOST_RACE = /changed on disk since it was read; nothing was written|another agent-rollout command is changing/;

describe('two writers racing on one manifest', () => {
  it('one wins; the other fails saying so or goes after it; no update is lost; the file and the chain stay valid', async () => {
    const folder = await copyExample('support-triage', join(dir, 'race'));
    // No actor in the environment: each command asks git and then the OS, which widens the
    // window between reading the manifest and committing, as a slow command would.
    const env = baseEnv();
    const rounds = 5;
    const writers = ['a', 'b', 'c'];
    let conflicts = 0;
    let successes = 0;
    for (let round = 0; round < rounds; round++) {
      const results = await Promise.all(
        writers.map(
          (w, k) => start(['org', k % 2 === 0 ? 'disable' : 'enable', `org-${w}${round}`, '--reason', `round ${round}`], folder, env).done,
        ),
      );
      for (const result of results) {
        if (result.code === 0) successes++;
        else {
          expect(result.code, result.stderr).toBe(2);
          expect(result.stderr).toMatch(LOST_RACE);
          expect(result.stderr).toContain('hint: ');
          conflicts++;
        }
      }
      expect(
        results.some((r) => r.code === 0),
        `round ${round}: nobody won\n${results.map((r) => r.stderr).join('\n')}`,
      ).toBe(true);
      const orgs = await orgsOf(folder);
      writers.forEach((w, k) => {
        expect(`org-${w}${round}` in orgs, `round ${round}, writer ${w}`).toBe(results[k]?.code === 0);
        if (results[k]?.code === 0) expect(orgs[`org-${w}${round}`]).toEqual({ enabled: k % 2 !== 0 });
      });
    }
    const entries = await trailLines(folder);
    expect(entries).toHaveLength(successes);
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    for (const [i, entry] of entries.entries()) if (i > 0) expect(entry.before).toEqual(entries[i - 1]?.after);
    const verify = await runCli(['audit', 'verify'], { cwd: folder, env });
    expect(verify.stdout).toContain('chain intact');
    expect(verify.code).toBe(0);
    // Five rounds of three processes started together: the race is lost at least once.
    expect(conflicts).toBeGreaterThan(0);
    expect(await readdir(folder)).not.toEqual(expect.arrayContaining([expect.stringMatching(/\.lock|\.pending|\.tmp$/)]));
  });
});

describe('a writer killed during a write', () => {
  it('leaves a manifest that parses, and the next command recovers so that audit verify passes', async () => {
    const folder = await copyExample('support-triage', join(dir, 'kill'));
    const env = baseEnv({ AGENT_ROLLOUT_ACTOR: 'killer@example.com' });
    const manifest = join(folder, 'rollout.json');
    const commands = (i: number): string[] =>
      [
        ['pause', '--reason', `iteration ${i}`],
        ['org', 'mode', `org-${i}`, 'enforce'],
        ['resume'],
        ['disable'],
        ['enable', '--reason', `iteration ${i}`],
      ][i % 5] as string[];

    // How long one write takes here, to spread kills over a command's whole life.
    const began = Date.now();
    const baseline = await start(commands(0), folder, env).done;
    expect(baseline.code, baseline.stderr).toBe(0);
    const duration = Date.now() - began;

    // Each kill lands at a random time, or right after a step of the write shows on disk.
    const triggers = ['time', 'lock', 'pending', 'audit', 'manifest', 'time'] as const;
    const seen = { pendingLeft: 0, lockLeft: 0, committed: 0, notCommitted: 0 };
    const deadline = Date.now() + 15_000;
    let i = 1;
    for (; Date.now() < deadline || i < 6; i++) {
      const before = await readFile(manifest, 'utf8');
      const entriesBefore = (await trailLines(folder)).length;
      const trigger = triggers[i % triggers.length] as (typeof triggers)[number];
      const run = start(commands(i), folder, env);
      const kill = (): void => void run.child.kill('SIGKILL');
      const watcher = watch(folder, (_event, name) => {
        const file = String(name);
        const hit =
          (trigger === 'lock' && file.includes('.lock')) ||
          (trigger === 'pending' && file.includes('.pending')) ||
          (trigger === 'audit' && file === 'rollout.audit.jsonl') ||
          (trigger === 'manifest' && file === 'rollout.json');
        if (hit) kill();
      });
      const timer = trigger === 'time' ? setTimeout(kill, Math.random() * duration * 1.1) : undefined;
      const result = await run.done;
      watcher.close();
      clearTimeout(timer);

      // Never torn: the manifest on disk is the old file or a whole new one.
      const after = await readFile(manifest, 'utf8');
      expect(() => JSON.parse(after), `iteration ${i} (${trigger}): the manifest does not parse`).not.toThrow();
      if (result.signal === 'SIGKILL') {
        if (existsSync(join(folder, '.rollout.json.pending'))) seen.pendingLeft++;
        if (existsSync(`${manifest}.lock`)) seen.lockLeft++;
      }

      // The next command finishes or undoes the interrupted change; then the trail and the manifest agree.
      const verify = await runCli(['audit', 'verify'], { cwd: folder, env });
      expect(verify.code, `iteration ${i} (${trigger}, ${result.signal ?? result.code}):\n${verify.stdout}${verify.stderr}`).toBe(0);
      const entriesAfter = (await trailLines(folder)).length;
      const now = await readFile(manifest, 'utf8');
      // The change happened with its entry, or not at all.
      if (entriesAfter > entriesBefore) {
        expect(entriesAfter).toBe(entriesBefore + 1);
        expect(now).not.toBe(before);
        seen.committed++;
      } else if (result.code === 0 && /nothing to do/.test(result.stdout)) {
        expect(now).toBe(before);
      } else {
        expect(now, `iteration ${i}: the manifest changed without an entry`).toBe(before);
        seen.notCommitted++;
      }
    }
    // A last command runs to the end and leaves nothing behind.
    const last = await runCli(['org', 'mode', 'last-org', 'enforce', '--reason', 'after the storm'], { cwd: folder, env });
    expect(last.code, last.stderr).toBe(0);
    expect(last.stdout).toContain('audit: seq');
    const verify = await runCli(['audit', 'verify'], { cwd: folder, env });
    expect(verify.code, verify.stdout).toBe(0);
    expect((await readdir(folder)).filter((name) => /\.lock|\.pending|\.tmp$|\.stale/.test(name))).toEqual([]);
    // The kills did interrupt writes half-way, and some changes survived their writer's death.
    expect(seen.pendingLeft + seen.lockLeft, JSON.stringify(seen)).toBeGreaterThan(0);
    expect(seen.notCommitted, JSON.stringify(seen)).toBeGreaterThan(0);
  });
});
