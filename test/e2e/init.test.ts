import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ANSWERS } from '../../src/init/answers.js';
import { buildManifest } from '../../src/init/template.js';
import { sha256 } from '../../src/manifest/write.js';
import { verifyTrail } from '../../src/state/audit.js';
import { ROOT, parseJsonOutput, runInProcess, tempDir } from '../helpers/cli.js';

const SCHEMA_ID = 'https://agent-rollout.dev/schemas/rollout.v1.schema.json';

let dir: string;
let cleanup: () => Promise<void>;
let env: Record<string, string>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('agent-rollout-init-'));
  env = { AGENT_ROLLOUT_ACTOR: 'tester@example.com', AGENT_ROLLOUT_CONFIG_DIR: join(dir, '.config') };
});
afterAll(async () => cleanup());

describe('init --yes', () => {
  it('writes the template with placeholders, which validates with no finding even under --strict', async () => {
    const cwd = join(dir, 'fresh');
    const result = await runInProcess(['init', '--yes', '-m', 'fresh/rollout.json'], { cwd: dir, env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('wrote fresh/rollout.json for my-agent: internal-pilot → limited-beta → general-availability');
    const text = await readFile(join(cwd, 'rollout.json'), 'utf8');
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(buildManifest(DEFAULT_ANSWERS, SCHEMA_ID))));
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toMatch(/^\{\n {2}"\$schema": /);
    const validate = await runInProcess(['validate', '--strict', '--format', 'json'], { cwd, env });
    expect(validate.code).toBe(0);
    expect(parseJsonOutput<any>(validate.stdout).files[0].diagnostics).toEqual([]);
  });

  it('outside this package, "$schema" is the schema\'s $id', async () => {
    const manifest = JSON.parse(await readFile(join(dir, 'fresh', 'rollout.json'), 'utf8'));
    expect(manifest.$schema).toBe(SCHEMA_ID);
    const schema = JSON.parse(await readFile(join(ROOT, 'schemas', 'rollout.v1.schema.json'), 'utf8'));
    expect(schema.$id).toBe(SCHEMA_ID);
  });

  it('appends an init audit entry: before null, after the state section, the hash of what was written', async () => {
    const text = await readFile(join(dir, 'fresh', 'rollout.audit.jsonl'), 'utf8');
    const { entries, problems } = verifyTrail(text);
    expect(problems).toEqual([]);
    expect(entries).toHaveLength(1);
    const manifest = await readFile(join(dir, 'fresh', 'rollout.json'), 'utf8');
    expect(entries[0]).toMatchObject({
      seq: 1,
      action: 'init',
      actor: 'tester@example.com',
      before: null,
      after: { enabled: false, stage: 'internal-pilot', governanceMode: 'observe' },
      details: {},
      manifestSha256: sha256(manifest),
      prev: null,
    });
  });

  it('inventory --check lists each placeholder init wrote as a gap, exit 1, until it is replaced', async () => {
    const check = await runInProcess(['inventory', '--check', '--format', 'json'], { cwd: join(dir, 'fresh'), env });
    expect(check.code).toBe(1);
    const report = parseJsonOutput<{ gaps: { kind: string; message: string }[] }>(check.stdout);
    expect(report.gaps.map((g) => g.kind)).toEqual(['placeholder', 'placeholder', 'placeholder', 'placeholder']);
    expect(report.gaps[0]?.message).toBe('credential "my-agent-token"\'s secretRef still holds init\'s placeholder "env:MY_AGENT_TOKEN"');
  });

  it('a rollout started minutes ago is never go, however long a --window is claimed: init records when the first stage began', async () => {
    const folder = join(dir, 'young');
    expect((await runInProcess(['init', '--yes', '-m', join(folder, 'rollout.json')], { env })).code).toBe(0);
    expect((await runInProcess(['enable', '--reason', 'start the pilot'], { cwd: folder, env })).code).toBe(0);
    const values = ['security_events=0', 'cost_per_invocation_usd=0.05', 'output_policy_violations=0', 'invocations=500'].flatMap((v) => [
      '--set',
      v,
    ]);
    const gate = await runInProcess(['gate', '--no-sources', '--window', '7d', ...values, '--format', 'json'], { cwd: folder, env });
    const report = parseJsonOutput<{ verdict: string; prerequisites: { id: string; status: string; reason: string }[] }>(gate.stdout);
    expect(report.verdict).not.toBe('go');
    expect(gate.code).not.toBe(0);
    const minDuration = report.prerequisites.find((p) => p.id === 'min-duration');
    expect(minDuration?.status).toBe('inconclusive');
    expect(minDuration?.reason).toMatch(/before the stage was entered/);
  });

  it('refuses to overwrite an existing file unless --force, and says so', async () => {
    const cwd = join(dir, 'fresh');
    const before = await readFile(join(cwd, 'rollout.json'), 'utf8');
    const refused = await runInProcess(['init', '--yes'], { cwd, env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('error: rollout.json already exists; nothing was written');
    expect(refused.stderr).toContain('--force');
    expect(await readFile(join(cwd, 'rollout.json'), 'utf8')).toBe(before);

    await writeFile(join(cwd, 'rollout.json'), '{"edited": true}\n');
    const forced = await runInProcess(['init', '--yes', '--force'], { cwd, env });
    expect(forced.code).toBe(0);
    expect(await readFile(join(cwd, 'rollout.json'), 'utf8')).toBe(before);
    const { entries, problems } = verifyTrail(await readFile(join(cwd, 'rollout.audit.jsonl'), 'utf8'));
    expect(problems).toEqual([]);
    expect(entries.map((e) => e.action)).toEqual(['init', 'init']);
  });

  it('without a terminal and without --yes: exit 2, naming --yes, nothing written', async () => {
    const result = await runInProcess(['init'], { cwd: dir, env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: init asks questions and needs a terminal');
    expect(result.stderr).toContain('hint: pass --yes');
    expect(existsSync(join(dir, 'rollout.json'))).toBe(false);
    expect(existsSync(join(dir, 'rollout.audit.jsonl'))).toBe(false);
  });

  it('--help ends with examples', async () => {
    const result = await runInProcess(['init', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Examples:\n {2}agent-rollout init /);
  });
});

describe('init inside this package', () => {
  let inside: string;
  beforeAll(async () => {
    inside = await mkdtemp(join(ROOT, 'test', '.init-'));
  });
  afterAll(async () => rm(inside, { recursive: true, force: true }));

  it('"$schema" is a relative path that reaches the package\'s schema', async () => {
    const result = await runInProcess(['init', '--yes'], { cwd: inside, env });
    expect(result.code).toBe(0);
    const manifest = JSON.parse(await readFile(join(inside, 'rollout.json'), 'utf8'));
    expect(manifest.$schema).toBe('../../schemas/rollout.v1.schema.json');
    expect(resolve(inside, manifest.$schema)).toBe(join(ROOT, 'schemas', 'rollout.v1.schema.json'));
    expect(existsSync(resolve(inside, manifest.$schema))).toBe(true);
  });
});
