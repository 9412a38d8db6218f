import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InputError } from '../errors.js';

/** An HTTP response or a command's output larger than this is refused: a source is not trusted to stop. */
export const MAX_INPUT_BYTES = 10 * 1024 * 1024;

/**
 * Pasted metrics (a file or standard input the operator chose) may be larger: a series of a
 * million samples is about 30 MB of JSON. Still capped, so a wrong file cannot exhaust memory.
 */
export const MAX_PASTED_BYTES = 64 * 1024 * 1024;

async function readStream(stream: NodeJS.ReadableStream, label: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size > MAX_PASTED_BYTES)
      throw new InputError(
        `${label} is larger than ${MAX_PASTED_BYTES / 1024 / 1024} MB`,
        'pass only the window and the signals the stage needs',
      );
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Reads `--metrics FILE` (relative to cwd) or `--metrics -` (standard input), up to 64 MB.
 * Returns the text and a label for messages.
 */
export async function readMetricsInput(spec: string, cwd: string, stdin: NodeJS.ReadableStream): Promise<{ text: string; label: string }> {
  if (spec === '-') return { text: await readStream(stdin, 'standard input'), label: 'standard input' };
  const path = resolve(cwd, spec);
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(
      `cannot read --metrics ${spec}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (error as Error).message}`,
    );
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw new InputError(`cannot read --metrics ${spec}: it is a folder`);
    if (info.size > MAX_PASTED_BYTES)
      throw new InputError(
        `--metrics ${spec} is larger than ${MAX_PASTED_BYTES / 1024 / 1024} MB`,
        'pass only the window and the signals the stage needs',
      );
    return { text: await readStream(handle.createReadStream({ encoding: undefined }), spec), label: spec };
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`cannot read --metrics ${spec}: ${(error as Error).message}`);
  } finally {
    await handle.close().catch(() => undefined);
  }
}
