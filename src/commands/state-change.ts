import { basename, dirname } from 'node:path';
import { CliError, ExitCode, UsageError } from '../errors.js';
import type { Manifest } from '../manifest/types.js';
import { toJson } from '../render/format.js';
import { createStyle } from '../render/style.js';
import type { StateChangeReport } from '../render/status/change.js';
import { renderStateChangeText } from '../render/status/change.js';
import { resolveActor } from '../state/actor.js';
import { auditPathFor, readTrail } from '../state/audit-file.js';
import { checkStateDrift, describeDrift } from '../state/drift.js';
import { fieldChanges } from '../state/field-changes.js';
import { preferredFormat } from '../state/operator-config.js';
import { manifestTextWithState } from '../state/state-text.js';
import { commitChange } from '../state/transaction.js';
import type { Transition, TransitionContext } from '../state/transitions.js';
import type { Io } from '../ui/io.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { lockOptions, openManifest } from './open-manifest.js';
import { checkedReason } from '../state/reason.js';
import { isoSeconds } from '../time/timestamp.js';
import type { StateFormat } from './formats.js';
import { STATE_FORMATS } from './formats.js';
import { notifySinks } from './notify-event.js';

/** The options every state command takes. */
export interface StateCommandOptions {
  manifest: string;
  actor?: string;
  reason?: string;
  force?: boolean;
  format?: StateFormat;
}

/** The reason given, trimmed; an empty reason is no reason; one holding a secret is refused. */
export function givenReason(options: Pick<StateCommandOptions, 'reason'>): string | undefined {
  return checkedReason(options.reason);
}

/**
 * The one flow of every state command: open the manifest (finishing an interrupted change),
 * find out who acts, build the next state purely, and then refuse (exit 2, saying why and what
 * overrides it), report nothing to do (exit 0, nothing written), or write the manifest (only its
 * `state` section re-serialized, in the file's style) together with its audit entry (commitChange: lock, refuse if the file changed since it
 * was read, pending file, entry, rename) and print what changed.
 */
export async function changeState(
  options: StateCommandOptions,
  io: Io,
  next: (manifest: Manifest, context: TransitionContext) => Transition,
): Promise<number> {
  const reason = givenReason(options);
  if (options.force && reason === undefined) {
    throw new UsageError(
      '--force needs --reason: say why the refusal is overridden',
      'add --reason "<why>"; it is recorded in the audit trail',
    );
  }
  const format = await preferredFormat(options.format, io.env, STATE_FORMATS);
  const path = options.manifest;
  const opened = await openManifest(path, io);
  const actor = await resolveActor({ ...(options.actor ? { flag: options.actor } : {}), env: io.env, cwd: dirname(opened.file) });
  const at = isoSeconds(new Date());
  const transition = next(opened.manifest, { at, actor: actor.name, reason, force: options.force ?? false });
  if (transition.outcome === 'refused') throw new CliError(transition.message, ExitCode.failure, transition.hint);

  const trailPath = auditPathFor(path);
  let report: StateChangeReport;
  if (transition.outcome === 'unchanged') {
    report = { manifest: path, action: transition.action, changed: false, summary: transition.summary, changes: [] };
  } else {
    const { trail } = await readTrail(auditPathFor(opened.file));
    const drift = checkStateDrift(transition.before, trail.entries);
    const details = { ...transition.details, actorSource: actor.source };
    const entry = await commitChange(
      opened.file,
      {
        expectedSha256: opened.loaded.sha256,
        text: manifestTextWithState(opened.loaded, transition.after),
        audit: {
          at,
          actor: actor.name,
          action: transition.action,
          before: transition.before,
          after: transition.after,
          reason: reason ?? null,
          details,
          tool: { name: TOOL_NAME, version: TOOL_VERSION },
        },
      },
      lockOptions(path, io),
    );
    report = {
      manifest: path,
      action: transition.action,
      changed: true,
      summary: transition.summary,
      changes: fieldChanges(transition.before, transition.after),
      before: transition.before,
      after: transition.after,
      audit: {
        file: basename(trailPath),
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
  }
  if (report.changed && report.audit) {
    const notifications = await notifySinks(
      opened.manifest,
      {
        events: [transition.action],
        agent: opened.manifest.agent.id,
        manifest: path,
        at: report.audit.at,
        actor: report.audit.actor,
        summary: report.summary,
        reason: report.audit.reason,
      },
      io,
    );
    if (notifications.length > 0) report.notifications = notifications;
  }
  const renderers: Record<StateFormat, () => string> = {
    text: () => renderStateChangeText(report, createStyle(io.color)),
    json: () => toJson(report),
  };
  // The text output is read by a person, who is told about the drift on standard error too.
  if (format === 'text' && report.driftWarning) io.err(`warning: ${report.driftWarning}\n`);
  io.out(renderers[format]());
  return ExitCode.ok;
}
