import { InputError } from '../errors.js';
import { exportTime } from '../export/export-time.js';
import { buildFlagdDocument, renderFlagdDocument } from '../export/flagd.js';
import { writeExport } from '../export/output.js';
import { exportReadiness } from '../export/readiness.js';
import type { ManifestCache } from './manifest-cache.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';

/**
 * The flagd flags of every served manifest, written to `--flagd-out` atomically, exactly as
 * `agent-rollout export flagd` writes them with the same --context-key and --user-key: the
 * manifests read afresh, a switched-off manifest exported even with validation errors (with a
 * warning), any other manifest with errors refused.
 */
export interface FlagsTarget {
  /** The absolute path, already checked by resolveOutputPath (inside the current folder, no link). */
  path: string;
  /** The path as the user gave it (--flagd-out), for messages. */
  shown: string;
  contextKey: string;
  userKey: string;
}

export async function writeServedFlags(
  paths: readonly string[],
  target: FlagsTarget,
  env: NodeJS.ProcessEnv,
  cache: ManifestCache,
): Promise<{ flags: number; warnings: string[] }> {
  const sources = [];
  const warnings: string[] = [];
  for (const path of paths) {
    const open = await cache.open(path);
    const readiness = exportReadiness(path, open.validation.diagnostics, open.manifest, { killSwitchExempt: true });
    if (readiness.kind === 'refused') throw new InputError(readiness.message);
    if (readiness.kind === 'warned') warnings.push(readiness.message);
    sources.push({ manifest: open.manifest, sha256: open.loaded.sha256 });
  }
  const document = buildFlagdDocument(sources, {
    contextKey: target.contextKey,
    userKey: target.userKey,
    exportedAt: exportTime({ env, now: new Date() }),
    generatedBy: `${TOOL_NAME} ${TOOL_VERSION}`,
  });
  await writeExport(target.path, renderFlagdDocument(document));
  return { flags: Object.keys(document.flags).length, warnings };
}
