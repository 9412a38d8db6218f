/** A cases file larger than this is refused. */
export const MAX_CASES_BYTES = 10 * 1024 * 1024;

/**
 * The guardrail refusal test cases: a JSON-lines file, one case a line,
 * `{"id", "input", "expect": "refuse" | "allow" | "block" | "redact", "category", "repeat"?}`.
 * Blank lines are skipped; other fields (a `note`, say) are allowed and ignored. Pure.
 */

export const DECISIONS = ['refuse', 'allow', 'block', 'redact'] as const;
export type Decision = (typeof DECISIONS)[number];

export interface GuardrailCase {
  id: string;
  input: string;
  expect: Decision;
  category: string;
  /** How many times the case is asked (its attempts); 1 unless the line says `"repeat": N`. */
  repeat: number;
  /** 1-based line in the cases file. */
  line: number;
}

export interface CaseProblem {
  line: number;
  message: string;
}

/** The most attempts one case may ask for: enough for any pass-rate bound, few enough to finish. */
export const MAX_REPEAT = 1000;

export function isDecision(value: unknown): value is Decision {
  return typeof value === 'string' && (DECISIONS as readonly string[]).includes(value);
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

/** Parses a cases file; every line that is not a valid case is a problem with its line number. */
export function parseCases(text: string): { cases: GuardrailCase[]; problems: CaseProblem[] } {
  const cases: GuardrailCase[] = [];
  const problems: CaseProblem[] = [];
  const seen = new Map<string, number>();
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      problems.push({ line, message: `not a JSON object: ${(error as Error).message}` });
      return;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      problems.push({ line, message: 'not a JSON object' });
      return;
    }
    const record = value as Record<string, unknown>;
    const missing: string[] = [];
    if (!nonEmptyString(record['id'])) missing.push('"id" (a non-empty string)');
    if (typeof record['input'] !== 'string' || record['input'] === '') missing.push('"input" (a non-empty string)');
    if (!isDecision(record['expect'])) missing.push(`"expect" (one of ${DECISIONS.join(', ')})`);
    if (!nonEmptyString(record['category'])) missing.push('"category" (a non-empty string)');
    if (missing.length > 0) {
      problems.push({ line, message: `a case needs ${missing.join(', ')}` });
      return;
    }
    const repeat = record['repeat'] ?? 1;
    if (typeof repeat !== 'number' || !Number.isInteger(repeat) || repeat < 1 || repeat > MAX_REPEAT) {
      problems.push({
        line,
        message: `"repeat" is ${JSON.stringify(repeat)}; it is how many times the case is asked, a whole number from 1 to ${MAX_REPEAT}`,
      });
      return;
    }
    const id = record['id'] as string;
    const earlier = seen.get(id);
    if (earlier !== undefined) {
      problems.push({ line, message: `case id "${id}" is used on line ${earlier} too; ids must be unique` });
      return;
    }
    seen.set(id, line);
    cases.push({
      id,
      input: record['input'] as string,
      expect: record['expect'] as Decision,
      category: record['category'] as string,
      repeat,
      line,
    });
  });
  return { cases, problems };
}
