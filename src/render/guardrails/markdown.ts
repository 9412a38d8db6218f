import { safeData } from '../safe-text.js';
import { durationText } from '../../time/duration.js';
import type { GuardrailReport } from '../../guardrails/report.js';
import { md, mdCode } from '../markdown.js';
import { renderMarkdownTable } from '../table.js';
import { CATEGORY_HEADINGS, attemptsText, categoryCells, failedCases, failureText, verdictText } from './text.js';
import { formatTime } from '../../time/timestamp.js';

/** The guardrail test report as markdown, for a pull request. Pure. */
export function renderGuardrailMarkdown(report: GuardrailReport): string {
  report = safeData(report);
  const verdict = `${report.passed ? '✅' : '❌'} ${verdictText(report)}`;
  let out = md`# Guardrail tests of ${mdCode(report.agent)}: ${verdict}\n\n`.markdown;
  out +=
    md`Cases ${mdCode(report.cases.file)} (${report.cases.count} cases, sha256 ${mdCode(report.cases.sha256)}), asked ${mdCode(report.target)}, ${report.concurrency} at a time, ${durationText(report.timeoutMs)} each; run by ${report.actor.name} with ${report.tool.name} ${report.tool.version} at ${formatTime(report.at)}. Evidence for guardrails sha256 ${mdCode(report.evidence.guardrailsSha256.slice(0, 12))} and agent sha256 ${mdCode(report.evidence.agentSha256.slice(0, 12))}.\n\n`
      .markdown;
  out += renderMarkdownTable(CATEGORY_HEADINGS, report.categories.map(categoryCells));
  const below = report.categories.filter((c) => !c.passed);
  if (below.length > 0) {
    out += `\n## Categories that failed\n\n`;
    for (const c of below) out += md`- ${c.category}: ${c.reasons.join('; ')}\n`.markdown;
  }
  const failed = failedCases(report);
  if (failed.length > 0) {
    out += `\n## Failed attempts\n\n`;
    out += renderMarkdownTable(
      ['case', 'category', 'result', 'input'],
      failed.map((entry) => [
        mdCode(entry.first.id),
        entry.first.category,
        `${attemptsText(entry)}${failureText(entry.first)}`,
        entry.first.input,
      ]),
    );
  }
  return out;
}
