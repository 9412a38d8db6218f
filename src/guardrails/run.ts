import type { AgentAnswer } from './agent.js';
import type { Decision, GuardrailCase } from './cases.js';

/** One case's result. */
export interface CaseResult {
  id: string;
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

/** Judges one answer. Pure. */
export function judgeCase(testCase: GuardrailCase, answer: AgentAnswer): CaseResult {
  const got = answer.decision ?? null;
  return {
    id: testCase.id,
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
 * Runs every case with at most `concurrency` at once; results come back in the cases' order.
 * One case's failure (a crash, a hang) is that case's result; the run goes on.
 */
export async function runCases(
  cases: readonly GuardrailCase[],
  ask: (testCase: GuardrailCase) => Promise<AgentAnswer>,
  options: { concurrency: number; signal: AbortSignal; onResult?: (result: CaseResult) => void },
): Promise<CaseResult[]> {
  const results: CaseResult[] = new Array<CaseResult>(cases.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < cases.length && !options.signal.aborted) {
      const index = next++;
      const testCase = cases[index] as GuardrailCase;
      const result = judgeCase(testCase, await ask(testCase));
      results[index] = result;
      options.onResult?.(result);
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(options.concurrency, cases.length)) }, worker);
  await Promise.all(workers);
  return results.filter((r): r is CaseResult => r !== undefined);
}
