import { InputError } from '../errors.js';
import { exportReadiness } from '../export/readiness.js';
import type { Io } from '../ui/io.js';
import { expandManifestPatterns } from './manifest-files.js';
import type { OpenManifest } from './open-manifest.js';
import { openManifest } from './open-manifest.js';

/** The manifests an export reads: arguments and `-m`, quoted globs expanded, default ./rollout.json. */
function manifestPaths(files: readonly string[], manifestOption: readonly string[] | undefined, cwd: string): Promise<string[]> {
  return expandManifestPatterns([...files, ...(manifestOption ?? [])], cwd);
}

/**
 * Opens every manifest an export reads. An unreadable or schema-invalid one is exit 2
 * (openManifest); one with validation errors is refused unless `killSwitchExempt` lets a
 * switched-off manifest through (with a warning); two manifests of one agent are refused.
 */
export async function openExportManifests(
  files: readonly string[],
  manifestOption: readonly string[] | undefined,
  io: Io,
  options: { killSwitchExempt: boolean },
): Promise<OpenManifest[]> {
  const paths = await manifestPaths(files, manifestOption, io.cwd);
  const opened: OpenManifest[] = [];
  const byAgent = new Map<string, string>();
  for (const path of paths) {
    const open = await openManifest(path, io);
    const readiness = exportReadiness(path, open.validation.diagnostics, open.manifest, options);
    if (readiness.kind === 'refused') throw new InputError(readiness.message, `run \`agent-rollout validate ${path}\` for every finding`);
    if (readiness.kind === 'warned') io.err(`warning: ${readiness.message}\n`);
    const id = open.manifest.agent.id;
    const other = byAgent.get(id);
    if (other !== undefined)
      throw new InputError(`${other} and ${path} both declare agent "${id}"`, 'export each agent once: agent ids must be unique');
    byAgent.set(id, path);
    opened.push(open);
  }
  return opened;
}
