import { chmod, lstat, mkdir, readFile, readdir, rename, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { unprivilegedBinary } from '../helpers/unprivileged.js';
import { cli, onSmallDisk, project, rollback, runBounded, stackLines } from './fixtures.js';

/**
 * Promise 8 (docs/security.md): writes never split or hide state. A manifest that is a
 * symbolic link is refused, naming where it points, and the link stays a link; a drills/ folder
 * that leads out of the manifest's folder is refused before anything runs; a full disk, a
 * read-only file system or a permission error on any write is one line (exit 2) and leaves no
 * temporary or lock file behind.
 */

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir: root, cleanup } = await tempDir('agent-rollout-writes-')));
afterAll(async () => cleanup());

function expectOneLineError(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split('\n');
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(pattern);
  expect(lines.slice(1).every((line) => line.startsWith('  hint: '))).toBe(true);
  expect(stackLines(stderr)).toEqual([]);
}

/** Files a write could leave behind: locks, pending manifests, temporaries, lock owner files. */
async function leftovers(folder: string): Promise<string[]> {
  const names = [...(await readdir(folder)), ...(await readdir(join(folder, 'drills')).catch(() => [] as string[]))];
  return names.filter((name) => /\.lock|\.pending|\.tmp$|\.stale\./.test(name));
}

let mounts = 0;
async function disk(): Promise<{ mount: string; out: string }> {
  const mount = join(root, `mnt${++mounts}`);
  const out = join(root, `out${mounts}`);
  await mkdir(mount);
  await mkdir(out);
  return { mount, out };
}

describe('a manifest that is a symbolic link', () => {
  it('is refused for a state change, naming its target; the link stays a link and nothing is written', async () => {
    const folder = await project(root);
    const real = join(folder, 'real.json');
    await rename(join(folder, 'rollout.json'), real);
    await symlink('real.json', join(folder, 'rollout.json'));
    const before = await readFile(real, 'utf8');
    const result = await cli(['pause', '--reason', 'INC-1'], { cwd: folder });
    expect(result.code).toBe(2);
    expectOneLineError(result.stderr, new RegExp(`rollout\\.json is a symbolic link to ${real.replace(/[.]/g, '\\.')}`));
    expect(result.stderr).toContain(`-m ${real}`);
    expect((await lstat(join(folder, 'rollout.json'))).isSymbolicLink()).toBe(true);
    expect(await readFile(real, 'utf8')).toBe(before);
    expect(await readdir(folder)).not.toContain('rollout.audit.jsonl');
    expect(await leftovers(folder)).toEqual([]);
    // Through its real path, the same change works.
    const direct = await cli(['pause', '--reason', 'INC-1', '-m', real], { cwd: folder });
    expect(direct.code).toBe(0);
  });

  it('is refused by drill before any step runs', async () => {
    const folder = await project(root, (m) => (m.rollback = rollback([['mark', ['./scripts/mark.sh']]])), {
      'mark.sh': '#!/bin/sh\ntouch ran\n',
    });
    await rename(join(folder, 'rollout.json'), join(folder, 'real.json'));
    await symlink('real.json', join(folder, 'rollout.json'));
    const result = await cli(['drill'], { cwd: folder });
    expect(result.code).toBe(2);
    expectOneLineError(result.stderr, /is a symbolic link to/);
    expect(await readdir(folder)).not.toContain('ran');
  });
});

