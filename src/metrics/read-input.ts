import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InputError } from '../errors.js';

/** Pasted metrics, an HTTP response or a command's output larger than this is refused. */
export const MAX_INPUT_BYTES = 10 * 1024 * 1024;

async function readStream(stream: NodeJS.ReadableStream, label: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size > MAX_INPUT_BYTES) throw new InputError(`${label} is larger than ${MAX_INPUT_BYTES / 1024 / 1024} MB`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Reads `--metrics FILE` (relative to cwd) or `--metrics -` (standard input), up to 10 MB.
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
    throw new InputError(`cannot read --metrics ${spec}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (error as Error).message}`);
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw new InputError(`cannot read --metrics ${spec}: it is a folder`);
    if (info.size > MAX_INPUT_BYTES) throw new InputError(`--metrics ${spec} is larger than ${MAX_INPUT_BYTES / 1024 / 1024} MB`);
    return { text: await readStream(handle.createReadStream({ encoding: undefined }), spec), label: spec };
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`cannot read --metrics ${spec}: ${(error as Error).message}`);
  } finally {
    await handle.close().catch(() => undefined);
  }
}
