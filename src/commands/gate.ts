import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { InputError, UsageError } from '../errors.js';
import { evaluateGate, verdictExitCode } from '../gate/evaluate.js';
import type { RecordedInputs } from '../gate/inputs.js';
import { recordInputs } from '../gate/inputs.js';
import { signalRequests } from '../gate/requests.js';
import type { GateReport, RefusalCases } from '../gate/types.js';
import { chooseWindow, stageEntry } from '../gate/window.js';
import { parseDuration } from '../manifest/duration.js';
import { formatSpan } from '../gate/wording.js';
import type { Manifest } from '../manifest/types.js';
import { sha256 } from '../manifest/write.js';
import { collectEvidence, unknownSignalWarnings } from '../metrics/collect.js';
import type { PastedMetrics } from '../metrics/pasted.js';
import { parsePastedMetrics, parseSetFlags } from '../metrics/pasted.js';
import { readMetricsInput } from '../metrics/read-input.js';
import { isCountSignal } from '../metrics/types.js';
import type { Format } from '../render/format.js';
import { renderGateJson } from '../render/gate/json.js';
import { renderGateMarkdown } from '../render/gate/markdown.js';
import { renderGateText } from '../render/gate/text.js';
import { createStyle } from '../render/style.js';
import { resolveActor } from '../state/actor.js';
import { auditPathFor, readTrail } from '../state/audit.js';
import { recordResult } from '../state/transaction.js';
import { notifySinks } from './notify-event.js';
import type { Io } from '../ui/io.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import type { OpenManifest } from './open-manifest.js';
import { openManifest } from './open-manifest.js';
import { checkedReason } from '../state/reason.js';

export const GATE_FORMATS = ['text', 'json', 'markdown'] as const satisfies readonly Format[];
export type GateFormat = (typeof GATE_FORMATS)[number];

/** The metric options `gate` and `advance` share. */
export interface GateMetricOptions {
  /** `--set name=value`, repeatable. */
  set?: string[];
  /** `--metrics FILE|-`. */
  metrics?: string;
  /** `--window 7d`. */
  window?: string;
  /** false with `--no-sources`. */
  sources?: boolean;
}

export interface GateCommandOptions extends GateMetricOptions {
  manifest: string;
  format: GateFormat;
  /** `--at TIME`: evaluate as of this time. */
  at?: string;
  record?: boolean;
  actor?: string;
  reason?: string;
}

/** One evaluated gate and what it was computed from. */
export interface GateRun {
  opened: OpenManifest;
  report: GateReport;
  inputs: RecordedInputs;
  now: number;
}

/** Clock skew tolerated before a time counts as "in the future". */
const FUTURE_SLACK_MS = 5 * 60_000;

function parseAt(text: string | undefined, now: number): number | undefined {
  if (text === undefined) return undefined;
  const ms = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) throw new UsageError(`--at ${text}: not a time`, 'use RFC 3339, e.g. --at 2026-11-23T09:00:00Z');
  if (ms > now + FUTURE_SLACK_MS)
    throw new UsageError(`--at ${text} is in the future`, 'evidence cannot come from the future: use a past time or leave --at out');
  return ms;
}

function parseWindow(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) throw new UsageError(`--window ${text}: not a duration`, 'e.g. --window 7d, --window 36h, --window 2w');
  return ms;
}

function stageOf(manifest: Manifest, path: string, id: string | undefined): string {
  const wanted = id ?? manifest.state.stage;
  if (!manifest.stages.some((stage) => stage.id === wanted)) {
    const known = manifest.stages.map((stage) => stage.id).join(', ');
    if (id === undefined)
      throw new InputError(
        `state.stage is "${wanted}", which is not a stage of ${path}`,
        `stages: ${known}; run \`agent-rollout validate\``,
      );
    throw new UsageError(`no stage "${wanted}" in ${path}`, `stages: ${known}`);
  }
  return wanted;
}

