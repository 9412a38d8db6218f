import { createRedactor } from '../manifest/redactor.js';

export { secretValues, secretVariableNames } from '../manifest/redactor.js';

/** How much of a command's output a record keeps. */
export const MAX_OUTPUT_CHARS = 4000;

/** Every string inside a JSON-like value with the secrets (and any token shape) replaced by [REDACTED]. */
export function redactDeep<T>(value: T, secrets: readonly string[]): T {
  return createRedactor(secrets).deep(value);
}

/**
 * A command's output as a record keeps it: secrets redacted first (so a cut can never leave half
 * a secret), outer whitespace trimmed, and at most MAX_OUTPUT_CHARS, keeping the start and the
 * end (where errors are) with a marker saying how much was cut.
 */
export function recordOutput(text: string, secrets: readonly string[], max = MAX_OUTPUT_CHARS): string {
  const clean = createRedactor(secrets).text(text).trim();
  if (clean.length <= max) return clean;
  const head = Math.floor(max / 4);
  const tail = max - head;
  const cut = clean.length - head - tail;
  return `${clean.slice(0, head)}\n… [${cut} characters cut] …\n${clean.slice(clean.length - tail)}`;
}
