import { windowText } from '../time/duration.js';
import { isoSeconds } from '../time/timestamp.js';

/** A template of a signal that cannot be filled: an unknown placeholder, a body that is not JSON. One line, naming the signal. */
export class TemplateError extends Error {
  override name = 'TemplateError';
}

/** The placeholders an http signal's path and body may hold, and what each becomes. */
export const PLACEHOLDERS = ['window', 'start', 'end', 'startEpoch', 'endEpoch', 'startMs', 'endMs'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** The values of the placeholders for a window: `7d`, RFC 3339 times, seconds and milliseconds since the epoch. */
export function placeholderValues(window: { startMs: number; endMs: number }): Record<Placeholder, string> {
  return {
    window: windowText(window.endMs - window.startMs),
    start: isoSeconds(new Date(window.startMs)),
    end: isoSeconds(new Date(window.endMs)),
    startEpoch: String(Math.floor(window.startMs / 1000)),
    endEpoch: String(Math.floor(window.endMs / 1000)),
    startMs: String(Math.floor(window.startMs)),
    endMs: String(Math.floor(window.endMs)),
  };
}

/** `$name` or `${name}`; `$$` is a literal `$`. */
const TOKEN = /\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/**
 * A template with its placeholders replaced, each value passed through `encode` (URL-encoding in
 * a path, JSON-escaping in a body). A `$name` that is not a placeholder is a TemplateError naming
 * it and the ones there are: a typo must never reach the API as literal text.
 */
export function fillPlaceholders(
  template: string,
  values: Record<Placeholder, string>,
  encode: (value: string) => string,
  where: string,
): string {
  return template.replace(TOKEN, (token, braced: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare;
    if (name === undefined) return '$';
    if (!(PLACEHOLDERS as readonly string[]).includes(name))
      throw new TemplateError(
        `${where} has the placeholder ${token}, which does not exist; the placeholders are ${PLACEHOLDERS.map((p) => `$${p}`).join(', ')} ($$ for a literal $)`,
      );
    return encode(values[name as Placeholder]);
  });
}

/** A value inside a JSON string: escaped as JSON writes it, without the quotes. */
export function jsonEscaped(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

const NUMERIC: readonly Placeholder[] = ['startEpoch', 'endEpoch', 'startMs', 'endMs'];
const WHOLE_PLACEHOLDER = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$/;

/** An object body with its placeholders replaced: a string that is one numeric placeholder alone becomes that number. */
function fillValue(value: unknown, values: Record<Placeholder, string>, where: string): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE_PLACEHOLDER.exec(value);
    const name = whole?.[1] ?? whole?.[2];
    if (name !== undefined && (NUMERIC as readonly string[]).includes(name)) return Number(values[name as Placeholder]);
    return fillPlaceholders(value, values, (v) => v, where);
  }
  if (Array.isArray(value)) return value.map((item) => fillValue(item, values, where));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fillValue(item, values, where)]));
  return value;
}

/**
 * The request body of a POST signal. An object: its strings' placeholders replaced, and a string
 * that is `$startMs` (or another numeric placeholder) alone becomes that number. A string: a
 * template whose placeholders are JSON-escaped, which must be JSON after that. Throws a
 * TemplateError naming the signal otherwise.
 */
export function requestBody(body: string | Record<string, unknown>, values: Record<Placeholder, string>, signal: string): string {
  const where = `the body of signal ${signal}`;
  if (typeof body !== 'string') return JSON.stringify(fillValue(body, values, where));
  const text = fillPlaceholders(body, values, jsonEscaped, where);
  try {
    JSON.parse(text);
  } catch (error) {
    throw new TemplateError(
      `the body of signal ${signal} is not JSON after its placeholders are replaced (${(error as Error).message}); a placeholder belongs inside a JSON string or where a number goes`,
    );
  }
  return text;
}
