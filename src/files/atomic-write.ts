import { closeSync, constants, fsyncSync, ftruncateSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { lstat, open, readlink, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { CliError, ExitCode } from '../errors.js';
import { ConcurrentChangeError, sha256 } from '../manifest/write.js';
import { readBoundedIfExists } from './bounded-read.js';

/**
 * Every write agent-rollout makes to a file goes through here (a lint rule holds it:
 * eslint.config.js): whole files are replaced atomically (a temporary file in the same folder,
 * flushed, renamed over the target), appends are flushed and rolled back to the last whole line
 * when they fail half-way. A write that fails (a full disk, a read-only file system, a permission
 * error) is one line (FileWriteError, exit 2) and leaves no temporary file behind.
 */

/** What a failed write's error code means, in words. */
export function describeWriteError(error: unknown): string {
  const err = error as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ENOSPC':
      return 'no space left on the device (ENOSPC)';
    case 'EDQUOT':
      return 'the disk quota is exceeded (EDQUOT)';
    case 'EROFS':
      return 'the file system is read-only (EROFS)';
    case 'EACCES':
    case 'EPERM':
      return `permission denied (${err.code})`;
    case 'ENOENT':
      return 'the folder does not exist (ENOENT)';
    case 'ENOTDIR':
      return 'a part of the path is not a folder (ENOTDIR)';
    case 'EISDIR':
      return 'it is a folder (EISDIR)';
    case 'EIO':
      return 'an input/output error (EIO)';
    default:
      return err.code ? `${err.code}` : (String(err.message ?? error).split('\n')[0] ?? 'failed');
  }
}

/** A file could not be written: one line, exit 2. Whatever the write had begun was removed. */
export class FileWriteError extends CliError {
  constructor(
    readonly path: string,
    readonly reasonError: unknown,
    hint?: string,
  ) {
    super(`cannot write ${path}: ${describeWriteError(reasonError)}`, ExitCode.failure, hint ?? writeHint(reasonError));
    this.name = 'FileWriteError';
  }
}

function writeHint(error: unknown): string | undefined {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return 'free some space and run the command again; nothing was left half-written';
    case 'EROFS':
      return 'run it where the folder is writable; nothing was written';
    case 'EACCES':
    case 'EPERM':
      return 'check the permissions of the file and its folder; nothing was written';
    default:
      return undefined;
  }
}

/** Whether an error is a file system's refusal to write (as opposed to a bug). */
export function isWriteRefusal(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return (
    typeof code === 'string' &&
    ['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM', 'EIO', 'ENOENT', 'ENOTDIR', 'EISDIR', 'EFBIG'].includes(code)
  );
}

/** Runs a write; a file system refusal becomes a FileWriteError naming `path`. */
export async function writing<T>(path: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof CliError || !isWriteRefusal(error)) throw error;
    throw new FileWriteError(path, error);
  }
}

/**
 * Refuses to replace a path that is a symbolic link: an atomic rename would put a file where the
 * link was and leave the file it pointed to as it was (the state split in two). The message
 * names where it points, so the command can be run on the real file.
 */
export async function refuseSymlink(path: string, what: string): Promise<void> {
  const info = await lstat(path).catch(() => undefined);
  if (!info?.isSymbolicLink()) return;
  const target = await realpath(path).catch(async () => resolve(dirname(path), await readlink(path)));
  throw new CliError(
    `${what} ${path} is a symbolic link to ${target}; agent-rollout does not replace a link with a file`,
    ExitCode.failure,
    `run the command on the real file: -m ${target}`,
  );
}

/** Temporary files of writeFileAtomic for `path`: `.<name>.<pid>.<time>.tmp` in the same folder. */
export function isTempFileOf(path: string, name: string): boolean {
  return name.startsWith(`.${basename(path)}.`) && name.endsWith('.tmp');
}

/**
 * Writes a file atomically: a temporary file in the same folder, flushed to disk, then renamed
 * over the target, so a reader (or a crash) sees the old file or the new one, never a torn one.
 * Keeps the file's permission bits (or takes `mode`). A failure removes the temporary file and
 * is a FileWriteError. A target that is a symbolic link is refused (refuseSymlink).
 */
export async function writeFileAtomic(
  path: string,
  content: string | Uint8Array,
  options: {
    mode?: number;
    what?: string;
    /** Called between the flushed temporary file and the rename (a test hook's step, src/state/interrupt-hook.ts). */
    beforeRename?: () => Promise<void>;
    /** Refuse (ConcurrentChangeError) unless the file on disk has this SHA-256 (it changed since it was read). */
    expectedSha256?: string;
  } = {},
): Promise<void> {
  await refuseSymlink(path, options.what ?? 'the file');
  if (options.expectedSha256 !== undefined) {
    const current = await readBoundedIfExists(path, { maxBytes: 256 * 1024 * 1024 });
    if (current === undefined || sha256(current) !== options.expectedSha256) throw new ConcurrentChangeError(path);
  }
  const mode =
    options.mode ??
    (await stat(path).then(
      (info) => info.mode & 0o777,
      () => 0o644,
    ));
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await createWritten(temp, 'wx', mode, content, { flush: true });
    try {
      await options.beforeRename?.();
      await rename(temp, path);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
  } catch (error) {
    if (error instanceof CliError || !isWriteRefusal(error)) throw error;
    throw new FileWriteError(path, error);
  }
}

