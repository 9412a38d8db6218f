import { lstat, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { InputError, UsageError } from '../errors.js';
import { writeFileAtomic } from '../files/atomic-write.js';

/**
 * Where an export is written. The one part of src/export/ that touches the disk: the commands
 * call it. `--out` must stay inside the current folder, so a path from a script or a pull
 * request cannot make agent-rollout overwrite a file elsewhere; to write elsewhere, redirect
 * standard output.
 */

function within(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/** The option an output path came from, for its messages, and what to do instead of writing outside the folder. */
export interface OutputOption {
  flag: string;
  elsewhereHint: string;
}

/** `export ... --out`: its output can go to standard output instead. */
export const EXPORT_OUT: OutputOption = {
  flag: '--out',
  elsewhereHint: 'give a path inside the current folder, or redirect standard output: agent-rollout export ... > PATH',
};

/**
 * Resolves an output path (`--out`, or the option named in `option`) against `cwd` and refuses a
 * path that leaves it, by `..`, an absolute path, or a symbolic link (in a parent folder, or the
 * file itself). Returns the absolute path.
 */
export async function resolveOutputPath(out: string, cwd: string, option: OutputOption = EXPORT_OUT): Promise<string> {
  const { flag, elsewhereHint } = option;
  if (out.trim() === '') throw new UsageError(`${flag} needs a file name`);
  const target = resolve(cwd, out);
  if (!within(cwd, target)) throw new UsageError(`${flag} ${out} is outside the current folder (${cwd}); refused`, elsewhereHint);
  const [realCwd, realParent] = await Promise.all([
    realpath(cwd),
    realpath(dirname(target)).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') {
        throw new InputError(`cannot write ${out}: the folder ${dirname(out)} does not exist`, 'create the folder first');
      }
      throw error;
    }),
  ]);
  if (realParent !== realCwd && !within(realCwd, realParent)) {
    throw new UsageError(
      `${flag} ${out} goes through a symbolic link to ${realParent}, outside the current folder; refused`,
      elsewhereHint,
    );
  }
  const existing = await lstat(target).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (existing?.isSymbolicLink())
    throw new UsageError(`${flag} ${out} is a symbolic link; refused`, 'remove the link, or give another path');
  if (existing?.isDirectory()) throw new UsageError(`${flag} ${out} is a folder`, 'give a file name');
  return target;
}

/** Writes an export atomically (a temporary file renamed over the target). */
export async function writeExport(path: string, text: string): Promise<void> {
  await writeFileAtomic(path, text);
}
