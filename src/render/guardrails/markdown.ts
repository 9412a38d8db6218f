import { formatDuration } from '../../time/duration.js';
import { safeData } from '../safe-text.js';
import type { GuardrailReport } from '../../guardrails/report.js';
import { md, mdCode } from '../markdown.js';
import { renderMarkdownTable } from '../table.js';
import { failureText, outcomesText, percent } from './text.js';

/** The guardrail test report as markdown, for a pull request. Pure. */
export function renderGuardrailMarkdown(report: GuardrailReport): string {
  report = safeData(report);
  const verdict = report.passed ? `✅ all ${report.total} cases passed` : `❌ ${report.failed} of ${report.total} cases failed`;
  let out = md`# Guardrail tests of ${mdCode(report.agent)}: ${verdict}\n\n`.markdown;
  out +=
    md`Cases ${mdCode(report.cases.file)} (sha256 ${mdCode(report.cases.sha256)}), asked ${mdCode(report.target)}, ${report.concurrency} at a time, ${formatDuration(report.timeoutMs)} each; run by ${report.actor.name} with ${report.tool.name} ${report.tool.version} at ${report.at}.\n\n`
      .markdown;
  out += renderMarkdownTable(
    ['category', 'cases', 'passed', 'pass rate', 'expected→got'],
    report.categories.map((c) => [c.category, String(c.total), String(c.passed), percent(c.passRate), outcomesText(c)]),
  );
  if (report.failures.length > 0) {
    out += `\n## Failures\n\n`;
    out += renderMarkdownTable(
      ['case', 'category', 'result', 'input'],
      report.failures.map((f) => [mdCode(f.id), f.category, failureText(f), f.input]),
    );
  }
  return out;
}