async function readRefusalCases(manifest: Manifest, manifestDir: string): Promise<RefusalCases | undefined> {
  const cases = manifest.guardrails?.boundaries?.tests?.cases;
  if (!cases) return undefined;
  try {
    return { path: cases, sha256: sha256(await readFile(resolve(manifestDir, cases))) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { path: cases, problem: code === 'ENOENT' ? 'no such file' : (error as Error).message };
  }
}

/**
 * Gathers the evidence for a stage's gate (flags, pasted metrics, the prompt, the sources, the
 * audit trail) and evaluates it. Shared by `gate` and `advance`.
 */
export async function runGate(
  stageArg: string | undefined,
  options: GateMetricOptions & { manifest: string; at?: string },
  io: Io,
  context: { stdin?: NodeJS.ReadableStream; opened?: OpenManifest } = {},
): Promise<GateRun> {
  const now = Date.now();
  const at = parseAt(options.at, now);
  const lengthMs = parseWindow(options.window);
  const set = parseSetFlags(options.set ?? []);
  const opened = context.opened ?? (await openManifest(options.manifest));
  const { manifest } = opened;
  const manifestDir = dirname(resolve(io.cwd, options.manifest));
  const stageId = stageOf(manifest, options.manifest, stageArg);
  const stage = manifest.stages.find((s) => s.id === stageId) as Manifest['stages'][number];

  let pasted: { metrics: PastedMetrics; label: string } | undefined;
  if (options.metrics !== undefined) {
    if (options.metrics === '-' && io.stdinIsTTY) io.err('Paste the metrics (JSON or name=value lines), then press Ctrl-D:\n');
    const { text, label } = await readMetricsInput(options.metrics, io.cwd, context.stdin ?? process.stdin);
    const metrics = parsePastedMetrics(text, label);
    if (metrics.window && metrics.window.end > now + FUTURE_SLACK_MS)
      throw new InputError(`the window in ${label} ends in the future (${new Date(metrics.window.end).toISOString()})`);
    pasted = { metrics, label: options.metrics === '-' ? '-' : options.metrics };
    for (const warning of metrics.warnings) io.err(`warning: ${warning}\n`);
    for (const warning of unknownSignalWarnings(
      [...metrics.values.keys(), ...metrics.series.keys()],
      manifest,
      `--metrics ${pasted.label}`,
    ))
      io.err(`${warning}\n`);
  }
  for (const warning of unknownSignalWarnings(set.keys(), manifest, '--set')) io.err(`${warning}\n`);

  const { trail } = await readTrail(auditPathFor(resolve(io.cwd, options.manifest)));
  const entry = stageEntry(manifest, stageId, trail.entries);
  const requests = signalRequests(manifest, stage);
  const useSources = options.sources !== false && Object.keys(manifest.metrics?.sources ?? {}).length > 0;

  let prompted: Map<string, number> | undefined;
  let promptedWindow: number | undefined;
  if (io.stdinIsTTY && set.size === 0 && pasted === undefined && !useSources) {
    const sampleSignal = manifest.metrics?.sampleSignal;
    const names = [...new Set(requests.filter((r) => r.kind === 'instant').map((r) => r.signal))];
    if (names.length > 0) {
      const { promptForMetrics } = await import('../ui/metric-prompt.js');
      const proposed = chooseWindow({ ...(at !== undefined ? { at } : {}), stage, ...(entry ? { entry } : {}), now });
      const answers = await promptForMetrics(
        names.map((name) => {
          const signal = manifest.metrics?.signals?.[name];
          return {
            name,
            count: isCountSignal(name, sampleSignal),
            ...(signal?.unit ? { unit: signal.unit } : {}),
            ...(signal?.description ? { description: signal.description } : {}),
          };
        }),
        { askWindow: lengthMs === undefined, defaultWindow: formatSpan(proposed.endMs - proposed.startMs) },
      );
      prompted = answers.values;
      promptedWindow = answers.windowMs;
    }
  }

  const window = chooseWindow({
    ...(at !== undefined ? { at } : {}),
    ...(lengthMs !== undefined || promptedWindow !== undefined ? { lengthMs: lengthMs ?? promptedWindow } : {}),
    ...(pasted?.metrics.window ? { pasted: pasted.metrics.window } : {}),
    stage,
    ...(entry ? { entry } : {}),
    now,
  });
  if (window.endMs <= window.startMs) throw new UsageError('the evaluation window is empty');

  const observations = await collectEvidence(
    requests,
    {
      set,
      ...(pasted ? { pasted } : {}),
      ...(prompted ? { prompted } : {}),
      windowDeclared: lengthMs !== undefined || promptedWindow !== undefined,
      useSources,
    },
    { manifest, manifestDir, env: io.env, window: { startMs: window.startMs, endMs: window.endMs } },
  );
  const refusalCases = stage === manifest.stages[0] ? await readRefusalCases(manifest, manifestDir) : undefined;
  const validationErrors = opened.validation.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.rule} ${d.message}`);
  const report = evaluateGate({
    manifest,
    stageId,
    window,
    ...(entry ? { stageEntry: entry } : {}),
    observations,
    trail: { entries: trail.entries, problems: trail.problems },
    ...(refusalCases ? { refusalCases } : {}),
    validationErrors,
    now,
  });
  const inputs = recordInputs({
    manifest: { path: options.manifest, sha256: opened.loaded.sha256 },
    window,
    now,
    requests,
    observations,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
  });
  return { opened, report, inputs, now };
}

/** Renders a gate run in a format. */
export function renderGate(run: GateRun, format: GateFormat, io: Io): string {
  const agent = run.opened.manifest.agent.id;
  switch (format) {
    case 'json':
      return renderGateJson(run.report, run.inputs);
    case 'markdown':
      return renderGateMarkdown(run.report, run.inputs, { agent });
    case 'text':
      return renderGateText(run.report, { style: createStyle(io.color), agent });
  }
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
  const run = await runGate(stageArg, options, io);
  io.out(renderGate(run, options.format, io));
  if (options.record) {
    const actor = await resolveActor({ ...(options.actor ? { flag: options.actor } : {}), env: io.env, cwd: io.cwd });
    const entry = await recordResult(options.manifest, {
      at: new Date(run.now).toISOString(),
      actor: actor.name,
      action: 'gate',
      reason: reason ?? null,
      details: gateDetails(run),
      tool: { name: TOOL_NAME, version: TOOL_VERSION },
    });
    io.err(`Recorded the ${run.report.verdict} verdict as audit entry ${entry.seq} (by ${actor.name}).\n`);
    if (run.report.verdict === 'no-go' || run.report.verdict === 'inconclusive') {
      await notifySinks(
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
  return verdictExitCode(run.report.verdict);
}
