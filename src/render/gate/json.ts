import type { RecordedInputs } from '../../gate/inputs.js';
import type { CheckResult, GateReport } from '../../gate/types.js';
import { verdictExitCode } from '../../gate/evaluate.js';
import { windowText } from '../../time/duration.js';
import { toJson } from '../format.js';
import type { Delivery } from '../../notify/deliver.js';
import { notificationsField } from '../notifications.js';

function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

function checkJson(check: CheckResult): Record<string, unknown> {
  return {
    id: check.id,
    status: check.status,
    outcome: check.outcome,
    observed: check.observed,
    expected: check.expected,
    reason: check.reason,
    ...(check.hint ? { hint: check.hint } : {}),
    ...(check.nextPassAt !== undefined ? { nextPassAt: iso(check.nextPassAt) } : {}),
  };
}

/** The gate as a plain object: DESIGN.md's verdict, stage and criteria[], with prerequisites and inputs. */
export function gateReportObject(report: GateReport, inputs: RecordedInputs): Record<string, unknown> {
  return {
    verdict: report.verdict,
    exitCode: verdictExitCode(report.verdict),
    summary: report.summary,
    stage: report.stage,
    nextStage: report.nextStage ?? null,
    window: {
      start: iso(report.window.startMs),
      end: iso(report.window.endMs),
      length: windowText(report.window.endMs - report.window.startMs),
      basis: report.window.basis,
    },
    stageEnteredAt: report.stageEntry ? { at: iso(report.stageEntry.atMs), from: report.stageEntry.from } : null,
    criteria: report.criteria.map((c) => ({
      ...checkJson(c),
      kind: c.kind,
      ...(c.signal ? { signal: c.signal } : {}),
      observe: c.observe,
      ...(c.source ? { source: c.source } : {}),
      ...(c.samples !== undefined ? { samples: c.samples } : {}),
    })),
    prerequisites: report.prerequisites.map((p) => ({ ...checkJson(p), ...(p.details ? { details: p.details } : {}) })),
    notBefore: iso(report.notBefore) ?? null,
    next: report.next,
    inputs,
  };
}

/** `gate --format json`; with `--record`, the notification sinks told of a no-go or inconclusive verdict. */
export function renderGateJson(report: GateReport, inputs: RecordedInputs, notifications?: readonly Delivery[]): string {
  return toJson({ ...gateReportObject(report, inputs), ...notificationsField(notifications) });
}
