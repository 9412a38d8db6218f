import { CliError, ExitCode, InputError, UsageError } from '../errors.js';
import { verdictExitCode } from '../gate/evaluate.js';
import type { AdvanceOutcome } from '../render/gate/advance.js';
import { renderAdvanceJson, renderAdvanceMarkdown, renderAdvanceText } from '../render/gate/advance.js';
import { createStyle } from '../render/style.js';
import { resolveActor } from '../state/actor.js';
import { checkedReason } from '../state/reason.js';
import { commitStateChange } from '../state/transaction.js';
import type { AdvanceRefused } from '../state/transitions.js';
import { advance, advanceTarget, withArticle } from '../state/transitions.js';
import { notifySinks } from './notify-event.js';
import type { Delivery } from '../notify/deliver.js';
import type { Io } from '../ui/io.js';
import { isoSeconds } from '../time/timestamp.js';
import type { GateFormat } from './formats.js';
import type { GateMetricOptions, GateRun } from './run-gate.js';
import { renderGateRun, runGate } from './run-gate.js';
import { lockOptions, openManifest } from './open-manifest.js';

export interface AdvanceCommandOptions extends GateMetricOptions {
  manifest: string;
  format: GateFormat;
  force?: boolean;
  reason?: string;
  actor?: string;
}

function output(
  run: GateRun,
  outcome: AdvanceOutcome,
  options: AdvanceCommandOptions,
  io: Io,
  notifications: readonly Delivery[] = [],
): void {
  const renderers: Record<GateFormat, () => string> = {
    json: () => renderAdvanceJson(run.report, run.inputs, outcome, notifications),
    markdown: () => renderGateRun(run, 'markdown', io) + renderAdvanceMarkdown(outcome),
    text: () => renderGateRun(run, 'text', io) + renderAdvanceText(outcome, createStyle(io.color)),
  };
  io.out(renderers[options.format]());
}

/** What to do once the rollout has moved to `stage`, in place of the gate's "advance" step. */
function afterAdvance(stage: string): string[] {
  return [`${stage} is the current stage now: \`agent-rollout plan\` shows what its gate will need.`];
}

/** A refusal before the gate runs: exit 2, the message and what clears it. */
function refusedError(transition: AdvanceRefused): CliError {
  return transition.refusal === 'unknown-stage'
    ? new InputError(transition.message, transition.hint)
    : new CliError(transition.message, ExitCode.failure, transition.hint);
}

/**
 * `agent-rollout advance`: evaluates the current stage's gate now and hands the verdict to the
 * `advance` transition (src/state/transitions.ts), which decides: refuse (paused, disabled, the
 * last stage, an error verdict even with --force, a no-go or inconclusive one without it) or
 * move to the next stage. A move is committed with an `advance` audit entry.
 */
export async function advanceCommand(options: AdvanceCommandOptions, io: Io): Promise<number> {
  const reason = checkedReason(options.reason);
  if (options.force && !reason)
    throw new UsageError(
      '--force needs --reason "..." saying why the gate is overridden',
      'the reason is recorded in the audit trail with forced: true',
    );
  const actor = await resolveActor({ ...(options.actor ? { flag: options.actor } : {}), env: io.env, cwd: io.cwd });
  const opened = await openManifest(options.manifest, io);
  const { manifest } = opened;
  const target = advanceTarget(manifest);
  if (target.outcome === 'refused') throw refusedError(target);

  const run = await runGate(undefined, options, io, { opened });
  const { verdict } = run.report;
  // To the second, as every other state change writes state.since and its audit entry.
  const at = isoSeconds(run.now);
  const transition = advance(manifest, { at, force: options.force ?? false, verdict });
  const base = { from: target.from.id, to: target.to.id, verdict };
  if (transition.outcome === 'refused') {
    if (transition.refusal !== 'gate-error' && transition.refusal !== 'gate-not-go') throw refusedError(transition);
    output(run, { ...base, advanced: false, forced: false, message: transition.message }, options, io);
    return transition.refusal === 'gate-error' ? ExitCode.failure : verdictExitCode(verdict);
  }

  const { forced } = transition;
  // Only `state` is rewritten: the rest of the file, and its layout, stays byte for byte.
  const entry = await commitStateChange(
    opened.file,
    opened.loaded,
    {
      at,
      actor: actor.name,
      action: 'advance',
      before: transition.before,
      after: transition.after,
      reason: reason ?? null,
      details: {
        from: transition.from,
        to: transition.to,
        forced,
        gate: {
          verdict,
          criteria: run.report.criteria.map((c) => ({ id: c.id, status: c.status })),
          prerequisites: run.report.prerequisites.map((p) => ({ id: p.id, status: p.status })),
          window: run.inputs.window,
          inputs: run.inputs,
        },
      },
    },
    lockOptions(options.manifest, io),
    run.redactor,
  );
  const moved = `${transition.from} -> ${transition.to}`;
  const message = forced
    ? `${moved} over ${withArticle(verdict)} gate, by ${actor.name} (audit entry ${entry.seq}, forced: true). Governance mode is now ${transition.governanceMode}.`
    : `${moved} by ${actor.name} (audit entry ${entry.seq}). Governance mode is now ${transition.governanceMode}.`;
  // The gate's "Next:" said to advance (or not to); that is done now, so it says what comes after.
  const shown = { ...run, report: { ...run.report, next: afterAdvance(transition.to) } };
  // The sinks are told first (the change is committed; a failed delivery never undoes it), so the
  // JSON output can say how each delivery went.
  const notifications = await notifySinks(
    opened.manifest,
    {
      events: ['advance'],
      agent: opened.manifest.agent.id,
      manifest: options.manifest,
      at: entry.at,
      actor: actor.name,
      summary: message,
      reason: reason ?? null,
    },
    io,
  );
  output(shown, { ...base, advanced: true, forced, auditSeq: entry.seq, message }, options, io, notifications);
  if (forced) io.err(`warning: advanced past ${withArticle(verdict)} gate; the audit trail records it as forced, with your reason.\n`);
  return ExitCode.ok;
}
