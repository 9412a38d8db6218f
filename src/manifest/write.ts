import { createHash } from 'node:crypto';
import { open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CliError, ExitCode } from '../errors.js';

/** How a JSON file is laid out, so a rewrite looks like the original. */
export interface JsonStyle {
  indent: string;
  eol: '\n' | '\r\n';
  finalNewline: boolean;
  bom: boolean;
}

/** Reads the layout of existing JSON text: indentation, line endings, final newline, BOM. */
export function detectStyle(text: string): JsonStyle {
  const indent = /\n([ \t]+)\S/.exec(text)?.[1] ?? '  ';
  return {
    indent,
    eol: text.includes('\r\n') ? '\r\n' : '\n',
    finalNewline: /\n$/.test(text) || text.trim() === '',
    bom: text.startsWith('\uFEFF'),
  };
}

/**
 * Serializes a document in a given style. Key order is the document's own (the parser keeps
 * source order), so an edit shows in a diff as the lines it changed.
 */
export function serializeJson(document: unknown, style: JsonStyle): string {
  let text = JSON.stringify(document, null, style.indent);
  if (style.eol === '\r\n') text = text.replace(/\n/g, '\r\n');
  return (style.bom ? '\uFEFF' : '') + text + (style.finalNewline ? style.eol : '');
}

/** SHA-256 of text as UTF-8, hex. */
export function sha256(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The file changed on disk since it was read: nothing was written. */
export class ConcurrentChangeError extends CliError {
  constructor(path: string) {
    super(
      `${path} changed on disk since it was read; nothing was written`,
      ExitCode.failure,
      'another command or an editor changed it: run the command again on the current file',
    );
    this.name = 'ConcurrentChangeError';
  }
}

export interface AtomicWriteOptions {
  /** Refuse (ConcurrentChangeError) unless the file on disk has this hash. */
  expectedSha256?: string;
  /** Called between the flushed temporary file and the rename (a test hook's step, src/state/interrupt-hook.ts). */
  beforeRename?: () => Promise<void>;
}

/**
 * Writes a file atomically: a temporary file in the same folder, flushed to disk, then renamed
 * over the target, so a reader (or a crash) sees the old file or the new one, never a torn one.
 * With `expectedSha256`, refuses (ConcurrentChangeError) when the file on disk is no longer the
 * one that was read. Keeps the file's permission bits.
 */
export async function writeFileAtomic(path: string, content: string, options: AtomicWriteOptions = {}): Promise<void> {
  if (options.expectedSha256 !== undefined) {
    const current = await readFile(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (current === undefined || sha256(current) !== options.expectedSha256) throw new ConcurrentChangeError(path);
  }
  const mode = await stat(path).then(
    (info) => info.mode & 0o777,
    () => 0o644,
  );
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const handle = await open(temp, 'wx', mode);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await options.beforeRename?.();
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}
