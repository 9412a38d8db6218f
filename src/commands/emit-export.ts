import { resolveOutputPath, writeExport } from '../export/output.js';
import type { Io } from '../ui/io.js';

/** Writes an export to `--out` (atomically, inside the current folder) or to standard output. */
export async function emitExport(text: string, out: string | undefined, io: Io, what: string): Promise<void> {
  if (out === undefined) {
    io.out(text);
    return;
  }
  const target = await resolveOutputPath(out, io.cwd);
  await writeExport(target, text);
  io.err(`wrote ${what} to ${out}\n`);
}
