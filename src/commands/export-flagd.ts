import { ExitCode } from '../errors.js';
import { exportTime } from '../export/export-time.js';
import { buildFlagdDocument, renderFlagdDocument } from '../export/flagd.js';
import type { Io } from '../ui/io.js';
import { checkFlagKeys } from './flag-keys.js';
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
  checkFlagKeys(options);
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
