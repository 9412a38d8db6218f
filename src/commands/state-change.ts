import { dirname } from 'node:path';
import { CliError, ExitCode, UsageError } from '../errors.js';
import type { Manifest } from '../manifest/types.js';
import { toJson } from '../render/format.js';
import { createStyle } from '../render/style.js';
import type { StateChangeOutcome, StateChangeReport, StateChangeSummary } from '../render/status/change.js';
import { renderStateChangeSummary, renderStateChangeText } from '../render/status/change.js';
import { createRedactor } from '../manifest/redactor.js';
import { expandManifestPatterns } from './manifest-files.js';
import { resolveActor } from '../state/actor.js';
import { auditPathFor, readTrail } from '../state/audit-file.js';
import { checkStateDrift, describeDrift } from '../state/drift.js';
import { fieldChanges } from '../state/field-changes.js';
import { preferredFormat } from '../state/operator-config.js';
import { commitStateChange } from '../state/transaction.js';
import type { StateAction, Transition, TransitionContext } from '../state/transitions.js';
import type { Io } from '../ui/io.js';
import { lockOptions, openManifest } from './open-manifest.js';
import { checkedReason } from '../state/reason.js';
import { isoSeconds } from '../time/timestamp.js';
import type { StateFormat } from './formats.js';
import { STATE_FORMATS } from './formats.js';
import { notifySinks } from './notify-event.js';

/** The options every state command takes. */
export interface StateCommandOptions {
  /** One manifest; on a command that takes several, the repeated `-m` values. */
  manifest: string | string[] | undefined;
  /** File or glob arguments (the commands that take several manifests). */
  files?: string[];
  actor?: string;
  reason?: string;
  force?: boolean;
  format?: StateFormat;
  /** Show what would change and write nothing. */
  dryRun?: boolean;
}

/** The reason given, trimmed; an empty reason is no reason; one holding a secret is refused. */
export function givenReason(options: Pick<StateCommandOptions, 'reason'>): string | undefined {
  return checkedReason(options.reason);
}

type NextState = (manifest: Manifest, context: TransitionContext) => Transition;

/**
 * The one flow of every state command: open the manifest (finishing an interrupted change),
 * find out who acts, build the next state purely, and then refuse (exit 2, saying why and what
 * overrides it), report nothing to do (exit 0, nothing written), or write the manifest (only its
 * `state` section re-serialized, in the file's style) together with its audit entry (commitChange: lock, refuse if the file changed since it
 * was read, pending file, entry, rename) and print what changed.
 *
 * With file or glob arguments, or several `-m`, every manifest gets that flow of its own: one
 * failing does not stop the others, and a summary lists each with its outcome (exit 2 if any failed).
 */
export async function changeState(options: StateCommandOptions, io: Io, next: NextState): Promise<number> {
  const reason = givenReason(options);
  if (options.force && reason === undefined) {
    throw new UsageError(
      '--force needs --reason: say why the refusal is overridden',
      'add --reason "<why>"; it is recorded in the audit trail',
    );
  }
  const format = await preferredFormat(options.format, io.env, STATE_FORMATS);
  const several = (options.files?.length ?? 0) > 0 || (Array.isArray(options.manifest) && options.manifest.length > 1);
  if (several) return changeSeveral(options, reason, format, io, next);

  const path = (Array.isArray(options.manifest) ? options.manifest[0] : options.manifest) ?? 'rollout.json';
  const report = await changeOne(path, options, reason, io, next);
  const renderers: Record<StateFormat, () => string> = {
    text: () => renderStateChangeText(report, createStyle(io.color)),
    json: () => toJson(report),
  };
  // The text output is read by a person, who is told about the drift on standard error too.
  if (format === 'text' && report.driftWarning) io.err(`warning: ${report.driftWarning}\n`);
  io.out(renderers[format]());
  return ExitCode.ok;
}

