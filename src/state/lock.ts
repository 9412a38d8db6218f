import { link, readFile, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { CliError, ExitCode } from '../errors.js';

interface LockOwner {
  pid: number;
  host: string;
  at: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as LockOwner;
  } catch {
    return undefined;
  }
}

function isStale(owner: LockOwner | undefined): boolean {
  return owner !== undefined && owner.host === hostname() && !alive(owner.pid);
}

/** After `<lock>.`: `<pid>.tmp` (an owner file, see tryCreate) or `stale.<pid>` (see takeOver). */
const LEFTOVER = /^(?:(\d+)\.tmp|stale\.(\d+))$/;

/** Removes the files a killed process left while creating or taking over the lock. */
async function removeDeadOwnerFiles(path: string): Promise<void> {
  const prefix = `${basename(path)}.`;
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const match = LEFTOVER.exec(name.slice(prefix.length));
    const pid = match?.[1] ?? match?.[2];
    if (pid !== undefined && !alive(Number(pid))) {
      await unlink(join(dirname(path), name)).catch(() => undefined);
    }
  }
}

/**
 * Creates the lock with its owner already inside: the owner is written to a file of this
 * process's own and hard-linked to the lock's name, which fails when the lock exists. So a lock
 * is never seen empty, even when its creator is killed half-way.
 */
async function tryCreate(path: string): Promise<boolean> {
  const ownerFile = `${path}.${process.pid}.tmp`;
  await writeFile(ownerFile, JSON.stringify({ pid: process.pid, host: hostname(), at: new Date().toISOString() }));
  try {
    await link(ownerFile, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(ownerFile).catch(() => undefined);
  }
}

/**
 * Takes over a lock whose owner no longer runs. The lock is first renamed to a name of this
 * process's own and checked to be the file that was judged stale (same inode): when another
 * process took over in between and holds a fresh lock, that lock is linked back into place.
 */
async function takeOver(path: string, staleIno: number): Promise<void> {
  const aside = `${path}.stale.${process.pid}`;
  try {
    await rename(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = await stat(aside);
  if (moved.ino !== staleIno) await link(aside, path).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
}

/**
 * Runs `fn` holding `<target>.lock`, an exclusively created file naming its owner. A lock left
 * by a process that no longer runs (killed mid-change) on this host is taken over, and the files
 * such a process left while locking are removed; a live one is waited for up to `timeoutMs`, then
 * the command fails and says who holds it.
 */
export async function withLock<T>(target: string, fn: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const path = `${target}.lock`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await tryCreate(path)) break;
    const info = await stat(path).catch(() => undefined);
    if (info === undefined) continue;
    const owner = await readOwner(path);
    if (isStale(owner)) {
      await takeOver(path, info.ino);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new CliError(
        `another agent-rollout command is changing ${target}${owner ? ` (pid ${owner.pid} on ${owner.host}, since ${owner.at})` : ''}`,
        ExitCode.failure,
        `try again when it has finished; if no such command runs, remove ${path}`,
      );
    }
    await sleep(25 + Math.random() * 50);
  }
  await removeDeadOwnerFiles(path);
  try {
    return await fn();
  } finally {
    await unlink(path).catch(() => undefined);
  }
}
