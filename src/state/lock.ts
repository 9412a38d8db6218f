import { link, readdir, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { CliError, ExitCode } from '../errors.js';
import { interruptPoint } from './interrupt-hook.js';
import { FileWriteError, isWriteRefusal, writeOwnFile } from '../files/atomic-write.js';
import { readBoundedText } from '../files/bounded-read.js';
import type { Io, StopSignal } from '../ui/io.js';
import { formatTime } from '../time/timestamp.js';

interface LockOwner {
  pid: number;
  host: string;
  at: string;
}

/** Whether the lock's owner runs. A pid that no process of ours would write (0, -1, not a number) is no owner: never signal it, since 0 and -1 mean whole groups. */
function alive(pid: unknown): boolean {
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid < 1) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    return JSON.parse(await readBoundedText(path, { maxBytes: 64 * 1024 })) as LockOwner;
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
  await writeOwnFile(ownerFile, JSON.stringify({ pid: process.pid, host: hostname(), at: new Date().toISOString() })).catch(
    (error: unknown) => {
      throw error instanceof FileWriteError ? new FileWriteError(path, error.reasonError) : error;
    },
  );
  try {
    await interruptPoint('lock-owner-written');
    await link(ownerFile, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    if (isWriteRefusal(error)) throw new FileWriteError(path, error);
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
  await interruptPoint('lock-stale-aside');
  const moved = await stat(aside);
  if (moved.ino !== staleIno) await link(aside, path).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
}

/** The signals a command holds back while it takes or holds the lock. */
const STOP_SIGNALS: readonly StopSignal[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** What the lock needs of the command's Io: its signals, and standard error to say why it stopped. */
export type LockIo = Pick<Io, 'err' | 'onSignal' | 'handlesSignal' | 'exitNow'>;

interface HeldSignals {
  /** The stop signal received since, if any. */
  received(): StopSignal | undefined;
  /** Says why on stderr and dies of the signal received. */
  stop(what: string): never;
  dispose(): void;
}

/**
 * Holds back SIGINT, SIGTERM and SIGHUP until `stop` or `dispose`, each one that the command does
 * not already handle itself (drill does while it runs). A second signal ends the process at once.
 */
function holdStopSignals(io: LockIo): HeldSignals {
  let received: StopSignal | undefined;
  const unhandled = STOP_SIGNALS.filter((signal) => !io.handlesSignal(signal));
  let disposeHandlers = (): void => undefined;
  const dispose = (): void => {
    disposeHandlers();
    disposeHandlers = () => undefined;
  };
  const die = (signal: StopSignal): never => {
    dispose();
    return io.exitNow({ signal });
  };
  if (unhandled.length > 0) {
    disposeHandlers = io.onSignal(unhandled, (signal) => {
      if (received !== undefined) die(signal);
      received = signal;
    });
  }
  return {
    received: () => received,
    stop: (what) => {
      const signal = received as StopSignal;
      io.err(`agent-rollout: stopped by ${signal} ${what}\n`);
      return die(signal);
    },
    dispose,
  };
}

/** Thrown to leave the lock's critical section when a stop signal came before the change began. */
class StopRequested extends Error {}

/**
 * Takes `path`, taking over a lock whose owner no longer runs on this host; waits for a live one
 * up to `deadline`, then fails saying who holds it. Gives up (StopRequested) when `stopping`.
 */
async function acquire(path: string, label: string, deadline: number, stopping: () => boolean): Promise<void> {
  for (;;) {
    if (stopping()) throw new StopRequested();
    if (await tryCreate(path)) return;
    const info = await stat(path).catch(() => undefined);
    if (info === undefined) continue;
    const owner = await readOwner(path);
    if (isStale(owner)) {
      await takeOver(path, info.ino);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new CliError(
        `another agent-rollout command is changing ${label}${owner ? ` (pid ${owner.pid} on ${owner.host}, since ${formatTime(owner.at)})` : ''}`,
        ExitCode.failure,
        `try again when it has finished; if no such command runs, remove ${label}.lock`,
      );
    }
    await sleep(25 + Math.random() * 50);
  }
}

export interface LockOptions {
  /** The command's Io: the lock holds back its stop signals and says on its stderr why it stopped. */
  io: LockIo;
  /** The file as messages name it (as the operator gave it); default: `target`. */
  label?: string;
  /** How long to wait for a live owner; default 10 s. */
  timeoutMs?: number;
}

/**
 * Runs `fn` holding `<target>.lock` (`target` an absolute path), an exclusively created file naming its owner. A lock left
 * by a process that no longer runs (killed mid-change) on this host is taken over, and the files
 * such a process left while locking are removed; a live one is waited for up to `timeoutMs`, then
 * the command fails and says who holds it.
 *
 * A command told to stop (SIGINT, SIGTERM, SIGHUP) while it takes or holds the lock does not
 * leave the lock behind: before `fn` began, the change is abandoned; while `fn` runs (a few file
 * writes), it is let finish; then the lock is released and the process dies of the signal, as it
 * would have without this. So only SIGKILL or a crash leaves a lock for the next command to take
 * over, which it can only do on the same host and while the pid is not reused. A second signal
 * ends the process at once (the next command recovers, as after SIGKILL).
 */
export async function withLock<T>(target: string, fn: () => Promise<T>, options: LockOptions): Promise<T> {
  const path = `${target}.lock`;
  const label = options.label ?? target;
  const signals: HeldSignals = holdStopSignals(options.io);
  let held = false;
  let outcome = 'not begun' as 'not begun' | 'finished' | { failed: unknown };
  try {
    await acquire(path, label, Date.now() + (options.timeoutMs ?? 10_000), () => signals.received() !== undefined);
    held = true;
    await removeDeadOwnerFiles(path);
    await interruptPoint('lock-held');
    if (signals.received()) throw new StopRequested();
    try {
      const result = await fn();
      outcome = 'finished';
      return result;
    } catch (error) {
      outcome = { failed: error };
      throw error;
    }
  } finally {
    if (held) await unlink(path).catch(() => undefined);
    if (signals.received()) {
      if (outcome === 'not begun') signals.stop(`before writing to ${label}; nothing was changed`);
      if (outcome === 'finished') signals.stop(`after finishing the write under way to ${label}`);
      const { failed } = outcome;
      signals.stop(`after the write under way to ${label} failed: ${failed instanceof Error ? failed.message : String(failed)}`);
    }
    signals.dispose();
  }
}
