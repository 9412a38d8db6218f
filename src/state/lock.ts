import { open, readFile, unlink } from 'node:fs/promises';
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

/**
 * Runs `fn` holding `<target>.lock`, an exclusively created file naming its owner. A lock left
 * by a process that no longer runs (killed mid-change) on this host is taken over; a live one is
 * waited for up to `timeoutMs`, then the command fails and says who holds it.
 */
export async function withLock<T>(target: string, fn: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const path = `${target}.lock`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(JSON.stringify({ pid: process.pid, host: hostname(), at: new Date().toISOString() }));
      } finally {
        await handle.close();
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = await readOwner(path);
      if (owner && owner.host === hostname() && !alive(owner.pid)) {
        await unlink(path).catch(() => undefined);
        continue;
      }
      if (Date.now() >= deadline) {
        throw new CliError(
          `another agent-rollout command is changing ${target}${owner ? ` (pid ${owner.pid} on ${owner.host}, since ${owner.at})` : ''}`,
          ExitCode.failure,
          `try again when it has finished; if no such command runs, remove ${path}`,
        );
      }
      await sleep(50);
    }
  }
  try {
    return await fn();
  } finally {
    await unlink(path).catch(() => undefined);
  }
}
