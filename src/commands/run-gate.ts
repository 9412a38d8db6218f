import { dirname } from 'node:path';
import { InputError, UsageError } from '../errors.js';
import { containedPath, isManifestRelativeProgram } from '../drill/contained-path.js';
import { evaluateGate } from '../gate/evaluate.js';
import type { RecordedInputs } from '../gate/inputs.js';
import { recordInputs } from '../gate/inputs.js';
import { signalRequests } from '../gate/requests.js';
import type { GateReport } from '../gate/types.js';
import { readEvidenceIdentity } from '../guardrails/evidence-files.js';
import { chooseWindow, stageEntry } from '../gate/window.js';
import type { Manifest } from '../manifest/types.js';
import { parseTimestamp } from '../time/timestamp-parse.js';
import type { Redactor } from '../manifest/redactor.js';
import { runRedactor } from '../manifest/redactor.js';
import { collectEvidence, unknownSignalWarnings } from '../metrics/collect.js';
import type { PastedMetrics } from '../metrics/pasted.js';
import { parsePastedMetrics, parseSetFlags } from '../metrics/pasted.js';
import { readMetricsInput } from '../metrics/read-input.js';
import { isCountSignal } from '../metrics/types.js';
import { renderGateJson } from '../render/gate/json.js';
import type { Delivery } from '../notify/deliver.js';
import { renderGateMarkdown } from '../render/gate/markdown.js';
import type { SignalRequest } from '../metrics/types.js';
import { MIN_STEPS_PER_PERIOD } from '../gate/criteria.js';
import { renderGateText } from '../render/gate/text.js';
import { createStyle } from '../render/style.js';
import { auditPathFor, readTrail } from '../state/audit-file.js';
import { shellLine } from '../text/shell-word.js';
import { formatSpan, parseDuration } from '../time/duration.js';
import type { Io } from '../ui/io.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import type { GateFormat } from './formats.js';
import type { OpenManifest } from './open-manifest.js';
import { openManifest } from './open-manifest.js';
import { formatTime } from '../time/timestamp.js';

/**
 * Evaluating a stage's gate from the command line: gathering the evidence (flags, pasted
 * metrics, the prompt, the sources, the audit trail), evaluating it, and rendering the result.
 * `gate` prints it (and records it with --record); `advance` decides on it.
 */

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

/** One evaluated gate and what it was computed from. */
export interface GateRun {
  opened: OpenManifest;
  /** Redacted: every text from a source has been through the run's redactor. */
  report: GateReport;
  /** Redacted, like the report. */
  inputs: RecordedInputs;
  now: number;
  /** The run's redactor (its known secrets and every token shape), for whatever else it writes. */
  redactor: Redactor;
}

/** Clock skew tolerated before a time counts as "in the future". */
const FUTURE_SLACK_MS = 5 * 60_000;

export function parseAt(text: string | undefined, now: number): number | undefined {
  if (text === undefined) return undefined;
  const parsed = parseTimestamp(text);
  if ('problem' in parsed) throw new UsageError(`--at ${text}: ${parsed.problem}`, 'use RFC 3339, e.g. --at 2026-11-23T09:00:00Z');
  const ms = parsed.ms;
  if (ms > now + FUTURE_SLACK_MS)
    throw new UsageError(`--at ${text} is in the future`, 'evidence cannot come from the future: use a past time or leave --at out');
  return ms;
}

export function parseWindow(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0)
    throw new UsageError(`--window ${text}: not a duration from 1ms to 100y`, 'e.g. --window 7d, --window 36h, --window 2w');
  return ms;
}

/**
 * A declared step may be at most `for` / 7 for every series it applies to: a coarser step would
 * let a handful of samples stand for the whole period.
 */
