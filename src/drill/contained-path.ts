import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** Whether `path` is `folder` or inside it (both absolute). */
function inside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

export type Containment = { ok: true; path: string } | { ok: false; message: string };

/**
 * Resolves a path the manifest names (a cases file, a script) against the manifest's folder and
 * checks it stays inside: a `..` that climbs out, an absolute path elsewhere, or a symlink that
 * points out is refused, so a manifest from a pull request cannot run or read files outside its
 * own folder. A path that does not exist yet passes here; using it fails later with its own error.
 */
export async function containedPath(folder: string, path: string, what: string): Promise<Containment> {
  const base = resolve(folder);
  const target = resolve(base, path);
  if (!inside(base, target)) {
    return { ok: false, message: `${what} ${JSON.stringify(path)} is outside the manifest's folder (${base})` };
  }
  let realBase: string;
  let realTarget: string;
  try {
    realBase = await realpath(base);
    realTarget = await realpath(target);
  } catch {
    return { ok: true, path: target };
  }
  if (!inside(realBase, realTarget)) {
    return {
      ok: false,
      message: `${what} ${JSON.stringify(path)} is a symbolic link to ${realTarget}, outside the manifest's folder (${realBase})`,
    };
  }
  return { ok: true, path: target };
}

/**
 * Whether an argv's program is a path the manifest's folder must contain: a relative path with a
 * slash (`./scripts/flag.sh`, `scripts/x`, `../x`). Bare names (`curl`) are looked up on PATH and
 * absolute paths (`/usr/bin/env`) name the operator's own tools; neither is a file of the manifest.
 */
export function isManifestRelativeProgram(program: string): boolean {
  return !isAbsolute(program) && /[\\/]/.test(program);
}