/** Every manifest of a fleet-wide change, each its own change; failures are collected, not thrown. */
async function changeSeveral(
  options: StateCommandOptions,
  reason: string | undefined,
  format: StateFormat,
  io: Io,
  next: NextState,
): Promise<number> {
  const given = Array.isArray(options.manifest) ? options.manifest : options.manifest === undefined ? [] : [options.manifest];
  const paths = await expandManifestPatterns([...(options.files ?? []), ...given], io.cwd);
  const outcomes: StateChangeOutcome[] = [];
  let action: StateAction | undefined;
  const redactor = createRedactor();
  for (const path of paths) {
    try {
      const report = await changeOne(path, options, reason, io, next);
      action = report.action;
      outcomes.push({ outcome: report.changed ? (report.dryRun ? 'would change' : 'changed') : 'nothing to do', ...report });
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      outcomes.push({
        manifest: path,
        outcome: 'failed',
        error: redactor.text(error.message),
        ...(error.hint ? { hint: redactor.text(error.hint) } : {}),
      });
    }
  }
  const summary: StateChangeSummary = { action: action ?? null, dryRun: options.dryRun ?? false, manifests: outcomes };
  const renderers: Record<StateFormat, () => string> = {
    text: () => renderStateChangeSummary(summary, createStyle(io.color)),
    json: () => toJson(summary),
  };
  if (format === 'text') {
    for (const outcome of outcomes)
      if ('driftWarning' in outcome && outcome.driftWarning) io.err(`warning: ${outcome.manifest}: ${outcome.driftWarning}\n`);
  }
  io.out(renderers[format]());
  return outcomes.some((o) => o.outcome === 'failed') ? ExitCode.failure : ExitCode.ok;
}

/** One manifest's change: the report, or a CliError (refused, unreadable, locked, changed on disk). */
async function changeOne(
  path: string,
  options: StateCommandOptions,
  reason: string | undefined,
  io: Io,
  next: NextState,
): Promise<StateChangeReport> {
  const opened = await openManifest(path, io);
  const agent = { id: opened.manifest.agent.id, ...(opened.manifest.agent.name ? { name: opened.manifest.agent.name } : {}) };
  const actor = await resolveActor({ ...(options.actor ? { flag: options.actor } : {}), env: io.env, cwd: dirname(opened.file) });
  const at = isoSeconds(new Date());
  const transition = next(opened.manifest, { at, actor: actor.name, reason, force: options.force ?? false });
  if (transition.outcome === 'refused') throw new CliError(transition.message, ExitCode.failure, transition.hint);

  const trailPath = auditPathFor(path);
  if (transition.outcome === 'unchanged') {
    return { manifest: path, agent, action: transition.action, changed: false, summary: transition.summary, changes: [] };
  }
  if (options.dryRun) {
    return {
      manifest: path,
      agent,
      action: transition.action,
      changed: true,
      dryRun: true,
      summary: transition.summary,
      changes: fieldChanges(transition.before, transition.after),
      before: transition.before,
      after: transition.after,
    };
  }
  const { trail } = await readTrail(auditPathFor(opened.file));
  const drift = checkStateDrift(transition.before, trail.entries);
  const details = { ...transition.details, actorSource: actor.source };
  const entry = await commitStateChange(
    opened.file,
    opened.loaded,
    {
      at,
      actor: actor.name,
      action: transition.action,
      before: transition.before,
      after: transition.after,
      reason: reason ?? null,
      details,
    },
    lockOptions(path, io),
  );
  const report: StateChangeReport = {
    manifest: path,
    agent,
    action: transition.action,
    changed: true,
    summary: transition.summary,
    changes: fieldChanges(transition.before, transition.after),
    before: transition.before,
    after: transition.after,
    audit: {
      file: trailPath,
      seq: entry.seq,
      hash: entry.hash,
      at,
      actor: actor.name,
      actorSource: actor.source,
      reason: entry.reason,
      details,
    },
    ...(drift.status === 'drift'
      ? {
          driftWarning: `${describeDrift(drift)}; this change records the state as found, and \`agent-rollout audit verify\` will report the gap`,
        }
      : {}),
  };
  const notifications = await notifySinks(
    opened.manifest,
    {
      events: [transition.action],
      agent: opened.manifest.agent.id,
      manifest: path,
      at,
      actor: actor.name,
      summary: report.summary,
      reason: entry.reason,
    },
    io,
  );
  if (notifications.length > 0) report.notifications = notifications;
  return report;
}