function checkPastedStep(metrics: PastedMetrics, requests: readonly SignalRequest[], label: string): void {
  const step = metrics.step;
  if (!step) return;
  for (const request of requests) {
    if (request.kind !== 'range' || request.rangeMs === undefined || !metrics.series.has(request.signal)) continue;
    const coarsest = request.rangeMs / MIN_STEPS_PER_PERIOD;
    if (step.ms > coarsest)
      throw new InputError(
        `the "step" in ${label === '-' ? 'standard input' : label} is ${step.text}, too coarse for ${request.signal}, which must hold for ${formatSpan(request.rangeMs)}: a step may be at most a seventh of that (${formatSpan(coarsest)})`,
        `paste samples at least every ${formatSpan(coarsest)} and declare that step`,
      );
  }
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

/**
 * A command source the manifest names by a relative path (`./scripts/x.sh`) must resolve inside
 * the manifest's folder, as a drill step's must: a `..` or a symbolic link out is refused (exit 2)
 * before any source is queried. Bare names and absolute paths are the operator's tools.
 */
export async function refuseCommandsOutside(manifest: Manifest, manifestDir: string): Promise<void> {
  for (const [name, source] of Object.entries(manifest.metrics?.sources ?? {})) {
    const program = source?.type === 'command' ? source.run?.[0] : undefined;
    if (program === undefined || !isManifestRelativeProgram(program)) continue;
    const contained = await containedPath(manifestDir, program, `metrics.sources.${name} runs`);
    if (!contained.ok)
      throw new InputError(
        `${contained.message}; no source was queried`,
        "keep the metric scripts in the manifest's folder (e.g. ./scripts/), and no symbolic link out of it",
      );
  }
}

/**
 * The `advance` that gates on the inputs this gate had (its metric flags and manifest), for the
 * "Next:" line of a go verdict: the flags repeated, in backticks, and what the command line alone
 * cannot carry (standard input, values typed at the prompt). Undefined when the gate had none of
 * them: plain `agent-rollout advance` queries the same sources.
 */
export function advanceCommandFor(options: GateMetricOptions & { manifest: string }, prompted: boolean): string | undefined {
  const words = [
    ...(options.set ?? []).flatMap((flag) => ['--set', flag]),
    ...(options.metrics !== undefined ? ['--metrics', options.metrics] : []),
    ...(options.window !== undefined ? ['--window', options.window] : []),
    ...(options.sources === false ? ['--no-sources'] : []),
  ];
  if (words.length === 0 && !prompted) return undefined;
  if (options.manifest !== 'rollout.json') words.push('-m', options.manifest);
  const needs = [
    ...(options.metrics === '-' ? ['the same metrics on standard input'] : []),
    ...(prompted ? ['the same values typed at its prompt'] : []),
  ];
  return `\`${shellLine(['agent-rollout', 'advance', ...words])}\`${needs.length > 0 ? `, with ${needs.join(' and ')}` : ''}`;
}

/**
 * Gathers the evidence for a stage's gate (flags, pasted metrics, the prompt, the sources, the
 * audit trail) and evaluates it. Shared by `gate` and `advance`.
 */
export async function runGate(
  stageArg: string | undefined,
  options: GateMetricOptions & { manifest: string; at?: string },
  io: Io,
  context: { opened?: OpenManifest } = {},
): Promise<GateRun> {
  const now = Date.now();
  const at = parseAt(options.at, now);
  const lengthMs = parseWindow(options.window);
  const set = parseSetFlags(options.set ?? []);
  const opened = context.opened ?? (await openManifest(options.manifest, io));
  const { manifest } = opened;
  const manifestDir = dirname(opened.file);
  const redactor = runRedactor(manifest, io.env);
  const stageId = stageOf(manifest, options.manifest, stageArg);
  const stage = manifest.stages.find((s) => s.id === stageId) as Manifest['stages'][number];

  let pasted: { metrics: PastedMetrics; label: string } | undefined;
  if (options.metrics !== undefined) {
    if (options.metrics === '-' && io.stdinIsTTY) io.err('Paste the metrics (JSON or name=value lines), then press Ctrl-D:\n');
    const { text, label } = await readMetricsInput(options.metrics, io.cwd, io.stdin);
    const metrics = parsePastedMetrics(text, label);
    if (metrics.window && metrics.window.end > now + FUTURE_SLACK_MS)
      throw new InputError(`the window in ${label} ends in the future (${formatTime(metrics.window.end)})`);
    pasted = { metrics, label: options.metrics === '-' ? '-' : options.metrics };
    for (const warning of metrics.warnings) io.err(redactor.text(`warning: ${warning}\n`));
    for (const warning of unknownSignalWarnings(
      [...metrics.values.keys(), ...metrics.series.keys()],
      manifest,
      `--metrics ${pasted.label}`,
    ))
      io.err(redactor.text(`${warning}\n`));
  }
  for (const warning of unknownSignalWarnings(set.keys(), manifest, '--set')) io.err(redactor.text(`${warning}\n`));

  const { trail } = await readTrail(auditPathFor(opened.file));
  const entry = stageEntry(manifest, stageId, trail.entries);
  const requests = signalRequests(manifest, stage);
  if (pasted) checkPastedStep(pasted.metrics, requests, pasted.label);
  const useSources = options.sources !== false && Object.keys(manifest.metrics?.sources ?? {}).length > 0;
  if (useSources) await refuseCommandsOutside(manifest, manifestDir);

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
    { manifest, manifestDir, env: io.env, window: { startMs: window.startMs, endMs: window.endMs }, redactor },
  );
  const guardrailEvidence = await readEvidenceIdentity(manifest, manifestDir);
  const advanceCommand = advanceCommandFor(options, prompted !== undefined);
  const validationErrors = opened.validation.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.rule} ${d.message}`);
  const report = evaluateGate({
    manifest,
    stageId,
    window,
    ...(entry ? { stageEntry: entry } : {}),
    observations,
    trail: { entries: trail.entries, problems: trail.problems },
    ...(guardrailEvidence ? { guardrailEvidence } : {}),
    validationErrors,
    now,
    ...(advanceCommand !== undefined ? { advanceCommand } : {}),
  });
  const inputs = recordInputs({
    manifest: { path: options.manifest, sha256: opened.loaded.sha256 },
    window,
    now,
    requests,
    observations,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
  });
  return { opened, report: redactor.deep(report), inputs: redactor.deep(inputs), now, redactor };
}

/** Renders a gate run in one of the gate's formats. */
export function renderGateRun(run: GateRun, format: GateFormat, io: Io, notifications?: readonly Delivery[]): string {
  const agent = run.opened.manifest.agent.id;
  switch (format) {
    case 'json':
      return renderGateJson(run.report, run.inputs, notifications);
    case 'markdown':
      return renderGateMarkdown(run.report, run.inputs, { agent });
    case 'text':
      return renderGateText(run.report, { style: createStyle(io.color), agent });
  }
}
