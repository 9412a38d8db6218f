import { safeText } from './safe-text.js';

/**
 * The one HTML escaper. HTML output (the board, `status --format html`) holds text from outside:
 * a manifest's names, descriptions, owners and stage ids, the audit trail's actors and reasons.
 * None of it may open an element, an attribute, a comment or an entity: `<script>` and
 * `<img onerror=…>` in an agent's name must render as those characters.
 *
 * The rule, as in src/render/markdown.ts: a plain `string` is text and is escaped; only an `Html`
 * value (made here, by `html` or `htmlRaw` for the renderer's own literals) is markup. So a
 * renderer writes html`<td class="agent">${agent.name}</td>` and every interpolated string is
 * made inert, in element content and in a quoted attribute value alike.
 */
export interface Html {
  readonly html: string;
}

const isHtml = (value: unknown): value is Html =>
  typeof value === 'object' && value !== null && typeof (value as { html?: unknown }).html === 'string';

/** The renderer's own markup, taken as it is. Never pass outside text. */
export function htmlRaw(markup: string): Html {
  return { html: markup };
}

const ENTITY: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/**
 * Outside text as inert HTML text, safe in element content and in a double- or single-quoted
 * attribute value: controls, bidirectional and invisible characters shown escaped (`safeText`),
 * then `& < > " ' \`` as entities.
 */
export function escapeHtml(text: string): string {
  return safeText(text).replace(/[&<>"'`]/g, (c) => ENTITY[c] ?? c);
}

type HtmlValue = Html | string | number | boolean | readonly Html[];

function htmlOf(value: HtmlValue): string {
  if (isHtml(value)) return value.html;
  if (Array.isArray(value)) return (value as readonly Html[]).map((item) => (isHtml(item) ? item.html : escapeHtml(String(item)))).join('');
  return escapeHtml(String(value));
}

/** A template of the renderer's markup: every interpolated string or number is escaped, `Html` values (and lists of them) kept. */
export function html(literals: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = literals[0] ?? '';
  values.forEach((value, i) => {
    out += htmlOf(value) + (literals[i + 1] ?? '');
  });
  return { html: out };
}
