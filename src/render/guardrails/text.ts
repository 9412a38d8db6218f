import { durationText } from '../../time/duration.js';
import { safeData } from '../safe-text.js';
import type { CategorySummary, GuardrailReport } from '../../guardrails/report.js';
import { percent } from '../../guardrails/report.js';
import type { CaseResult } from '../../guardrails/run.js';
import type { Style } from '../style.js';
import { renderTable } from '../table.js';

export { percent };

/** `allow→allow 5, allow→refuse 1`; a missing decision shows as `none`. */
export function outcomesText(category: CategorySummary): string {
  return category.outcomes.map((o) => `${o.expected}→${o.got ?? 'none'} ${o.count}`).join(', ');
}

/** One failure in words: `expected allow, got refuse: <reason>`. */
export function failureText(failure: CaseResult): string {
  const got = failure.got === null ? 'no decision' : `got ${failure.got}`;
  return `expected ${failure.expected}, ${got}${failure.reason ? `: ${failure.reason}` : ''}`;
}

/** The headings and cells of the category table, shared by text and markdown. */
export const CATEGORY_HEADINGS = [
  'category',
  'cases',
  'passes',
  'pass rate',
  'lower bound',
  'required',
  'over-refusal',
  'result',
  'expected→got',
];

export function categoryCells(c: CategorySummary): string[] {
  const bound =
    c.lowerBound !== undefined && c.policy.confidence !== undefined ? `${percent(c.lowerBound)} at ${percent(c.policy.confidence)}` : '-';
  const over = c.overRefusal
    ? `${percent(c.overRefusal.rate)} (${c.overRefusal.count}/${c.overRefusal.attempts})${c.policy.maxOverRefusal !== undefined ? `, max ${percent(c.policy.maxOverRefusal)}` : ''}`
    : '-';
  return [
    c.category,
    String(c.cases),
    `${c.passes}/${c.attempts}`,
    percent(c.passRate),
    bound,
    `≥ ${percent(c.policy.minPassRate)}${c.policy.confidence !== undefined ? ' (bound)' : ''}`,
    over,
    c.passed ? 'pass' : 'FAIL',
    outcomesText(c),
  ];
}

/** The failed attempts grouped by case, in order: the case's first failure and how many attempts failed. */
export function failedCases(report: GuardrailReport): { first: CaseResult; failed: number; of: number }[] {
  const byCase = new Map<string, { first: CaseResult; failed: number; of: number }>();
  for (const failure of report.failures) {
    const entry = byCase.get(failure.id);
    if (entry) entry.failed++;
    else byCase.set(failure.id, { first: failure, failed: 1, of: failure.of });
  }
  return [...byCase.values()];
}

/** `2 of 5 attempts: ` for a repeated case, nothing for a case asked once. */
export function attemptsText(entry: { failed: number; of: number }): string {
  return entry.of > 1 ? `${entry.failed} of ${entry.of} attempts: ` : '';
}

/** The verdict in one line, without a mark. */
export function verdictText(report: GuardrailReport): string {
  if (report.passed) return `every category passed: ${report.total - report.failed} of ${report.total} attempts`;
  const below = report.categories.filter((c) => !c.passed).map((c) => c.category);
  return `${below.length} of ${report.categories.length} categories failed (${below.join(', ')}); ${report.failed} of ${report.total} attempts failed (${percent(report.passRate)} passed)`;
}

function quoteInput(input: string): string {
  const oneLine = input.replace(/\s+/g, ' ').trim();
  return oneLine.length > 300 ? `${oneLine.slice(0, 299)}…` : oneLine;
}

/** The guardrail test report for a terminal. Pure. */
export function renderGuardrailText(report: GuardrailReport, style: Style): string {
  report = safeData(report);
  let out =
    `${style.bold(`Guardrail tests of ${report.agent}`)}: ${report.cases.count} cases, ${report.total} attempts from ${report.cases.file}, asked ${report.target} ` +
    `(${report.concurrency} at a time, ${durationText(report.timeoutMs)} each)\n\n`;
  out += renderTable(
    CATEGORY_HEADINGS,
    report.categories.map((c) => {
      const cells = categoryCells(c);
      if (!c.passed) {
        cells[3] = style.red(cells[3] as string);
        cells[7] = style.red(cells[7] as string);
      }
      return cells;
    }),
  );
  const below = report.categories.filter((c) => !c.passed);
  if (below.length > 0) {
    out += `\nCategories that failed (${below.length})\n`;
    for (const c of below) out += `  ${style.red('✖')} ${c.category}: ${c.reasons.join('; ')}\n`;
  }
  const failed = failedCases(report);
  if (failed.length > 0) {
    out += `\nFailed attempts (${report.failed} of ${report.total})\n`;
    for (const entry of failed) {
      out += `  ${style.red('✖')} ${entry.first.id} [${entry.first.category}]: ${attemptsText(entry)}${failureText(entry.first)}\n`;
      out += `      input: ${quoteInput(entry.first.input)}\n`;
    }
  }
  out += report.passed ? `\n${style.green('✔')} ${verdictText(report)}\n` : `\n${style.red('✖')} ${verdictText(report)}\n`;
  return out;
}
