import { execFileSync } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyExample, parseJsonOutput, runInProcess, tempDir } from '../helpers/cli.js';

let dir: string;
let cleanup: () => Promise<void>;
/** No global git config, no system one: only what the test sets. */
let base: Record<string, string>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('agent-rollout-config-'));
  await mkdir(join(dir, 'home'));
  base = { HOME: join(dir, 'home'), GIT_CONFIG_NOSYSTEM: '1', AGENT_ROLLOUT_CONFIG_DIR: join(dir, 'config') };
});
afterAll(async () => cleanup());

describe('config get, set, unset, list', () => {
  it('stores actor and format in AGENT_ROLLOUT_CONFIG_DIR', async () => {
    const env = { ...base, AGENT_ROLLOUT_CONFIG_DIR: join(dir, 'config-crud') };
    const empty = await runInProcess(['config', 'list'], { env });
    expect(empty.code).toBe(0);
    expect(empty.stdout).toBe(`actor   (not set)\nformat  (not set)\n(kept in ${join(dir, 'config-crud', 'config.json')})\n`);

    const unset = await runInProcess(['config', 'get', 'actor'], { env });
    expect(unset).toMatchObject({ code: 1, stdout: '' });

    const set = await runInProcess(['config', 'set', 'actor', 'carol@example.com'], { env });
    expect(set.stdout).toBe(`actor = carol@example.com (kept in ${join(dir, 'config-crud', 'config.json')})\n`);
    expect((await runInProcess(['config', 'get', 'actor'], { env })).stdout).toBe('carol@example.com\n');
    expect(JSON.parse(await readFile(join(dir, 'config-crud', 'config.json'), 'utf8'))).toEqual({ actor: 'carol@example.com' });

    expect((await runInProcess(['config', 'set', 'format', 'json'], { env })).code).toBe(0);
    const list = parseJsonOutput<Record<string, any>>((await runInProcess(['config', 'list'], { env })).stdout);
    expect(list).toMatchObject({ formatVersion: 1, settings: { actor: 'carol@example.com', format: 'json' } });

    expect((await runInProcess(['config', 'unset', 'actor', '--format', 'text'], { env })).stdout).toBe('actor unset\n');
    expect((await runInProcess(['config', 'unset', 'actor', '--format', 'text'], { env })).stdout).toBe('actor was not set\n');
    expect((await runInProcess(['config', 'get', 'actor'], { env })).code).toBe(1);
  });

  it('refuses an unknown setting, a format it does not know and an empty actor (exit 2)', async () => {
    const env = { ...base, AGENT_ROLLOUT_CONFIG_DIR: join(dir, 'config-bad') };
    const key = await runInProcess(['config', 'set', 'colour', 'always'], { env });
    expect(key.code).toBe(2);
    expect(key.stderr).toMatch(/Allowed choices are actor, format/);
    const format = await runInProcess(['config', 'set', 'format', 'yaml'], { env });
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('error: format must be one of text, json, markdown; got "yaml"');
    const actor = await runInProcess(['config', 'set', 'actor', ' '], { env });
    expect(actor.code).toBe(2);
    expect(actor.stderr).toContain('actor cannot be empty');
  });

  it('the stored format applies when --format is not given, and a command that cannot render it uses text', async () => {
    const env = { ...base, AGENT_ROLLOUT_CONFIG_DIR: join(dir, 'config-format'), AGENT_ROLLOUT_ACTOR: 'a@example.com' };
    const folder = await copyExample('support-triage', join(dir, 'format'));
    await runInProcess(['config', 'set', 'format', 'json'], { env });
    expect(parseJsonOutput<Record<string, unknown>>((await runInProcess(['status'], { cwd: folder, env })).stdout)).toMatchObject({
      formatVersion: 1,
      enabled: true,
    });
    expect((await runInProcess(['status', '--format', 'text'], { cwd: folder, env })).stdout).toMatch(/^support-triage /);
    await runInProcess(['config', 'set', 'format', 'markdown'], { env });
    expect((await runInProcess(['pause', '--reason', 'x'], { cwd: folder, env })).stdout).toMatch(/^paused the rollout/);
  });

  it('a damaged config file is exit 2 with its path, not a crash', async () => {
    const configDir = join(dir, 'config-damaged');
    await mkdir(configDir);
    await (await import('node:fs/promises')).writeFile(join(configDir, 'config.json'), '{ not json');
    const result = await runInProcess(['config', 'list'], { env: { ...base, AGENT_ROLLOUT_CONFIG_DIR: configDir } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`error: cannot read the operator config ${join(configDir, 'config.json')}`);
  });
});

describe('a config file edited by hand', () => {
  it('a value of the wrong kind is exit 2 naming the setting and the file, for config and for a command that reads it', async () => {
    const configDir = join(dir, 'config-edited');
    await mkdir(configDir);
    await (await import('node:fs/promises')).writeFile(join(configDir, 'config.json'), '{ "format": "yaml", "actor": "ok@example.com" }');
    const env = { ...base, AGENT_ROLLOUT_CONFIG_DIR: configDir };
    const list = await runInProcess(['config', 'list'], { env });
    expect(list.code).toBe(2);
    expect(list.stderr).toContain(
      `error: cannot read the operator config ${join(configDir, 'config.json')}: format must be one of text, json, markdown; got "yaml"`,
    );
    const folder = await copyExample('support-triage', join(dir, 'edited-config'));
    const status = await runInProcess(['status'], { cwd: folder, env });
    expect(status.code).toBe(2);
    expect(status.stderr).toContain('format must be one of text, json, markdown');
  });
});

describe('who acts: --actor, then AGENT_ROLLOUT_ACTOR, then the stored actor, then git user.email, then the OS user', () => {
  it('each source in turn, recorded in the audit entry with where it came from', async () => {
    const repo = join(dir, 'repo');
    await mkdir(repo);
    const gitEnv = { ...process.env, ...base };
    execFileSync('git', ['init', '-q'], { cwd: repo, env: gitEnv });
    execFileSync('git', ['config', 'user.email', 'repo-user@example.com'], { cwd: repo, env: gitEnv });
    const folder = await copyExample('support-triage', repo);
    const configEnv = { ...base, AGENT_ROLLOUT_CONFIG_DIR: join(dir, 'config-actor') };
    await runInProcess(['config', 'set', 'actor', 'stored@example.com'], { env: configEnv });

    const toggles = [['pause', '--reason', 'who'], ['resume']];
    let n = 0;
    async function actorOf(args: string[], env: Record<string, string>, cwd = folder): Promise<[string, string]> {
      const result = await runInProcess([...(toggles[n++ % 2] as string[]), ...args], { cwd, env });
      expect(result.code, result.stderr).toBe(0);
      const lines = (await readFile(join(cwd, 'rollout.audit.jsonl'), 'utf8')).trim().split('\n');
      const entry = JSON.parse(lines.at(-1) as string) as { actor: string; details: { actorSource: string } };
      return [entry.actor, entry.details.actorSource];
    }

    const everything = { ...configEnv, AGENT_ROLLOUT_ACTOR: 'env@example.com' };
    expect(await actorOf(['--actor', 'flag@example.com'], everything)).toEqual(['flag@example.com', 'flag']);
    expect(await actorOf([], everything)).toEqual(['env@example.com', 'env']);
    expect(await actorOf([], configEnv)).toEqual(['stored@example.com', 'config']);
    expect(await actorOf([], { ...base, AGENT_ROLLOUT_CONFIG_DIR: join(dir, 'config-none') })).toEqual(['repo-user@example.com', 'git']);

    // Outside any git repository, with no global git config: the OS user.
    const outside = await copyExample('support-triage', join(dir, 'no-git'));
    n = 0;
    expect(await actorOf([], { ...base, AGENT_ROLLOUT_CONFIG_DIR: join(dir, 'config-none') }, outside)).toEqual([
      userInfo().username,
      'os',
    ]);
    const verify = await runInProcess(['audit', 'verify'], { cwd: folder, env: configEnv });
    expect(verify.code).toBe(0);
  });
});
