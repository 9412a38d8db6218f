import { formatDuration } from '../../manifest/duration.js';
import type { GuardrailReport } from '../../guardrails/report.js';
import { renderMarkdownTable } from '../table.js';
import { CATEGORY_HEADINGS, attemptsText, categoryCells, failedCases, failureText, verdictText } from './text.js';

/** The guardrail test report as markdown, for a pull request. Pure. */
export function renderGuardrailMarkdown(report: GuardrailReport): string {
  const verdict = `${report.passed ? '✅' : '❌'} ${verdictText(report)}`;
  let md = `# Guardrail tests of \`${report.agent}\`: ${verdict}\n\n`;
  md +=
    `Cases \`${report.cases.file}\` (${report.cases.count} cases, sha256 \`${report.cases.sha256}\`), asked \`${report.target}\`, ` +
    `${report.concurrency} at a time, ${formatDuration(report.timeoutMs)} each; run by ${report.actor.name} with ${report.tool.name} ${report.tool.version} at ${report.at}. ` +
    `Evidence for guardrails sha256 \`${report.evidence.guardrailsSha256.slice(0, 12)}\` and agent sha256 \`${report.evidence.agentSha256.slice(0, 12)}\`.\n\n`;
  md += renderMarkdownTable(CATEGORY_HEADINGS, report.categories.map(categoryCells));
  const below = report.categories.filter((c) => !c.passed);
  if (below.length > 0) {
    md += `\n## Categories that failed\n\n`;
    for (const c of below) md += `- **${c.category}**: ${c.reasons.join('; ')}\n`;
  }
  const failed = failedCases(report);
  if (failed.length > 0) {
    md += `\n## Failed attempts\n\n`;
    md += renderMarkdownTable(
      ['case', 'category', 'result', 'input'],
      failed.map((entry) => [
        `\`${entry.first.id}\``,
        entry.first.category,
        `${attemptsText(entry)}${failureText(entry.first)}`,
        entry.first.input,
      ]),
    );
  }
  return md;
}
