import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configPath, openConfigStore, readOperatorConfig } from '../../src/state/operator-config.js';

let home: string;
const saved = process.env['XDG_CONFIG_HOME'];

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'agent-rollout-config-'));
  process.env['XDG_CONFIG_HOME'] = home;
});
afterAll(async () => {
  if (saved === undefined) delete process.env['XDG_CONFIG_HOME'];
  else process.env['XDG_CONFIG_HOME'] = saved;
  await rm(home, { recursive: true, force: true });
});

describe('the operator config file', () => {
  it('the reader looks where conf writes, with and without AGENT_ROLLOUT_CONFIG_DIR', async () => {
    const conf = new Conf({ projectName: 'agent-rollout', projectSuffix: '' });
    expect(configPath({})).toBe(conf.path);
    expect(configPath({ AGENT_ROLLOUT_CONFIG_DIR: join(home, 'x') })).toBe(
      (await openConfigStore({ AGENT_ROLLOUT_CONFIG_DIR: join(home, 'x') })).path,
    );
  });

  it('what the store writes, the reader reads back', async () => {
    const env = { AGENT_ROLLOUT_CONFIG_DIR: join(home, 'rw') };
    expect(await readOperatorConfig(env)).toEqual({});
    const store = await openConfigStore(env);
    store.set('actor', 'alice@example.com');
    store.set('format', 'json');
    expect(await readOperatorConfig(env)).toEqual({ actor: 'alice@example.com', format: 'json' });
  });

  it('a file that is not a JSON object, or holds a bad value, is an error naming the file', async () => {
    const env = { AGENT_ROLLOUT_CONFIG_DIR: home };
    await writeFile(join(home, 'config.json'), '[1]');
    await expect(readOperatorConfig(env)).rejects.toThrow(
      `cannot read the operator config ${join(home, 'config.json')}: it is not a JSON object`,
    );
    await writeFile(join(home, 'config.json'), '{"actor": 7}');
    await expect(readOperatorConfig(env)).rejects.toThrow('actor must be a non-empty string; got 7');
  });
});
