import { InputError } from '../errors.js';
import type { OutputOption } from '../export/output.js';
import { resolveOutputPath } from '../export/output.js';
import type { ServedAgent } from '../guard/decide.js';
import type { GuardOptions } from '../guard/engine.js';
import type { FlagsTarget } from '../guard/flags-out.js';
import { GuardEngine } from '../guard/engine.js';
import { knownSecretValues } from '../guard/secrets-known.js';
import type { Io } from '../ui/io.js';
import { checkFlagKeys } from './flag-keys.js';
import { expandManifestPatterns } from './manifest-files.js';
import { openManifest } from './open-manifest.js';

/**
 * What `guard serve` and `guard check` share: the manifests they serve, where the flags go, and
 * the engine that applies decisions to them.
 */

/** The manifests served, by agent id; two of one agent are refused. */
export async function openServed(
  files: readonly string[],
  manifestOption: readonly string[] | undefined,
  io: Io,
): Promise<Map<string, ServedAgent>> {
  const paths = await expandManifestPatterns([...files, ...(manifestOption ?? [])], io.cwd);
  const served = new Map<string, ServedAgent>();
  for (const path of paths) {
    const open = await openManifest(path, io);
    const id = open.manifest.agent.id;
    const other = served.get(id);
    if (other)
      throw new InputError(`${other.path} and ${path} both declare agent "${id}"`, 'serve each agent once: agent ids must be unique');
    served.set(id, { path, manifest: open.manifest, opened: open });
  }
  return served;
}

/**
 * `--flagd-out`: the guard writes the file itself, after each change, so standard output is no way
 * around the folder rule; the flags must live in the folder the guard runs in.
 */
const FLAGD_OUT: OutputOption = {
  flag: '--flagd-out',
  elsewhereHint:
    'give a path inside the folder the guard runs in (e.g. flags/agents.flagd.json) and point flagd or the OpenFeature provider at that file, or start the guard from a folder that holds both the manifests and the flags',
};

/** --flagd-out checked as `export flagd --out` checks it (inside the current folder, no link), with the keys. */
export async function flagsTarget(options: { flagdOut?: string | undefined; contextKey: string; userKey: string }, io: Io) {
  checkFlagKeys(options);
  if (options.flagdOut === undefined) return undefined;
  const path = await resolveOutputPath(options.flagdOut, io.cwd, FLAGD_OUT);
  return { path, shown: options.flagdOut, contextKey: options.contextKey, userKey: options.userKey };
}

/** The guard's engine over the served manifests; `secrets` are redacted beside the manifests' own. */
export function guardEngine(
  served: Map<string, ServedAgent>,
  flags: FlagsTarget | undefined,
  options: { commit: boolean; secrets: readonly string[] } & Pick<
    GuardOptions,
    'actorSource' | 'dryRun' | 'trustOwnDisable' | 'retryForMs'
  >,
  io: Io,
): GuardEngine {
  const { secrets, ...rest } = options;
  return new GuardEngine({
    io,
    served,
    ...(flags ? { flags } : {}),
    env: io.env,
    secrets: knownSecretValues(
      [...served.values()].map((s) => s.manifest),
      io.env,
      [...secrets],
    ),
    ...rest,
  });
}
