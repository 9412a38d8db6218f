import { ExitCode, UsageError } from '../errors.js';
import { exportTime } from '../export/export-time.js';
import { buildFlagdDocument, contextKeyProblem, renderFlagdDocument } from '../export/flagd.js';
import type { Io } from '../ui/io.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { plural } from '../text/plural.js';
import { emitExport } from './emit-export.js';
import { openExportManifests } from './open-export-manifests.js';

export interface ExportFlagdOptions {
  manifest?: string[];
  out?: string;
  contextKey: string;
  userKey: string;
  time?: string;
}

/** `agent-rollout export flagd [files...]`. */
export async function exportFlagdCommand(files: readonly string[], options: ExportFlagdOptions, io: Io): Promise<number> {
  for (const [flag, key] of [
    ['--context-key', options.contextKey],
    ['--user-key', options.userKey],
  ] as const) {
    const problem = contextKeyProblem(key);
    if (problem) throw new UsageError(`${flag} "${key}" cannot be used: ${problem}`);
  }
  if (options.contextKey === options.userKey) throw new UsageError('--context-key and --user-key must differ');
  const exportedAt = exportTime({ flag: options.time, env: io.env, now: new Date() });
  const opened = await openExportManifests(files, options.manifest, io, { killSwitchExempt: true });
  const document = buildFlagdDocument(
    opened.map((open) => ({ manifest: open.manifest, sha256: open.loaded.sha256 })),
    { contextKey: options.contextKey, userKey: options.userKey, exportedAt, generatedBy: `${TOOL_NAME} ${TOOL_VERSION}` },
  );
  const flagCount = Object.keys(document.flags).length;
  await emitExport(renderFlagdDocument(document), options.out, io, `${plural(flagCount, 'flag')} for ${plural(opened.length, 'agent')}`);
  return ExitCode.ok;
}
