import type { Decision } from './cases.js';
import type { CaseResult } from './run.js';

/** How one category fared. */
export interface CategorySummary {
  category: string;
  total: number;
  passed: number;
  failed: number;
  /** passed / total, 0..1. */
  passRate: number;
  /** Expected vs got, with counts: {expected: "allow", got: "refuse", count: 1}; got null means no decision. */
  outcomes: { expected: Decision; got: Decision | null; count: number }[];
}

/** The report of a guardrail test run. */
export interface GuardrailReport {
  agent: string;
  manifest: string;
  manifestSha256: string;
  cases: { file: string; sha256: string };
  /** How the agent was asked, in words: the command line or `POST <url>`. */
  target: string;
  concurrency: number;
  timeoutMs: number;
  actor: { name: string; source: string };
  tool: { name: string; version: string };
  at: string;
  passed: boolean;
  total: number;
  failed: number;
  passRate: number;
  categories: CategorySummary[];
  /** The failed cases, with their input. */
  failures: CaseResult[];
  results: CaseResult[];
}

export type ReportFacts = Omit<GuardrailReport, 'passed' | 'total' | 'failed' | 'passRate' | 'categories' | 'failures' | 'results'>;

/** Per-category counts, in the order categories first appear in the cases file. Pure. */
export function summarizeCategories(results: readonly CaseResult[]): CategorySummary[] {
  const byCategory = new Map<string, CaseResult[]>();
  for (const result of results) {
    const list = byCategory.get(result.category) ?? [];
    list.push(result);
    byCategory.set(result.category, list);
  }
  return [...byCategory].map(([category, list]) => {
    const outcomes = new Map<string, { expected: Decision; got: Decision | null; count: number }>();
    for (const r of list) {
      const key = `${r.expected}\u0000${r.got ?? ''}`;
      const entry = outcomes.get(key) ?? { expected: r.expected, got: r.got, count: 0 };
      entry.count++;
      outcomes.set(key, entry);
    }
    const passed = list.filter((r) => r.passed).length;
    return {
      category,
      total: list.length,
      passed,
      failed: list.length - passed,
      passRate: passed / list.length,
      outcomes: [...outcomes.values()],
    };
  });
}

/** The whole report. Pure. */
export function buildGuardrailReport(facts: ReportFacts, results: readonly CaseResult[]): GuardrailReport {
  const failures = results.filter((r) => !r.passed);
  return {
    ...facts,
    passed: failures.length === 0 && results.length > 0,
    total: results.length,
    failed: failures.length,
    passRate: results.length === 0 ? 0 : (results.length - failures.length) / results.length,
    categories: summarizeCategories(results),
    failures,
    results: [...results],
  };
}

/** The audit entry's details, exactly the fields the gate reads. */
export function guardrailAuditDetails(report: GuardrailReport): { passed: boolean; casesSha256: string; total: number; failed: number } {
  return { passed: report.passed, casesSha256: report.cases.sha256, total: report.total, failed: report.failed };
}
