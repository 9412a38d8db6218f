import { formatDuration } from '../../time/duration.js';
import { safeData } from '../safe-text.js';
import type { CategorySummary, GuardrailReport } from '../../guardrails/report.js';
import type { CaseResult } from '../../guardrails/run.js';
import type { Style } from '../style.js';
import { renderTable } from '../table.js';

/** `allow→allow 5, allow→refuse 1`; a missing decision shows as `none`. */
export function outcomesText(category: CategorySummary): string {
  return category.outcomes.map((o) => `${o.expected}→${o.got ?? 'none'} ${o.count}`).join(', ');
}

export function percent(rate: number): string {
  return `${Math.floor(rate * 1000) / 10}%`.replace('.0%', '%');
}

/** One failure in words: `expected allow, got refuse: <reason>`. */
export function failureText(failure: CaseResult): string {
  const got = failure.got === null ? 'no decision' : `got ${failure.got}`;
  return `expected ${failure.expected}, ${got}${failure.reason ? `: ${failure.reason}` : ''}`;
}

function quoteInput(input: string): string {
  const oneLine = input.replace(/\s+/g, ' ').trim();
  return oneLine.length > 300 ? `${oneLine.slice(0, 299)}…` : oneLine;
}

/** The guardrail test report for a terminal. Pure. */
export function renderGuardrailText(report: GuardrailReport, style: Style): string {
  report = safeData(report);
  let out =
    `${style.bold(`Guardrail tests of ${report.agent}`)}: ${report.total} cases from ${report.cases.file}, asked ${report.target} ` +
    `(${report.concurrency} at a time, ${formatDuration(report.timeoutMs)} each)\n\n`;
  out += renderTable(
    ['category', 'cases', 'passed', 'pass rate', 'expected→got'],
    report.categories.map((c) => [
      c.category,
      String(c.total),
      String(c.passed),
      c.failed > 0 ? style.red(percent(c.passRate)) : percent(c.passRate),
      outcomesText(c),
    ]),
  );
  if (report.failures.length > 0) {
    out += `\nFailures (${report.failures.length})\n`;
    for (const failure of report.failures) {
      out += `  ${style.red('✖')} ${failure.id} [${failure.category}]: ${failureText(failure)}\n`;
      out += `      input: ${quoteInput(failure.input)}\n`;
    }
  }
  out += report.passed
    ? `\n${style.green('✔')} all ${report.total} cases passed\n`
    : `\n${style.red('✖')} ${report.failed} of ${report.total} cases failed (${percent(report.passRate)} passed)\n`;
  return out;
}
