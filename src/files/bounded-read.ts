import type { Stats } from 'node:fs';
import { close, closeSync, constants, fstatSync, openSync, read, readSync, statSync } from 'node:fs';
import { Socket } from 'node:net';
import { promisify } from 'node:util';

/**
 * Every file agent-rollout reads goes through here (a lint rule holds it: eslint.config.js).
 * A read is bounded by the bytes actually read, never by what `stat` says: a file that is a
 * device (`/dev/zero`), a FIFO with no writer, or that grows while it is read is refused with one
 * line, quickly, and in bounded memory. A file that is not a regular file is refused before it is
 * opened (opening a FIFO with no writer blocks); it is then opened non-blocking and checked again,
 * so one swapped in between cannot block either. Only a source that asks for it (`--metrics`)
 * takes a pipe, and that read is bounded by bytes too.
 */

const readFd = promisify(read);
const closeFd = promisify(close);

/** Why a file could not be read: `code` as Node names it where there is one, `reason` in words. */
export class FileReadError extends Error {
  constructor(
    readonly code: 'ENOENT' | 'EISDIR' | 'ENOTREG' | 'ETOOBIG' | 'ENOWRITER' | 'EACCES' | string,
    /** One line: `no such file`, `it is a FIFO (named pipe), not a regular file`. */
    readonly reason: string,
    readonly path: string,
    /** The size `stat` gave, when a file was refused as too large before it was read. */
    readonly size?: number,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'FileReadError';
  }
}

export interface BoundedReadOptions {
  /** The most bytes taken; one more is an error (ETOOBIG). */
  maxBytes: number;
  /** Take a pipe (a FIFO with a writer, `<(cmd)`, `/dev/stdin` when it is a pipe) as well as a regular file. */
  allowPipe?: boolean;
}

/** What a non-regular file is, in words. */
export function describeFileKind(info: Stats): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSocket()) return 'a socket';
  if (info.isSymbolicLink()) return 'a symbolic link';
  return 'a regular file';
}

/** Bytes in words: `10 MB`, `64 KB`, `512 bytes`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / 1024 / 1024} MB`;
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

function systemError(path: string, error: NodeJS.ErrnoException): FileReadError {
  switch (error.code) {
    case 'ENOENT':
      return new FileReadError('ENOENT', 'no such file', path);
    case 'ENOTDIR':
      return new FileReadError('ENOENT', 'no such file (a part of the path is not a folder)', path);
    case 'EISDIR':
      return new FileReadError('EISDIR', 'it is a folder, not a file', path);
    case 'EACCES':
    case 'EPERM':
      return new FileReadError('EACCES', 'permission denied', path);
    case 'ELOOP':
      return new FileReadError('ELOOP', 'too many symbolic links (a loop?)', path);
    default:
      return new FileReadError(error.code ?? 'EIO', `cannot read it (${error.code ?? error.message.split('\n')[0]})`, path);
  }
}

function tooLarge(path: string, maxBytes: number, size?: number): FileReadError {
  // Where rounding would make the two look equal ("98 KB, more than 98 KB"), exact bytes.
  const exact = size !== undefined && formatBytes(size) === formatBytes(maxBytes);
  const amount = (bytes: number): string => (exact ? `${bytes.toLocaleString('en-US')} bytes` : formatBytes(bytes));
  const reason = size === undefined ? `it is larger than ${formatBytes(maxBytes)}` : `it is ${amount(size)}, more than ${amount(maxBytes)}`;
  return new FileReadError('ETOOBIG', reason, path, size);
}

function notRegular(path: string, info: Stats, allowPipe: boolean): FileReadError {
  if (info.isDirectory()) return new FileReadError('EISDIR', 'it is a folder, not a file', path);
  const wanted = allowPipe ? 'a regular file or a pipe' : 'a regular file';
  return new FileReadError('ENOTREG', `it is ${describeFileKind(info)}, not ${wanted}`, path);
}

const CHUNK = 64 * 1024;

/**
 * Reads a regular file's fd to its end, or fails one byte past `maxBytes`. The first read asks
 * for the size `fstat` gave plus one byte, so a file that does not change is read in one call
 * and one more that finds the end; one that grows goes on in chunks, still bounded. Synchronous:
 * a regular file never blocks for long, and a thread-pool round trip per call costs more than
 * the read itself (status over 500 agents makes about 12,000 of them).
 */
function readRegular(fd: number, path: string, maxBytes: number, size: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  let want = Math.min(size + 1, maxBytes + 1);
  for (;;) {
    const buffer = Buffer.allocUnsafe(Math.max(1, Math.min(want, maxBytes + 1 - total)));
    const bytesRead = readSync(fd, buffer, 0, buffer.length, null);
    if (bytesRead === 0) break;
    chunks.push(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead));
    total += bytesRead;
    if (total > maxBytes) throw tooLarge(path, maxBytes);
    want = CHUNK;
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total);
}

