import { mkdir, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError, UsageError } from '../../src/errors.js';
import { exportTime } from '../../src/export/export-time.js';
import { resolveOutputPath, writeExport } from '../../src/export/output.js';
import { tempDir } from '../helpers/cli.js';

let root: string;
let cwd: string;
let outside: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir: root, cleanup } = await tempDir('agent-rollout-export-out-'));
  cwd = join(root, 'repo');
  outside = join(root, 'elsewhere');
  await mkdir(join(cwd, 'deploy'), { recursive: true });
  await mkdir(outside);
  await symlink(outside, join(cwd, 'link-out'));
  await symlink(join(cwd, 'deploy'), join(cwd, 'link-in'));
  await writeFile(join(outside, 'target.json'), 'old');
  await symlink(join(outside, 'target.json'), join(cwd, 'file-link.json'));
});
afterAll(async () => cleanup());

describe('--out: resolved and kept inside the current folder', () => {
  it('accepts a file in the folder or below it, relative or absolute', async () => {
    expect(await resolveOutputPath('flags.json', cwd)).toBe(join(cwd, 'flags.json'));
    expect(await resolveOutputPath('deploy/../deploy/flags.json', cwd)).toBe(join(cwd, 'deploy', 'flags.json'));
    expect(await resolveOutputPath(join(cwd, 'deploy', 'rules.yml'), cwd)).toBe(join(cwd, 'deploy', 'rules.yml'));
    expect(await resolveOutputPath('link-in/flags.json', cwd)).toBe(join(cwd, 'link-in', 'flags.json'));
  });

  it('refuses .. out of the folder, an absolute path elsewhere, and the folder itself', async () => {
    await expect(resolveOutputPath('../elsewhere/flags.json', cwd)).rejects.toThrow(/outside the current folder.*refused/);
    await expect(resolveOutputPath('deploy/../../flags.json', cwd)).rejects.toBeInstanceOf(UsageError);
    await expect(resolveOutputPath(join(outside, 'flags.json'), cwd)).rejects.toThrow(/outside the current folder/);
    await expect(resolveOutputPath('.', cwd)).rejects.toBeInstanceOf(UsageError);
    await expect(resolveOutputPath('', cwd)).rejects.toThrow(/needs a file name/);
  });

  it('refuses a symbolic link out of the folder, and a link as the file itself', async () => {
    await expect(resolveOutputPath('link-out/flags.json', cwd)).rejects.toThrow(
      /symbolic link to .*elsewhere, outside the current folder; refused/,
    );
    await expect(resolveOutputPath('file-link.json', cwd)).rejects.toThrow(/is a symbolic link; refused/);
    expect(await readFile(join(outside, 'target.json'), 'utf8')).toBe('old');
  });

  it('a missing folder or a folder as the target is an error that says so', async () => {
    await expect(resolveOutputPath('nope/flags.json', cwd)).rejects.toBeInstanceOf(InputError);
    await expect(resolveOutputPath('nope/flags.json', cwd)).rejects.toThrow(/folder nope does not exist/);
    await expect(resolveOutputPath('deploy', cwd)).rejects.toThrow(/is a folder/);
  });

  it('writes the whole text and leaves no temporary file behind', async () => {
    const path = await resolveOutputPath('deploy/out.json', cwd);
    await writeExport(path, '{"a":1}\n');
    await writeExport(path, '{"a":2}\n');
    expect(await readFile(path, 'utf8')).toBe('{"a":2}\n');
    expect(await readdir(join(cwd, 'deploy'))).toEqual(['out.json']);
  });
});

describe('the export time', () => {
  const now = new Date('2026-11-20T09:30:15.250Z');
  it('is --time, else SOURCE_DATE_EPOCH, else now, in UTC', () => {
    expect(exportTime({ flag: '2026-11-01T10:00:00+01:00', env: { SOURCE_DATE_EPOCH: '0' }, now })).toBe('2026-11-01T09:00:00Z');
    expect(exportTime({ flag: '1790000000', env: {}, now })).toBe('2026-09-21T14:13:20Z');
    expect(exportTime({ env: { SOURCE_DATE_EPOCH: '1790000000' }, now })).toBe('2026-09-21T14:13:20Z');
    expect(exportTime({ env: { SOURCE_DATE_EPOCH: '' }, now })).toBe('2026-11-20T09:30:15.250Z');
    expect(exportTime({ env: {}, now: new Date('2026-11-20T09:30:15Z') })).toBe('2026-11-20T09:30:15Z');
  });

  it('refuses what is not a time', () => {
    expect(() => exportTime({ flag: 'yesterday', env: {}, now })).toThrow(/--time is not a time: yesterday/);
    expect(() => exportTime({ flag: '2026-13-45T99:00:00Z', env: {}, now })).toThrow(UsageError);
    expect(() => exportTime({ flag: '99999999999999999', env: {}, now })).toThrow(UsageError);
    expect(() => exportTime({ env: { SOURCE_DATE_EPOCH: '17e8' }, now })).toThrow(/SOURCE_DATE_EPOCH is not a number of seconds/);
  });
});
