import { expandManifestPatterns } from './manifest-files.js';
import { ExitCode, InputError, UsageError } from '../errors.js';
import { exportTime } from '../export/export-time.js';
import { buildFlagdDocument, contextKeyProblem, renderFlagdDocument } from '../export/flagd.js';
import { resolveOutputPath, writeExport } from '../export/output.js';
import { exportReadiness } from '../export/readiness.js';
import type { Io } from '../ui/io.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import type { OpenManifest } from './open-manifest.js';
import { openManifest } from './open-manifest.js';

export interface ExportFlagdOptions {
  manifest?: string[];
  out?: string;
  contextKey: string;
  userKey: string;
  time?: string;
}

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
  await emitExport(
    renderFlagdDocument(document),
    options.out,
    io,
    `${flagCount} flags for ${opened.length} agent${opened.length === 1 ? '' : 's'}`,
  );
  return ExitCode.ok;
}
