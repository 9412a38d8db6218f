import { safeData } from '../safe-text.js';
import type { BatchResult, Decision } from '../../guard/engine.js';
import type { AlertEvaluation } from '../../guard/evaluate.js';

/** One alert `guard check` evaluated. */
export interface CheckedAlert {
  agent: string;
  manifest: string;
  evaluation: AlertEvaluation;
}

/** `guard check`'s text report: each alert and what it showed, then each decision. Texts are already safe. */
export function renderGuardCheckText(
  checked: readonly CheckedAlert[],
  decisions: readonly Decision[],
  options: { dryRun: boolean; flags?: BatchResult['flags'] },
): string {
  checked = safeData(checked);
  decisions = safeData(decisions);
  const lines: string[] = [];
  if (checked.length === 0) lines.push('no alerts: the manifests declare no metrics.alerts');
  for (const c of checked) {
    lines.push(
      `${c.evaluation.status.padEnd(7)} ${c.agent} ${c.evaluation.name} (${c.evaluation.alert.action}, signal ${c.evaluation.alert.signal}): ${c.evaluation.detail}`,
    );
  }
  if (decisions.length > 0) lines.push('');
  for (const d of decisions) {
    const audit = d.audit ? ` (audit seq ${d.audit.seq})` : '';
    lines.push(`${d.decision}: ${d.action} ${d.agent} (${d.alertname}): ${d.why}${audit}`);
  }
  if (options.flags)
    lines.push(
      options.flags.ok
        ? `flags written: ${options.flags.flags} flags to ${options.flags.path}`
        : `flag export failed: ${options.flags.problem}; the state change stands`,
    );
  if (options.dryRun) lines.push('dry run: nothing was written');
  return `${lines.join('\n')}\n`;
}
