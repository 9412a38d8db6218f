import { CliError, ExitCode, InputError, UsageError } from '../errors.js';
import { verdictExitCode } from '../gate/evaluate.js';
import { formatTime } from '../gate/wording.js';
import type { AdvanceOutcome } from '../render/gate/advance.js';
import { renderAdvanceJson, renderAdvanceMarkdown, renderAdvanceText } from '../render/gate/advance.js';
import { createStyle } from '../render/style.js';
import { resolveActor } from '../state/actor.js';
import { checkedReason } from '../state/reason.js';
import type { State } from '../manifest/types.js';
import { manifestTextWithState } from '../state/state-text.js';
import { commitChange } from '../state/transaction.js';
import { notifySinks } from './notify-event.js';
import type { Io } from '../ui/io.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import type { GateFormat, GateMetricOptions, GateRun } from './gate.js';
import { renderGate, runGate } from './gate.js';
import { openManifest } from './open-manifest.js';

export interface AdvanceCommandOptions extends GateMetricOptions {
  manifest: string;
  format: GateFormat;
  force?: boolean;
  reason?: string;
  actor?: string;
}

function output(run: GateRun, outcome: AdvanceOutcome, options: AdvanceCommandOptions, io: Io): void {
  switch (options.format) {
    case 'json':
      io.out(renderAdvanceJson(run.report, run.inputs, outcome));
      return;
    case 'markdown':
      io.out(renderGate(run, 'markdown', io) + renderAdvanceMarkdown(outcome));
      return;
    case 'text':
      io.out(renderGate(run, 'text', io) + renderAdvanceText(outcome, createStyle(io.color)));
  }
}

/**
 * `agent-rollout advance`: evaluates the current stage's gate now and, on go (or a forced
 * no-go/inconclusive with a reason), moves state.stage to the next stage, sets state.since and
 * state.governanceMode, and commits the change with an `advance` audit entry. Refuses while paused
 * or disabled, at the last stage, and on an error verdict even with --force.
 */
export async function advanceCommand(options: AdvanceCommandOptions, io: Io): Promise<number> {
  const reason = checkedReason(options.reason);
  if (options.force && !reason)
    throw new UsageError(
      '--force needs --reason "..." saying why the gate is overridden',
      'the reason is recorded in the audit trail with forced: true',
    );
  const opened = await openManifest(options.manifest);
  const { manifest } = opened;
  const { state } = manifest;
  if (!state.enabled)
    throw new CliError(
      'the agent is switched off (state.enabled is false): advance refuses',
      ExitCode.failure,
      'find out why it was disabled; run `agent-rollout enable` first',
    );
  if (state.paused) {
    throw new CliError(
      `the rollout is paused since ${formatTime(Date.parse(state.paused.at))}${state.paused.by ? ` by ${state.paused.by}` : ''} (${state.paused.reason}): advance refuses`,
      ExitCode.failure,
      'resolve the cause of the pause, then `agent-rollout resume`',
    );
  }
  const index = manifest.stages.findIndex((stage) => stage.id === state.stage);
  if (index < 0)
    throw new InputError(`state.stage is "${state.stage}", which is not a stage of ${options.manifest}`, 'run `agent-rollout validate`');
  const next = manifest.stages[index + 1];
  if (!next) throw new CliError(`${state.stage} is the last stage: there is nothing to advance to`, ExitCode.failure);

  const run = await runGate(undefined, options, io, { opened });
  const { verdict } = run.report;
  const base = { from: state.stage, to: next.id, verdict };
  if (verdict === 'error') {
    output(
      run,
      {
        ...base,
        advanced: false,
        forced: false,
        message: 'the gate could not be evaluated (error); fix it and run advance again. --force does not override an error.',
      },
      options,
      io,
    );
    return ExitCode.failure;
  }
  const forced = verdict !== 'go';
  const aVerdict = `${verdict === 'inconclusive' ? 'an' : 'a'} ${verdict}`;
  if (forced && !options.force) {
    output(
      run,
      {
        ...base,
        advanced: false,
        forced: false,
        message: `the gate says ${verdict}; ${state.stage} stays the current stage. (To override ${aVerdict} gate: --force --reason "...", recorded in the audit trail.)`,
      },
      options,
      io,
    );
    return verdictExitCode(verdict);
  }

  const document = structuredClone(opened.loaded.value) as { state: Record<string, unknown> };
  const before = structuredClone(document.state);
  document.state['stage'] = next.id;
  document.state['since'] = new Date(run.now).toISOString();
  document.state['governanceMode'] = next.governanceMode;
  // Only `state` is rewritten: the rest of the file, and its layout, stays byte for byte.
  const text = manifestTextWithState(opened.loaded, document.state as unknown as State);
  const actor = await resolveActor({ ...(options.actor ? { flag: options.actor } : {}), env: io.env, cwd: io.cwd });
  const entry = await commitChange(options.manifest, {
    expectedSha256: opened.loaded.sha256,
    text,
    audit: {
      at: new Date(run.now).toISOString(),
      actor: actor.name,
      action: 'advance',
      before,
      after: document.state,
      reason: reason ?? null,
      details: {
        from: state.stage,
        to: next.id,
        forced,
        gate: {
          verdict,
          criteria: run.report.criteria.map((c) => ({ id: c.id, status: c.status })),
          prerequisites: run.report.prerequisites.map((p) => ({ id: p.id, status: p.status })),
          window: run.inputs.window,
          inputs: run.inputs,
        },
      },
      tool: { name: TOOL_NAME, version: TOOL_VERSION },
    },
  });
  const message = forced
    ? `${state.stage} -> ${next.id} over ${aVerdict} gate, by ${actor.name} (audit entry ${entry.seq}, forced: true). Governance mode is now ${next.governanceMode}.`
    : `${state.stage} -> ${next.id} by ${actor.name} (audit entry ${entry.seq}). Governance mode is now ${next.governanceMode}.`;
  output(run, { ...base, advanced: true, forced, auditSeq: entry.seq, message }, options, io);
  await notifySinks(
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
  if (forced) io.err(`warning: advanced past ${aVerdict} gate; the audit trail records it as forced, with your reason.\n`);
  return ExitCode.ok;
}
