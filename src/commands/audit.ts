import { basename } from 'node:path';
import { ExitCode, UsageError } from '../errors.js';
import type { AuditListing } from '../render/audit/list.js';
import { renderAuditText } from '../render/audit/list.js';
import type { VerifyReport } from '../render/audit/verify.js';
import { renderVerifyText } from '../render/audit/verify.js';
import { toJson } from '../render/format.js';
import { createStyle } from '../render/style.js';
import { auditPathFor, readTrail } from '../state/audit-file.js';
import { selectEntries, sinceTime } from '../state/audit-query.js';
import { verifyAgainstManifest } from '../state/audit-verify.js';
import { preferredFormat } from '../state/operator-config.js';
import { plural } from '../text/plural.js';
import type { Io } from '../ui/io.js';
import { openManifest } from './open-manifest.js';
import type { StateFormat } from './formats.js';
import { STATE_FORMATS } from './formats.js';

export interface AuditCommandOptions {
  manifest: string;
  since?: string;
  /** Repeatable; each may be a comma-separated list. */
  action?: string[];
  format?: StateFormat;
}

/** The output format, the manifest and its trail (named as the user named the manifest). */
async function openTrail(options: Pick<AuditCommandOptions, 'manifest' | 'format'>, io: Io) {
  const format = await preferredFormat(options.format, io.env, STATE_FORMATS);
  const opened = await openManifest(options.manifest, io);
  const { trail, exists } = await readTrail(auditPathFor(opened.file));
  return { format, opened, trailPath: auditPathFor(options.manifest), trail, exists };
}

/** `agent-rollout audit`: the trail, newest first, as a table or JSON. */
export async function auditCommand(options: AuditCommandOptions, io: Io): Promise<number> {
  const now = Date.now();
  const since = options.since === undefined ? undefined : sinceTime(options.since, now);
  if (options.since !== undefined && since === undefined) {
    throw new UsageError(
      `--since ${options.since} is neither a duration nor a date`,
      'use a duration back from now (7d, 12h, 1h30m) or an RFC 3339 date (2026-11-01, 2026-11-01T09:00:00Z)',
    );
  }
  const actions = (options.action ?? [])
    .flatMap((a) => a.split(','))
    .map((a) => a.trim())
    .filter((a) => a !== '');
  const { format, trailPath, trail, exists } = await openTrail(options, io);
  const listing: AuditListing = {
    manifest: options.manifest,
    trail: trailPath,
    exists,
    total: trail.entries.length,
    problems: trail.problems.length,
    filter: { ...(options.since !== undefined ? { since: options.since } : {}), ...(actions.length > 0 ? { actions } : {}) },
    entries: selectEntries(trail.entries, { ...(since !== undefined ? { since } : {}), actions }),
  };
  if (trail.problems.length > 0) {
    io.err(
      `warning: ${basename(trailPath)} has ${plural(trail.problems.length, 'integrity problem')}: run \`agent-rollout audit verify\`\n`,
    );
  }
  const renderers: Record<StateFormat, () => string> = {
    text: () => renderAuditText(listing, createStyle(io.color)),
    json: () => toJson(listing),
  };
  io.out(renderers[format]());
  return ExitCode.ok;
}

/** `agent-rollout audit verify`: the chain and the state against the manifest; exit 1 on any finding. */
export async function auditVerifyCommand(options: Pick<AuditCommandOptions, 'manifest' | 'format'>, io: Io): Promise<number> {
  const { format, opened, trailPath, trail, exists } = await openTrail(options, io);
  const report: VerifyReport = {
    manifest: options.manifest,
    trail: trailPath,
    ...verifyAgainstManifest(opened.manifest.state, { ...trail, exists }),
  };
  const renderers: Record<StateFormat, () => string> = {
    text: () => renderVerifyText(report, createStyle(io.color)),
    json: () => toJson({ ok: report.findings === 0, ...report }),
  };
  io.out(renderers[format]());
  return report.findings === 0 ? ExitCode.ok : ExitCode.findings;
}