/**
 * Opens `path` with `flags` (it is created), writes `content` and, with `flush`, flushes it. A
 * failure removes what was created and throws the error as it came.
 */
async function createWritten(path: string, flags: string, mode: number, content: string | Uint8Array, options: { flush: boolean }) {
  let created = false;
  try {
    const handle = await open(path, flags, mode);
    created = true;
    try {
      await handle.writeFile(content);
      if (options.flush) await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (created) await unlink(path).catch(() => undefined);
    throw error;
  }
}

/**
 * Appends text to a file (created when missing) and flushes it. When the write fails half-way
 * (a full disk), the file is cut back to its length before, so it never ends in a torn line.
 */
export async function appendDurable(path: string, text: string, mode = 0o644): Promise<void> {
  let handle;
  try {
    handle = await open(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, mode);
  } catch (error) {
    if (!isWriteRefusal(error)) throw error;
    throw new FileWriteError(path, error);
  }
  let before = 0;
  try {
    before = (await handle.stat()).size;
    await handle.writeFile(text);
    await handle.sync();
  } catch (error) {
    await handle.truncate(before).catch(() => undefined);
    await handle.sync().catch(() => undefined);
    await handle.close().catch(() => undefined);
    if (!isWriteRefusal(error)) throw error;
    throw new FileWriteError(path, error);
  }
  await handle.close();
}

/** Cuts a file to `length` bytes and flushes it (a torn last line removed). */
export async function truncateDurable(path: string, length: number): Promise<void> {
  await writing(path, async () => {
    const handle = await open(path, 'r+');
    try {
      await handle.truncate(length);
      await handle.sync();
    } finally {
      await handle.close();
    }
  });
}

/** Moves a file over another (same folder), as the last step of a change. */
export async function renameFile(from: string, to: string): Promise<void> {
  await writing(to, () => rename(from, to));
}

/** Removes a file; a missing one is fine. */
export async function removeFile(path: string): Promise<void> {
  await unlink(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw new FileWriteError(path, error);
  });
}

/**
 * Writes a small file of this process's own in place (a lock's owner file, which no one else
 * reads under that name). A failure removes what was created.
 */
export async function writeOwnFile(path: string, content: string, mode = 0o644): Promise<void> {
  try {
    await createWritten(path, 'w', mode, content, { flush: false });
  } catch (error) {
    if (!isWriteRefusal(error)) throw error;
    throw new FileWriteError(path, error);
  }
}

/**
 * A file of lines appended synchronously, each flushed before `append` returns (a drill's
 * journal: a signal handler runs between lines, never inside one). A line that cannot be written
 * whole (a full disk) is cut back off, so the file never ends in a torn line; the appender then
 * stops writing and keeps the first error for the caller to report. It never throws after open.
 */
export class LineAppender {
  readonly #fd: number;
  readonly path: string;
  #offset: number;
  #failure: FileWriteError | undefined;
  #closed = false;

  private constructor(fd: number, path: string) {
    this.#fd = fd;
    this.path = path;
    this.#offset = 0;
  }

  /** Creates the file, which must not exist; a refusal is a FileWriteError. */
  static create(path: string, mode = 0o644): LineAppender {
    try {
      return new LineAppender(openSync(path, 'wx', mode), path);
    } catch (error) {
      if (!isWriteRefusal(error)) throw error;
      throw new FileWriteError(path, error);
    }
  }

  /** The first write that failed; nothing was written after it. */
  get failure(): FileWriteError | undefined {
    return this.#failure;
  }

  /** Writes one line (with its newline) and flushes it; false when it could not be written. */
  append(line: string): boolean {
    if (this.#closed || this.#failure) return false;
    const bytes = Buffer.from(line, 'utf8');
    let written = 0;
    try {
      while (written < bytes.length) written += writeSync(this.#fd, bytes, written, bytes.length - written, this.#offset + written);
    } catch (error) {
      this.#failure = new FileWriteError(this.path, error);
      try {
        ftruncateSync(this.#fd, this.#offset);
      } catch {
        // A line that cannot even be cut back: a reader skips a last line that does not parse.
      }
      return false;
    }
    this.#offset += bytes.length;
    try {
      fsyncSync(this.#fd);
    } catch {
      // Some file systems cannot fsync; the line is written all the same.
    }
    return true;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      closeSync(this.#fd);
    } catch {
      // nothing more can be done
    }
  }
}

/**
 * Creates a folder and its missing parents. Unlike `mkdir({ recursive: true })`, whose error on a
 * read-only file system can be ENOENT, a refusal names its real cause (EROFS, ENOSPC, EACCES).
 */
export function makeFolderSync(path: string): void {
  try {
    mkdirSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && statSync(path).isDirectory()) return;
    if (code === 'ENOENT' && dirname(path) !== path) {
      makeFolderSync(dirname(path));
      return makeFolderSync(path);
    }
    if (!isWriteRefusal(error) && code !== 'EEXIST') throw error;
    throw new FileWriteError(path, error);
  }
}
