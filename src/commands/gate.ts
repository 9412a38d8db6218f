import { UsageError } from '../errors.js';
import { verdictExitCode } from '../gate/evaluate.js';
import { resolveActor } from '../state/actor.js';
import { checkedReason } from '../state/reason.js';
import { recordResult } from '../state/transaction.js';
import { notifySinks } from './notify-event.js';
import type { Delivery } from '../notify/deliver.js';
import type { AuditEntry } from '../state/audit.js';
import type { Io } from '../ui/io.js';
import type { GateFormat } from './formats.js';
import type { GateMetricOptions, GateRun } from './run-gate.js';
import { renderGateRun, runGate } from './run-gate.js';
import { lockOptions } from './open-manifest.js';

export interface GateCommandOptions extends GateMetricOptions {
  manifest: string;
  format: GateFormat;
  /** `--at TIME`: evaluate as of this time. */
  at?: string;
  record?: boolean;
  actor?: string;
  reason?: string;
}

/** The gate result as an audit entry's details (docs/architecture.md), with the inputs it was computed from. */
export function gateDetails(run: GateRun): Record<string, unknown> {
  const { report } = run;
  return {
    stage: report.stage,
    verdict: report.verdict,
    window: { start: new Date(report.window.startMs).toISOString(), end: new Date(report.window.endMs).toISOString() },
    criteria: report.criteria.map((c) => ({ id: c.id, status: c.status, observed: c.observed })),
    prerequisites: report.prerequisites.map((p) => ({ id: p.id, status: p.status })),
    inputs: run.inputs,
  };
}

/** `agent-rollout gate [stage]`: exit 0 go, 1 no-go, 3 inconclusive, 2 error. */
export async function gateCommand(stageArg: string | undefined, options: GateCommandOptions, io: Io): Promise<number> {
  if (options.reason !== undefined && !options.record)
    throw new UsageError('--reason is recorded with --record only', 'add --record, or leave --reason out');
  const reason = checkedReason(options.reason);
  // Who records is checked before anything runs: a refused actor leaves no half-done run behind.
  const actor = options.record
    ? await resolveActor({ ...(options.actor ? { flag: options.actor } : {}), env: io.env, cwd: io.cwd })
    : undefined;
  const run = await runGate(stageArg, options, io);
  let notifications: Delivery[] = [];
  if (actor) {
    let entry: AuditEntry;
    try {
      entry = await recordResult(
        run.opened.file,
        {
          at: new Date(run.now).toISOString(),
          actor: actor.name,
          action: 'gate',
          reason: reason ?? null,
          details: gateDetails(run),
        },
        lockOptions(options.manifest, io),
        run.redactor,
      );
    } catch (error) {
      // The verdict stands even when it could not be recorded: show it, then the error.
      io.out(renderGateRun(run, options.format, io));
      throw error;
    }
    io.err(`Recorded the ${run.report.verdict} verdict as audit entry ${entry.seq} (by ${actor.name}).\n`);
    // The sinks are told after the entry is written and before the output, which says how each delivery went.
    if (run.report.verdict === 'no-go' || run.report.verdict === 'inconclusive') {
      notifications = await notifySinks(
        run.opened.manifest,
        {
          events: ['gate'],
          agent: run.opened.manifest.agent.id,
          manifest: options.manifest,
          at: entry.at,
          actor: actor.name,
          summary: `gate for stage ${run.report.stage}: ${run.report.verdict} (recorded as audit entry ${entry.seq})`,
          reason: reason ?? null,
        },
        io,
      );
    }
  }
  io.out(renderGateRun(run, options.format, io, notifications));
  return verdictExitCode(run.report.verdict);
}
