import { isoSeconds } from '../time/timestamp.js';
import { dirname, resolve } from 'node:path';
import { ExitCode, UsageError } from '../errors.js';
import { alertRuleName } from '../export/alert-name.js';
import { parseDuration } from '../time/duration.js';
import type { ReceivedAlert } from '../guard/alertmanager.js';
import type { Decision, GuardEngine } from '../guard/engine.js';
import type { AlertEvaluation } from '../guard/evaluate.js';
import { evaluateAlert } from '../guard/evaluate.js';
import { deliveryProblemLine } from '../notify/deliver.js';
import { toJson } from '../render/format.js';
import type { CheckedAlert } from '../render/guard/check.js';
import { renderGuardCheckText } from '../render/guard/check.js';
import type { Io } from '../ui/io.js';
import { flagsTarget, guardEngine, openServed } from './guard-served.js';

export interface GuardCheckOptions {
  manifest?: string[];
  rateWindow: string;
  onError: 'report' | 'pause';
  dryRun?: boolean;
  flagdOut?: string;
  contextKey: string;
  userKey: string;
  commit?: boolean;
  format: 'text' | 'json';
}

/**
 * A breaching alert (or a failed source, with --on-error pause) as the guard's engine takes alerts,
 * with the value seen as the `value` annotation the exported rules carry.
 */
function asAlert(agent: string, stage: string, name: string, action: string, summary: string, at: string, value?: number): ReceivedAlert {
  return {
    status: 'firing',
    labels: { alertname: name, agent, action, stage },
    annotations: { summary, ...(value !== undefined ? { value: String(value) } : {}) },
    startsAt: at,
    endsAt: '',
    generatorURL: '',
    fingerprint: '',
  };
}

/**
 * `agent-rollout guard check [files...]`: every manifest's alerts evaluated now, and acted on as
 * `guard serve` would (actor source `guard`). Exit 0 when nothing breaches, 1 when something
 * does, 2 when a source failed (fail closed).
 */
export async function guardCheckCommand(files: readonly string[], options: GuardCheckOptions, io: Io): Promise<number> {
  const rateWindowMs = parseDuration(options.rateWindow);
  if (rateWindowMs === undefined || rateWindowMs <= 0)
    throw new UsageError(`--rate-window "${options.rateWindow}" is not a duration`, 'give a Prometheus duration such as 5m, 90s or 1h');
  const flags = await flagsTarget(options, io);
  const served = await openServed(files, options.manifest, io);
  const engine = guardEngine(
    served,
    flags,
    { commit: options.commit === true, secrets: [], actorSource: 'guard', dryRun: options.dryRun === true, trustOwnDisable: true },
    io,
  );
  const nowMs = Date.now();
  const at = isoSeconds(nowMs);
  const checked: CheckedAlert[] = [];
  for (const { path, manifest } of served.values()) {
    const evaluations = await Promise.all(
      (manifest.metrics?.alerts ?? []).map((alert, index) =>
        evaluateAlert(manifest, alert, index, alertRuleName(alert, index, manifest), {
          manifestDir: dirname(resolve(io.cwd, path)),
          env: io.env,
          rateWindow: options.rateWindow,
          rateWindowMs,
          nowMs,
        }),
      ),
    );
    for (const evaluation of evaluations)
      checked.push({ agent: manifest.agent.id, manifest: path, evaluation: safeEvaluation(evaluation, engine) });
  }
  const alerts: ReceivedAlert[] = [];
  for (const item of checked) {
    const { evaluation } = item;
    const stage = served.get(item.agent)?.manifest.state.stage ?? '';
    if (evaluation.status === 'breach') {
      alerts.push(
        asAlert(
          item.agent,
          stage,
          evaluation.name,
          evaluation.alert.action,
          `${evaluation.name}: ${evaluation.alert.signal} is ${evaluation.detail}`,
          at,
          evaluation.value,
        ),
      );
    } else if (evaluation.status === 'error' && options.onError === 'pause') {
      alerts.push(
        asAlert(
          item.agent,
          stage,
          evaluation.name,
          'pause',
          `${evaluation.name}: the source failed, paused (--on-error pause): ${evaluation.detail}`,
          at,
        ),
      );
    }
  }
  const result = await engine.process(alerts);
  const deliveries = options.dryRun ? [] : await result.notify();
  for (const message of result.warnings) io.err(`warning: ${message}\n`);
  for (const delivery of deliveries.filter((d) => !d.ok)) io.err(`warning: ${deliveryProblemLine(delivery)}\n`);
  const decisions: Decision[] = result.decisions;
  const failedSource = checked.some((c) => c.evaluation.status === 'error');
  const breaching = checked.some((c) => c.evaluation.status === 'breach');
  const failedChange = decisions.some((d) => d.decision === 'failed');
  const code = failedSource || failedChange ? ExitCode.failure : breaching ? ExitCode.findings : ExitCode.ok;
  const report = {
    dryRun: options.dryRun === true,
    at,
    alerts: checked.map((c) => ({
      agent: c.agent,
      manifest: c.manifest,
      alert: c.evaluation.name,
      signal: c.evaluation.alert.signal,
      action: c.evaluation.alert.action,
      status: c.evaluation.status,
      ...(c.evaluation.value !== undefined ? { value: c.evaluation.value } : {}),
      detail: c.evaluation.detail,
      ...(c.evaluation.expr ? { expr: c.evaluation.expr } : {}),
    })),
    decisions,
    ...(result.flags ? { flags: result.flags } : {}),
    ...(result.commits.length > 0 ? { commits: result.commits } : {}),
    notifications: deliveries,
    exitCode: code,
  };
  io.out(
    options.format === 'json'
      ? toJson(report)
      : renderGuardCheckText(checked, decisions, { dryRun: options.dryRun === true, flags: result.flags }),
  );
  return code;
}

function safeEvaluation(evaluation: AlertEvaluation, engine: GuardEngine): AlertEvaluation {
  return { ...evaluation, detail: engine.safe(evaluation.detail) };
}
