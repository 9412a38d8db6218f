import { ExitCode, UsageError } from '../errors.js';
import { parseDuration } from '../time/duration.js';
import { buildPrometheusRules, renderPrometheusRules, skippedLines } from '../export/prometheus-rules.js';
import type { Io } from '../ui/io.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { plural } from '../text/plural.js';
import { emitExport } from './emit-export.js';
import { openExportManifests } from './open-export-manifests.js';

export interface ExportPrometheusRulesOptions {
  manifest?: string[];
  out?: string;
  rateWindow: string;
}

/** `agent-rollout export prometheus-rules [files...]`. */
export async function exportPrometheusRulesCommand(
  files: readonly string[],
  options: ExportPrometheusRulesOptions,
  io: Io,
): Promise<number> {
  const window = options.rateWindow;
  const ms = parseDuration(window);
  if (ms === undefined || ms <= 0)
    throw new UsageError(`--rate-window "${window}" is not a duration`, 'give a Prometheus duration such as 5m, 90s or 1h');
  const opened = await openExportManifests(files, options.manifest, io, { killSwitchExempt: false });
  const result = buildPrometheusRules(
    opened.map((open) => ({ manifest: open.manifest, sha256: open.loaded.sha256, path: open.path })),
    { rateWindow: window },
  );
  for (const line of skippedLines(result.skipped)) io.err(`note: ${line}\n`);
  const count = result.groups.reduce((sum, group) => sum + group.rules.length, 0);
  const text = renderPrometheusRules(result, { generatedBy: `${TOOL_NAME} ${TOOL_VERSION}` });
  await emitExport(text, options.out, io, `${plural(count, 'alerting rule')} for ${plural(opened.length, 'agent')}`);
  return ExitCode.ok;
}
