import { safeData } from '../safe-text.js';
import type { RecordedInputs } from '../../gate/inputs.js';
import type { GateReport, Verdict } from '../../gate/types.js';
import { toJson } from '../format.js';
import { mdProse } from '../markdown.js';
import type { Style } from '../style.js';
import type { Delivery } from '../../notify/deliver.js';
import { notificationsField } from '../notifications.js';
import { gateReportObject } from './json.js';

/** What `advance` did after its gate. */
export interface AdvanceOutcome {
  advanced: boolean;
  from: string;
  to: string;
  forced: boolean;
  verdict: Verdict;
  /** The audit entry's seq, when the change was committed. */
  auditSeq?: number;
  /** One line: what happened, or why nothing did. */
  message: string;
}

/** The closing lines of `advance` for a person (after the gate's own text). */
export function renderAdvanceText(outcome: AdvanceOutcome, style: Style): string {
  outcome = safeData(outcome);
  const head = outcome.advanced
    ? outcome.forced
      ? style.yellow.bold('Advanced (forced):')
      : style.green.bold('Advanced:')
    : style.red.bold('Not advanced:');
  return `\n${head} ${outcome.message}\n`;
}

/** `advance --format json`: the gate report plus what advance did, and the notification sinks told of it. */
export function renderAdvanceJson(
  report: GateReport,
  inputs: RecordedInputs,
  outcome: AdvanceOutcome,
  notifications?: readonly Delivery[],
): string {
  return toJson({ ...gateReportObject(report, inputs), advance: outcome, ...notificationsField(notifications) });
}

/** The closing lines of `advance --format markdown`. */
export function renderAdvanceMarkdown(outcome: AdvanceOutcome): string {
  outcome = safeData(outcome);
  const head = outcome.advanced ? (outcome.forced ? '**Advanced (forced):**' : '**Advanced:**') : '**Not advanced:**';
  return `\n${head} ${mdProse(outcome.message).markdown}\n`;
}
