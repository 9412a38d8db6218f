import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { copyExample, runCli, tempDir } from '../helpers/cli.js';
import { RACE_ROUNDS } from '../helpers/run-counts.js';
import { killStarted, startCli } from '../helpers/start.js';

/**
 * Writers racing on one manifest. The lost race is made on purpose: AGENT_ROLLOUT_TEST_INTERRUPT
 * (src/state/interrupt-hook.ts) pauses one writer after it read the manifest while another
 * commits. Writers started together are a stress loop: RACE_ROUNDS rounds (2 by default;
 * `npm run test:stress` runs 40), whatever the interleaving turns out to be.
 * (Writers killed mid-write: test/e2e/write-interrupted.test.ts.)
 */

let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('agent-rollout-race-'));
});
afterEach(() => killStarted());
afterAll(async () => cleanup());

function baseEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { HOME: dir, AGENT_ROLLOUT_CONFIG_DIR: join(dir, 'config'), ...extra };
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

/** The trail is one chain, each entry starting from the state the one before left, and audit verify agrees. */
async function expectOneChain(folder: string, entries: number): Promise<void> {
  const lines = await trailLines(folder);
  expect(lines).toHaveLength(entries);
  expect(lines.map((e) => e['seq'])).toEqual(lines.map((_, i) => i + 1));
  for (const [i, entry] of lines.entries()) if (i > 0) expect(entry['before']).toEqual(lines[i - 1]?.['after']);
  const verify = await runCli(['audit', 'verify'], { cwd: folder, env: baseEnv() });
  expect(verify.stdout).toContain('chain intact');
  expect(verify.code).toBe(0);
  expect(await readdir(folder)).not.toEqual(expect.arrayContaining([expect.stringMatching(/\.lock|\.pending|\.tmp$/)]));
}

const LOST_RACE = /changed on disk since it was read; nothing was written|another agent-rollout command is changing/;

describe('a writer whose manifest changed after it read it', () => {
  it('loses the race: exit 2, says the file changed and nothing was written, with a hint; the winner’s change stands', async () => {
    const folder = await copyExample('support-triage', join(dir, 'lost'));
    const env = baseEnv({ AGENT_ROLLOUT_ACTOR: 'racer@example.com' });
    // The loser reads the manifest, then waits (before taking the lock) while the winner commits.
    const loser = startCli(['org', 'disable', 'org-loser', '--reason', 'second'], {
      cwd: folder,
      env: { ...env, AGENT_ROLLOUT_TEST_INTERRUPT: 'pause@before-lock' },
    });
    await loser.stderrShows('test hook: paused at before-lock');
    const winner = await runCli(['org', 'enable', 'org-winner', '--reason', 'first'], { cwd: folder, env });
    expect(winner.code, winner.stderr).toBe(0);
    loser.child.kill('SIGURG');
    const lost = await loser.done;
    expect(lost.code, lost.stderr).toBe(2);
    expect(lost.stderr).toMatch(/^error: .*rollout\.json changed on disk since it was read; nothing was written$/m);
    expect(lost.stderr).toMatch(/^ *hint: \S/m);
    expect(lost.stdout).toBe('');
    const orgs = await orgsOf(folder);
    expect(orgs['org-winner']).toEqual({ enabled: true });
    expect('org-loser' in orgs).toBe(false);
    await expectOneChain(folder, 1);
  });
});

describe('stress: three writers started together', () => {
  it(`${RACE_ROUNDS} rounds, whatever the interleaving: each writer wins or fails saying it lost; no update is lost; the file and the chain stay valid`, async () => {
    const folder = await copyExample('support-triage', join(dir, 'race'));
    // No actor in the environment: each command asks git and then the OS, which widens the
    // window between reading the manifest and committing, as a slow command would.
    const env = baseEnv();
    const writers = ['a', 'b', 'c'];
    let successes = 0;
    let conflicts = 0;
    for (let round = 0; round < RACE_ROUNDS; round++) {
      const results = await Promise.all(
        writers.map(
          (w, k) =>
            startCli(['org', k % 2 === 0 ? 'disable' : 'enable', `org-${w}${round}`, '--reason', `round ${round}`], { cwd: folder, env })
              .done,
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
      // Someone always wins: a loser lost to a writer that committed.
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
    console.log(`state-concurrency stress: ${successes} won, ${conflicts} lost the race`);
    await expectOneChain(folder, successes);
  });
});