/**
 * Reads a pipe opened non-blocking. A first read that finds the end at once means no writer (a
 * FIFO nobody writes to): that is an error, not an empty file, and it is found without waiting.
 * Otherwise the pipe is read as a stream to its end, bounded by bytes.
 */
async function readPipe(fd: number, path: string, maxBytes: number): Promise<Buffer> {
  const first = Buffer.allocUnsafe(CHUNK);
  let firstRead = 0;
  try {
    firstRead = (await readFd(fd, first, 0, first.length, null)).bytesRead;
    if (firstRead === 0) {
      await closeFd(fd).catch(() => undefined);
      throw new FileReadError('ENOWRITER', 'it is a pipe with nothing written to it (no writer, or the writer wrote nothing)', path);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') {
      if (error instanceof FileReadError) throw error;
      await closeFd(fd).catch(() => undefined);
      throw systemError(path, error as NodeJS.ErrnoException);
    }
  }
  const chunks: Buffer[] = firstRead > 0 ? [first.subarray(0, firstRead)] : [];
  let total = firstRead;
  if (total > maxBytes) {
    await closeFd(fd).catch(() => undefined);
    throw tooLarge(path, maxBytes);
  }
  // The socket owns the fd from here on and closes it.
  const socket = new Socket({ fd, readable: true, writable: false });
  return new Promise<Buffer>((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > maxBytes) {
        socket.destroy();
        reject(tooLarge(path, maxBytes));
        return;
      }
      chunks.push(chunk);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => reject(systemError(path, error)));
    socket.on('end', () => resolve(Buffer.concat(chunks, total)));
  });
}

/**
 * Reads a whole file, up to `maxBytes`. Refuses (FileReadError) a folder, a device, a socket or
 * (unless `allowPipe`) a FIFO before opening it; a file larger than `maxBytes` (by its size, or
 * by what reading it gives); a pipe with no writer. Symbolic links are followed: the reader of a
 * path that is a link reads what it points to.
 */
export async function readBounded(path: string, options: BoundedReadOptions): Promise<Buffer> {
  const allowPipe = options.allowPipe === true;
  let info: Stats;
  try {
    info = statSync(path);
  } catch (error) {
    throw systemError(path, error as NodeJS.ErrnoException);
  }
  const pipe = (s: Stats): boolean => allowPipe && s.isFIFO();
  if (!info.isFile() && !pipe(info)) throw notRegular(path, info, allowPipe);
  if (info.isFile() && info.size > options.maxBytes) throw tooLarge(path, options.maxBytes, info.size);
  // Non-blocking, so that a FIFO swapped in after the stat above cannot block the open.
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    throw systemError(path, error as NodeJS.ErrnoException);
  }
  let opened: Stats;
  try {
    opened = fstatSync(fd);
  } catch (error) {
    closeSync(fd);
    throw systemError(path, error as NodeJS.ErrnoException);
  }
  if (opened.isFile()) {
    try {
      return readRegular(fd, path, options.maxBytes, opened.size);
    } catch (error) {
      if (error instanceof FileReadError) throw error;
      throw systemError(path, error as NodeJS.ErrnoException);
    } finally {
      closeSync(fd);
    }
  }
  if (pipe(opened)) return readPipe(fd, path, options.maxBytes);
  closeSync(fd);
  throw notRegular(path, opened, allowPipe);
}

/** `readBounded` decoded as UTF-8. */
export async function readBoundedText(path: string, options: BoundedReadOptions): Promise<string> {
  return (await readBounded(path, options)).toString('utf8');
}

/** Reads a file that may not exist: undefined when it does not, FileReadError for anything else. */
export async function readBoundedIfExists(path: string, options: BoundedReadOptions): Promise<Buffer | undefined> {
  try {
    return await readBounded(path, options);
  } catch (error) {
    if (error instanceof FileReadError && error.code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Reads a stream (standard input) to its end, up to `maxBytes`; one more byte is ETOOBIG. */
export async function readStreamBounded(stream: NodeJS.ReadableStream, label: string, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += buffer.length;
    if (total > maxBytes) {
      (stream as { destroy?: () => void }).destroy?.();
      throw tooLarge(label, maxBytes);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks, total);
}

/**
 * Reads an HTTP body (a web stream) up to `maxBytes`: beyond that it stops reading, cancels the
 * stream and says it was cut, so an endless answer costs bounded memory and ends at once.
 */
export async function readBodyBounded(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): Promise<{ bytes: Buffer; truncated: boolean }> {
  if (body === null) return { bytes: Buffer.alloc(0), truncated: false };
  const reader = body.getReader();
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { bytes: Buffer.concat(chunks, total), truncated: false };
    const room = maxBytes - total;
    if (value.length > room) {
      chunks.push(Buffer.from(value.subarray(0, room)));
      total += room;
      await reader.cancel().catch(() => undefined);
      return { bytes: Buffer.concat(chunks, total), truncated: true };
    }
    chunks.push(Buffer.from(value));
    total += value.length;
  }
}
