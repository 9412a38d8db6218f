import { formatDuration } from '../../time/duration.js';
import type { GuardrailReport } from '../../guardrails/report.js';
import { renderMarkdownTable } from '../table.js';
import { failureText, outcomesText, percent } from './text.js';

/** The guardrail test report as markdown, for a pull request. Pure. */
export function renderGuardrailMarkdown(report: GuardrailReport): string {
  const verdict = report.passed ? `✅ all ${report.total} cases passed` : `❌ ${report.failed} of ${report.total} cases failed`;
  let md = `# Guardrail tests of \`${report.agent}\`: ${verdict}\n\n`;
  md +=
    `Cases \`${report.cases.file}\` (sha256 \`${report.cases.sha256}\`), asked \`${report.target}\`, ` +
    `${report.concurrency} at a time, ${formatDuration(report.timeoutMs)} each; run by ${report.actor.name} with ${report.tool.name} ${report.tool.version} at ${report.at}.\n\n`;
  md += renderMarkdownTable(
    ['category', 'cases', 'passed', 'pass rate', 'expected→got'],
    report.categories.map((c) => [c.category, String(c.total), String(c.passed), percent(c.passRate), outcomesText(c)]),
  );
  if (report.failures.length > 0) {
    md += `\n## Failures\n\n`;
    md += renderMarkdownTable(
      ['case', 'category', 'result', 'input'],
      report.failures.map((f) => [`\`${f.id}\``, f.category, failureText(f), f.input]),
    );
  }
  return md;
}
