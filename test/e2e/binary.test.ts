/**
 * Every command once on the built binary, end to end: bin/agent-rollout.js, the bundle and its
 * lazily loaded chunk for the command, the process's standard streams and its exit code. The
 * behaviour of each command is tested in-process (runInProcess) in the other files; this file is
 * what says the binary a user runs is wired to it (`completion` is run on it in completion.test.ts). The commands run in order on one rollout, as
 * an operator would: set up, gate and advance, change the state, drill, review, export.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyExample, parseJsonOutput, runCli, tempDir } from '../helpers/cli.js';
import { useAnsweringAgent } from '../helpers/refusal-tests.js';

const SINCE = '2026-10-01T00:00:00Z';
/** The pilot's metrics over a window that ends now: refusal-test runs after a window's end are not evidence for it. */
const pilotMetrics = (): string =>
  JSON.stringify({
    window: { start: SINCE, end: new Date(Date.now() + 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') },
    values: { security_events: 0, cost_per_invocation_usd: 0.081, output_policy_violations: 0, invocations: 140 },
  });

let dir: string;
let cleanup: () => Promise<void>;
let folder: string;
let env: Record<string, string>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('agent-rollout-binary-'));
  folder = await copyExample('support-triage', dir);
  const path = join(folder, 'rollout.json');
  const manifest = JSON.parse(await readFile(path, 'utf8'));
  manifest.state.since = SINCE;
  await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`);
  await useAnsweringAgent(folder);
  env = {
    AGENT_ROLLOUT_ACTOR: 'binary@example.com',
    AGENT_ROLLOUT_CONFIG_DIR: join(dir, 'config'),
    AGENT_ROLLOUT_STATE_DIR: join(dir, 'example-state'),
  };
});
afterAll(async () => cleanup());

const run = (args: string[], input?: string) => runCli(args, { cwd: folder, env, ...(input !== undefined ? { input } : {}) });

describe('each command on the built binary: exit code, standard output and standard error', () => {
  it('--help (0) and an unknown command (2)', async () => {
    const help = await run(['--help']);
    expect([help.code, help.stderr]).toEqual([0, '']);
    expect(help.stdout).toContain('Exit codes:');
    const unknown = await run(['valdate']);
    expect([unknown.code, unknown.stdout]).toEqual([2, '']);
    expect(unknown.stderr).toContain("error: unknown command 'valdate'");
  });

  it('init --yes (0) writes a manifest that validate passes (0); validate on a broken one (1)', async () => {
    const init = await run(['init', '--yes', '-m', 'new/rollout.json']);
    expect(init.code, init.stderr).toBe(0);
    expect((await run(['validate', 'new/rollout.json'])).code).toBe(0);
    await writeFile(join(folder, 'broken.json'), '{"version": 1}');
    const broken = await run(['validate', 'broken.json']);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('broken.json');
  });

  it('inventory --check and plan (0)', async () => {
    const inventory = await run(['inventory', '--check', '--format', 'json']);
    expect(inventory.code, inventory.stderr).toBe(0);
    expect(parseJsonOutput(inventory.stdout)).toMatchObject({ complete: true });
    const plan = await run(['plan']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/^Plan for support-triage/);
  });

  it('guardrails test (0), then gate: inconclusive without metrics (3), go on metrics from standard input (0)', async () => {
    const guardrails = await run(['guardrails', 'test']);
    expect(guardrails.code, guardrails.stderr).toBe(0);
    const none = await run(['gate', '--no-sources', '--format', 'json']);
    expect(none.code).toBe(3);
    const go = await run(['gate', '--no-sources', '--metrics', '-', '--format', 'json'], pilotMetrics());
    expect(go.code, go.stdout).toBe(0);
    expect(parseJsonOutput(go.stdout)).toMatchObject({ verdict: 'go' });
  });

  it('advance (0) moves to the next stage; status (0) shows it', async () => {
    const advance = await run(['advance', '--no-sources', '--metrics', '-'], pilotMetrics());
    expect(advance.code, advance.stderr).toBe(0);
    expect(advance.stdout).toContain('internal-pilot -> limited-beta by binary@example.com');
    const status = await run(['status', '--format', 'json']);
    expect(status.code).toBe(0);
    expect(parseJsonOutput(status.stdout)).toMatchObject({ stage: { id: 'limited-beta' } });
  });

  it('the state commands (0), and a refused change (2)', async () => {
    for (const args of [
      ['pause', '--reason', 'INC-1'],
      ['resume'],
      ['disable', '--reason', 'drill prep'],
      ['enable'],
      ['org', 'disable', 'support-pilot', '--reason', 'opted out'],
      ['mode', 'enforce'],
      ['rollback', '--reason', 'back to the pilot'],
    ]) {
      const result = await run(args);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
    }
    const refused = await run(['rollback', '--reason', 'no earlier stage']);
    expect([refused.code, refused.stdout]).toEqual([2, '']);
    expect(refused.stderr).toMatch(/^error: /);
  });

  it('drill (0): the example rollback, run for real', async () => {
    const drill = await run(['drill', '--confirm-manual', '--format', 'json']);
    expect(drill.code, drill.stderr).toBe(0);
    expect(parseJsonOutput(drill.stdout)).toMatchObject({ passed: true, interrupted: false });
  });

  it('audit and audit verify (0) over everything above; diff --exit-code (1)', async () => {
    const audit = await run(['audit', '--format', 'json']);
    expect(audit.code).toBe(0);
    // Newest first; `mode enforce` was nothing to do in limited-beta, which is enforced already.
    expect(parseJsonOutput<{ entries: { action: string }[] }>(audit.stdout).entries.map((e) => e.action)).toEqual([
      'drill',
      'rollback',
      'org',
      'enable',
      'disable',
      'resume',
      'pause',
      'advance',
      'guardrails',
    ]);
    const verify = await run(['audit', 'verify']);
    expect(verify.code, verify.stdout).toBe(0);
    const diff = await run(['diff', 'new/rollout.json', 'rollout.json', '--exit-code', '--format', 'json']);
    expect(diff.code, diff.stderr).toBe(1);
  });

  it('export flagd and prometheus-rules (0)', async () => {
    const flagd = await run(['export', 'flagd']);
    expect(flagd.code, flagd.stderr).toBe(0);
    expect(parseJsonOutput(flagd.stdout)).toHaveProperty('flags');
    const rules = await run(['export', 'prometheus-rules', '--out', 'rules.yml']);
    expect(rules.code, rules.stderr).toBe(0);
    expect(rules.stderr).toMatch(/^wrote \d+ alerting rules? for 1 agent to rules\.yml\n$/);
  });

  it('schema (0) prints the path of the schema it ships', async () => {
    const schema = await run(['schema']);
    expect(schema.code, schema.stderr).toBe(0);
    expect(schema.stdout).toMatch(/schemas\/rollout\.v1\.schema\.json\n$/);
  });

  it('config set and get (0); get of a setting not set (1), in the format just stored', async () => {
    expect((await run(['config', 'set', 'format', 'json'])).code).toBe(0);
    expect(await run(['config', 'get', 'format', '--format', 'text'])).toMatchObject({ code: 0, stdout: 'json\n' });
    // The stored format applies from here on.
    const unset = await run(['config', 'get', 'actor']);
    expect(unset.code).toBe(1);
    expect(parseJsonOutput(unset.stdout)).toEqual({ formatVersion: 1, key: 'actor', value: null });
  });
});
