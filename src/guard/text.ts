import { findSecret, redactSecrets } from '../manifest/secrets.js';

/**
 * The one function every string the guard logs, answers or notifies goes through: it came from
 * Alertmanager, a manifest, a metric source or git, so it is hostile. C0 and C1 controls
 * (including ESC, so no terminal escape sequence survives), DEL, and the bidirectional and
 * invisible characters that make text read differently from what it is (U+202A–202E,
 * U+2066–2069, U+200B–200F, U+2028/2029, U+FEFF) become `\uXXXX`; then every known secret value
 * (the guard's token, the values of the manifest's env: references) and every literal secret
 * `redactSecrets` recognises is replaced by `[REDACTED]`.
 *
 * One function on purpose: it is replaced by the project's shared terminal-text choke point when
 * that lands.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;
// eslint-disable-next-line no-control-regex -- the same set, with tab and newline
const UNSAFE_LINE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

function escape(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * `text` made safe to print and to keep: controls and invisible characters escaped, secrets
 * redacted. With `multiline`, tab and newline are kept (a log body); otherwise they are escaped
 * too, so one value is one line.
 */
export function guardText(text: string, secrets: readonly string[] = [], options: { multiline?: boolean } = {}): string {
  let redacted = redactSecrets(String(text), secrets);
  // Literal secrets nobody told us about (a token pasted into an alert's summary): one at a time.
  for (let i = 0; i < 20; i++) {
    const found = findSecret(redacted);
    if (!found) break;
    redacted = `${redacted.slice(0, found.start)}[REDACTED]${redacted.slice(found.end)}`;
  }
  return redacted.replace(options.multiline ? UNSAFE : UNSAFE_LINE, escape);
}
