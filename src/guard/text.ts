import { createRedactor } from '../manifest/redactor.js';
import { findSecret } from '../manifest/secrets.js';
import { safeText } from '../render/safe-text.js';

/**
 * Every string the guard logs, answers or notifies came from Alertmanager, a manifest, a metric
 * source or git, so it is hostile. It goes through the project's two choke points: the redactor
 * (src/manifest/redactor.ts: every known secret value in its encodings, and every token shape)
 * and the terminal-text neutraliser (src/render/safe-text.ts: controls, escape sequences and
 * bidirectional or invisible characters shown as `\uXXXX`). A literal secret the detector knows
 * and no manifest named (a token pasted into an alert's summary) is redacted too.
 */
export function guardText(text: string, secrets: readonly string[] = [], options: { multiline?: boolean } = {}): string {
  let redacted = createRedactor(secrets).text(String(text));
  for (let i = 0; i < 20; i++) {
    const found = findSecret(redacted);
    if (!found) break;
    redacted = `${redacted.slice(0, found.start)}[REDACTED]${redacted.slice(found.end)}`;
  }
  return safeText(redacted, { lines: options.multiline === true });
}
