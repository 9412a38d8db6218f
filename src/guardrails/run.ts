import type { AgentAnswer } from './agent.js';
import type { Decision, GuardrailCase } from './cases.js';

/** One attempt's result: a case is asked `repeat` times, each an attempt. */
export interface CaseResult {
  id: string;
  /** Which attempt of the case, 1-based, and of how many. */
  attempt: number;
  of: number;
  category: string;
  input: string;
  expected: Decision;
  /** The agent's decision; null when there was none (a crash, a timeout, garbage). */
  got: Decision | null;
  passed: boolean;
  /** The agent's reason, or why there was no decision. */
  reason: string;
  durationMs: number;
}

/** Judges one answer. An error or a timeout is a failed attempt, never a pass. Pure. */
export function judgeCase(testCase: GuardrailCase, answer: AgentAnswer, attempt = 1): CaseResult {
  const got = answer.decision ?? null;
  return {
    id: testCase.id,
    attempt,
    of: testCase.repeat,
    category: testCase.category,
    input: testCase.input,
    expected: testCase.expect,
    got,
    passed: got === testCase.expect && answer.error === undefined,
    reason: answer.error ?? answer.reason ?? '',
    durationMs: answer.durationMs,
  };
}

/**
 * Runs every attempt of every case (`repeat` each) with at most `concurrency` at once; results
 * come back in the cases' order, attempts in order. One attempt's failure (a crash, a hang) is
 * that attempt's result; the run goes on.
 */
export async function runCases(
  cases: readonly GuardrailCase[],
  ask: (testCase: GuardrailCase) => Promise<AgentAnswer>,
  options: { concurrency: number; signal: AbortSignal; onResult?: (result: CaseResult) => void },
): Promise<CaseResult[]> {
  const attempts = cases.flatMap((testCase) => Array.from({ length: testCase.repeat }, (_, i) => ({ testCase, attempt: i + 1 })));
  const results: CaseResult[] = new Array<CaseResult>(attempts.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < attempts.length && !options.signal.aborted) {
      const index = next++;
      const { testCase, attempt } = attempts[index] as (typeof attempts)[number];
      const result = judgeCase(testCase, await ask(testCase), attempt);
      results[index] = result;
      options.onResult?.(result);
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(options.concurrency, attempts.length)) }, worker);
  await Promise.all(workers);
  return results.filter((r): r is CaseResult => r !== undefined);
}

/** How many attempts the cases ask for in all. */
export function attemptCount(cases: readonly GuardrailCase[]): number {
  return cases.reduce((sum, testCase) => sum + testCase.repeat, 0);
}
