import { resolve } from 'node:path';
import { InputError } from '../errors.js';
import { FileReadError, readBounded, readStreamBounded } from '../files/bounded-read.js';

/** An HTTP response or a command's output larger than this is refused: a source is not trusted to stop. */
export const MAX_INPUT_BYTES = 10 * 1024 * 1024;

/**
 * Pasted metrics (a file or standard input the operator chose) may be larger: a series of a
 * million samples is about 30 MB of JSON. Still capped, so a wrong file cannot exhaust memory.
 */
export const MAX_PASTED_BYTES = 64 * 1024 * 1024;

const TOO_LARGE_HINT = 'pass only the window and the signals the stage needs';

/**
 * Reads `--metrics FILE` (relative to cwd) or `--metrics -` (standard input), up to 64 MB. A
 * pipe (`--metrics <(cmd)`, a FIFO with a writer) is read to its end, bounded by bytes; a
 * device, a folder or a FIFO no one writes to is refused at once. Returns the text and a label.
 */
export async function readMetricsInput(spec: string, cwd: string, stdin: NodeJS.ReadableStream): Promise<{ text: string; label: string }> {
  if (spec === '-') {
    try {
      return { text: (await readStreamBounded(stdin, 'standard input', MAX_PASTED_BYTES)).toString('utf8'), label: 'standard input' };
    } catch (error) {
      if (error instanceof FileReadError)
        throw new InputError(`--metrics -: standard input ${error.reason.replace(/^it /, '')}`, TOO_LARGE_HINT);
      throw new InputError(`cannot read --metrics -: ${(error as Error).message}`);
    }
  }
  try {
    const bytes = await readBounded(resolve(cwd, spec), { maxBytes: MAX_PASTED_BYTES, allowPipe: true });
    return { text: bytes.toString('utf8'), label: spec };
  } catch (error) {
    if (!(error instanceof FileReadError)) throw error;
    throw new InputError(`cannot read --metrics ${spec}: ${error.reason}`, error.code === 'ETOOBIG' ? TOO_LARGE_HINT : undefined);
  }
}