describe('a drills/ folder that is a symbolic link', () => {
  it('leaving the manifest folder is refused before any step runs', async () => {
    const outside = join(root, 'elsewhere');
    await mkdir(outside, { recursive: true });
    const folder = await project(root, (m) => (m.rollback = rollback([['mark', ['./scripts/mark.sh']]])), {
      'mark.sh': '#!/bin/sh\ntouch ran\n',
    });
    await symlink(outside, join(folder, 'drills'));
    const result = await cli(['drill'], { cwd: folder });
    expect(result.code).toBe(2);
    expectOneLineError(result.stderr, /the drills folder "drills" is a symbolic link to .*elsewhere, outside the manifest's folder/);
    expect(await readdir(folder)).not.toContain('ran');
    expect(await readdir(outside)).toEqual([]);
  });
});

describe('a full disk (ENOSPC) or a read-only file system (EROFS) on every write', () => {
  const cases: { name: string; args: string[] }[] = [
    { name: 'a state change (lock, pending manifest, trail)', args: ['pause', '--reason', 'INC-7'] },
    { name: 'init --force (the manifest and its trail)', args: ['init', '--yes', '--force', '-m', 'fresh/rollout.json'] },
    { name: 'export --out', args: ['export', 'flagd', '--out', 'flags.json'] },
  ];
  for (const { name, args } of cases) {
    it(`${name}: ENOSPC is one line, exit 2, and nothing is left behind`, async () => {
      const folder = await project(root);
      const { mount, out } = await disk();
      const result = await onSmallDisk(folder, out, args, { mount, fill: true });
      expect(result.hung).toBe(false);
      expect(result.code).toBe(2);
      expectOneLineError(result.stderr, /cannot write .*: no space left on the device \(ENOSPC\)/);
      expect(await leftovers(out)).toEqual([]);
      expect(await readFile(join(out, 'rollout.json'), 'utf8')).toBe(await readFile(join(folder, 'rollout.json'), 'utf8'));
    });
    it(`${name}: EROFS is one line, exit 2`, async () => {
      const folder = await project(root);
      const { mount, out } = await disk();
      const result = await onSmallDisk(folder, out, args, { mount, readOnly: true });
      expect(result.hung).toBe(false);
      expect(result.code).toBe(2);
      expectOneLineError(result.stderr, /cannot write .*: the file system is read-only \(EROFS\)/);
      expect(await leftovers(out)).toEqual([]);
    });
  }

  it('a state change that runs out of space part-way (the lock fits, the pending manifest does not) leaves the manifest and trail as they were', async () => {
    const folder = await project(root);
    const before = await readFile(join(folder, 'rollout.json'), 'utf8');
    const { mount, out } = await disk();
    const result = await onSmallDisk(folder, out, ['disable'], { mount, freeKb: 8 });
    expect(result.hung).toBe(false);
    expect(result.code).toBe(2);
    expectOneLineError(result.stderr, /cannot write .*\.rollout\.json\.pending: no space left on the device \(ENOSPC\)/);
    expect(await leftovers(out)).toEqual([]);
    expect(await readFile(join(out, 'rollout.json'), 'utf8')).toBe(before);
    expect(await readdir(out)).not.toContain('rollout.audit.jsonl');
    // The same change on a disk with room works afterwards: nothing was left to recover.
    const again = await cli(['disable'], { cwd: out });
    expect(again.code).toBe(0);
    expect((await cli(['audit', 'verify'], { cwd: out })).code).toBe(0);
  });

  it('a drill whose journal cannot be created on a read-only disk runs nothing', async () => {
    const folder = await project(root, (m) => (m.rollback = rollback([['mark', ['./scripts/mark.sh']]])), {
      'mark.sh': '#!/bin/sh\necho ran > /dev/stderr\n',
    });
    const { mount, out } = await disk();
    const result = await onSmallDisk(folder, out, ['drill'], { mount, readOnly: true });
    expect(result.code).toBe(2);
    expectOneLineError(result.stderr, /cannot create the drill journal .*read-only.*nothing was run/);
    expect(result.stderr).not.toContain('ran');
  });

  it('the operator config on a read-only disk: config set is one line, exit 2, no temporary file', async () => {
    const folder = await project(root);
    const { mount, out } = await disk();
    const result = await onSmallDisk(folder, out, ['config', 'set', 'actor', 'alice'], {
      mount,
      readOnly: true,
      env: { AGENT_ROLLOUT_CONFIG_DIR: mount },
    });
    expect(result.code).toBe(2);
    expectOneLineError(result.stderr, /^error: cannot write .*config\.json: the file system is read-only \(EROFS\)$/);
    expect(stackLines(result.stderr)).toEqual([]);
    expect((await readdir(out)).filter((name) => name.includes('config'))).toEqual([]);
  });

  it('a permission error (EACCES: another user runs it on a folder it cannot write) is one line, exit 2, no lock left', async () => {
    // A folder no one may write, its owner included; as root the binary runs without
    // capabilities, so that the permission bits count (test/helpers/unprivileged.ts).
    const folder = await project(root);
    await chmod(folder, 0o555);
    const [command, ...args] = unprivilegedBinary();
    const result = await runBounded(command as string, [...args, 'pause', '--reason', 'INC-9'], {
      cwd: folder,
      env: { HOME: folder },
    }).finally(() => chmod(folder, 0o755));
    expect(result.hung).toBe(false);
    expect(result.code).toBe(2);
    expectOneLineError(result.stderr, /cannot write .*rollout\.json\.lock: permission denied \(EACCES\)/);
    expect(await leftovers(folder)).toEqual([]);
  });
});
