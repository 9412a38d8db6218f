import { existsSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { MAX_MANIFEST_BYTES } from '../manifest/load.js';

/** A manifest's bytes as they are at a git revision. */
export interface ManifestAtRef {
  /** How output names it: `origin/main:agents/triage/rollout.json`. */
  label: string;
  bytes: Uint8Array;
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .find((line) => line.trim() !== '')
      ?.trim() ?? ''
  );
}

/**
 * Reads `file` (a path in the working tree, relative to `cwd`) as it is at `ref`, with
 * `git show REF:PATH` where PATH is relative to the repository's root. Not a repository, an
 * unknown ref, or a file the ref does not have: InputError (exit 2).
 */
export async function readManifestAtRef(ref: string, file: string, cwd: string, env: NodeJS.ProcessEnv): Promise<ManifestAtRef> {
  const { execa } = await import('execa');
  const absolute = resolve(cwd, file);
  const folder = dirname(absolute);
  const git = (args: string[], encoding: 'utf8' | 'buffer' = 'utf8') =>
    execa('git', args, {
      cwd: folder,
      reject: false,
      encoding,
      maxBuffer: MAX_MANIFEST_BYTES + 1,
      stripFinalNewline: false,
      env: { ...env, GIT_TERMINAL_PROMPT: '0' },
      extendEnv: false,
    });

  if (!existsSync(folder)) throw new InputError(`cannot read ${file}: the folder ${folder} does not exist`);
  let prefix;
  try {
    prefix = await git(['rev-parse', '--show-prefix']);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(
      code === 'ENOENT' ? `cannot run git (${(error as Error).message})` : `cannot read ${file} at ${ref}: ${(error as Error).message}`,
      code === 'ENOENT' ? 'install git, or diff two files: agent-rollout diff BASE HEAD' : undefined,
    );
  }
  if (prefix.exitCode !== 0) {
    throw new InputError(
      `${file} is not in a git repository (${firstLine(String(prefix.stderr))})`,
      'run it inside the repository, or diff two files: agent-rollout diff BASE HEAD',
    );
  }
  if (ref.startsWith('-')) throw new InputError(`${ref} is not a git revision`, 'name a branch, tag or commit, e.g. --git origin/main');
  const path = `${String(prefix.stdout).trim()}${basename(absolute)}`;
  const shown = await git(['show', `${ref}:${path}`], 'buffer');
  if (shown.isMaxBuffer) {
    throw new InputError(`${ref}:${path} is larger than ${MAX_MANIFEST_BYTES / 1024 / 1024} MB; manifests are limited to that`);
  }
  if (shown.exitCode !== 0) {
    const message = firstLine(Buffer.from(shown.stderr as Uint8Array).toString('utf8'));
    const missing = /does not exist in|exists on disk, but not in/.test(message);
    throw new InputError(
      missing ? `${path} does not exist at ${ref}` : `git cannot show ${ref}:${path}: ${message}`,
      missing
        ? 'a manifest new in this change has nothing to diff against; validate it instead'
        : 'check the ref (in CI, fetch it first: git fetch origin main, or checkout with fetch-depth: 0)',
    );
  }
  if ((shown.stdout as Uint8Array).length > MAX_MANIFEST_BYTES) {
    throw new InputError(`${ref}:${path} is larger than ${MAX_MANIFEST_BYTES / 1024 / 1024} MB; manifests are limited to that`);
  }
  return { label: `${ref}:${path}`, bytes: shown.stdout as Uint8Array };
}

/**
 * `file`'s bytes at `ref`, or undefined when the ref does not have it (or this is not a
 * repository). For files beside the manifest, such as its audit trail.
 */
export async function readFileAtRef(
  ref: string,
  file: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  maxBytes: number,
): Promise<Uint8Array | undefined> {
  const { execa } = await import('execa');
  const absolute = resolve(cwd, file);
  const folder = dirname(absolute);
  if (!existsSync(folder) || ref.startsWith('-')) return undefined;
  const git = (args: string[]) =>
    execa('git', args, {
      cwd: folder,
      reject: false,
      encoding: 'buffer',
      maxBuffer: maxBytes + 1,
      stripFinalNewline: false,
      env: { ...env, GIT_TERMINAL_PROMPT: '0' },
      extendEnv: false,
    });
  const prefix = await git(['rev-parse', '--show-prefix']);
  if (prefix.exitCode !== 0) return undefined;
  const path = `${Buffer.from(prefix.stdout as Uint8Array)
    .toString('utf8')
    .trim()}${basename(absolute)}`;
  const shown = await git(['show', `${ref}:${path}`]);
  if (shown.exitCode !== 0) return undefined;
  if (shown.isMaxBuffer || (shown.stdout as Uint8Array).length > maxBytes)
    throw new InputError(`${ref}:${path} is larger than ${maxBytes / 1024 / 1024} MB`);
  return shown.stdout as Uint8Array;
}
