import { dirname } from 'node:path';
import { ExitCode, UsageError } from '../errors.js';
import type { SignalsCheck } from '../gate/signals-check.js';
import { judgeSignals, neededSignals } from '../gate/signals-check.js';
import { chooseWindow, stageEntry, windowBasisText } from '../gate/window.js';
import { runRedactor } from '../manifest/redactor.js';
import { probeSignals } from '../metrics/probe.js';
import { renderSignalsCheckJson, renderSignalsCheckText } from '../render/signals/check.js';
import { createStyle } from '../render/style.js';
import { resolveActor } from '../state/actor.js';
import { auditPathFor, readTrail } from '../state/audit-file.js';
import { preferredFormat } from '../state/operator-config.js';
import { checkedReason } from '../state/reason.js';
import { recordResult } from '../state/transaction.js';
import type { Io } from '../ui/io.js';
import type { SignalsFormat } from './formats.js';
import { SIGNALS_FORMATS } from './formats.js';
import { lockOptions, openManifest } from './open-manifest.js';
import { parseAt, parseWindow, refuseCommandsOutside } from './run-gate.js';

export interface SignalsCheckOptions {
  manifest: string;
  format?: SignalsFormat;
  /** `--window 7d`: default, the current stage's window as the gate chooses it. */
  window?: string;
  /** `--at TIME`: the window ends here (default: now). */
  at?: string;
  record?: boolean;
  actor?: string;
  reason?: string;
}

const EXIT: Record<SignalsCheck['outcome'], number> = { ok: ExitCode.ok, missing: ExitCode.findings, failed: ExitCode.failure };

/** The check as an audit entry's details (docs/architecture.md). */
export function signalsCheckDetails(check: SignalsCheck): Record<string, unknown> {
  return {
    stage: check.stage,
    outcome: check.outcome,
    window: { start: new Date(check.window.startMs).toISOString(), end: new Date(check.window.endMs).toISOString() },
    missing: check.missing,
    failed: check.failed,
    signals: check.probes.map((p) => ({
      signal: p.signal,
      source: p.source,
      status: p.status,
      ...(p.value !== undefined ? { value: p.value } : {}),
      series: p.series,
      ...(p.attribution ? { attribution: { label: p.attribution.label, present: p.attribution.present } } : {}),
    })),
  };
}

/**
 * `agent-rollout signals check`: queries every signal from its source now, over the current
 * stage's window (or --window), and says per signal whether it returned data, its value, the
 * series, whether the attribution label is on them, and how long it took. Exit 0 when every
 * signal the current or next gate needs returned data, 1 when one did not, 2 when a source failed.
 */
export async function signalsCheckCommand(options: SignalsCheckOptions, io: Io): Promise<number> {
  if (options.reason !== undefined && !options.record)
    throw new UsageError('--reason is recorded with --record only', 'add --record, or leave --reason out');
  const reason = checkedReason(options.reason);
  const format = await preferredFormat(options.format, io.env, SIGNALS_FORMATS);
  const lengthMs = parseWindow(options.window);
  const at = parseAt(options.at, Date.now());
  const actor = options.record
    ? await resolveActor({ ...(options.actor ? { flag: options.actor } : {}), env: io.env, cwd: io.cwd })
    : undefined;
  const opened = await openManifest(options.manifest, io);
  const { manifest } = opened;
  const manifestDir = dirname(opened.file);
  const redactor = runRedactor(manifest, io.env);
  const index = manifest.stages.findIndex((s) => s.id === manifest.state.stage);
  const stage = manifest.stages[index];
  if (!stage)
    throw new UsageError(
      `state.stage is "${manifest.state.stage}", which is not a stage of ${options.manifest}`,
      'run `agent-rollout validate`',
    );
  const next = manifest.stages[index + 1];
  const { trail } = await readTrail(auditPathFor(opened.file));
  const now = Date.now();
  const entry = stageEntry(manifest, stage.id, trail.entries);
  const window = chooseWindow({
    stage,
    now,
    ...(at !== undefined ? { at } : {}),
    ...(entry ? { entry } : {}),
    ...(lengthMs !== undefined ? { lengthMs } : {}),
  });
  if (window.endMs <= window.startMs) throw new UsageError('the window is empty');
  await refuseCommandsOutside(manifest, manifestDir);
  const probes = await probeSignals(manifest, {
    manifest,
    manifestDir,
    env: io.env,
    window: { startMs: window.startMs, endMs: window.endMs },
    redactor,
  });
  const needed = neededSignals(manifest);
  const check: SignalsCheck = redactor.deep({
    manifest: options.manifest,
    agent: manifest.agent.id,
    stage: stage.id,
    ...(next ? { next: next.id } : {}),
    window: { startMs: window.startMs, endMs: window.endMs, basis: windowBasisText(window) },
    needed,
    probes,
    ...judgeSignals(needed, probes),
  });
  const renderers: Record<SignalsFormat, () => string> = {
    text: () => renderSignalsCheckText(check, createStyle(io.color)),
    json: () => renderSignalsCheckJson(check),
  };
  io.out(renderers[format]());
  if (actor) {
    const recorded = await recordResult(
      opened.file,
      {
        at: new Date(now).toISOString(),
        actor: actor.name,
        action: 'signals-check',
        reason: reason ?? null,
        details: signalsCheckDetails(check),
      },
      lockOptions(options.manifest, io),
      redactor,
    );
    io.err(`Recorded the signals check (${check.outcome}) as audit entry ${recorded.seq} (by ${actor.name}).\n`);
  }
  return EXIT[check.outcome];
}
