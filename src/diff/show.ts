import { findSecret } from '../manifest/secrets.js';
import type { SecretMatch } from '../manifest/secrets.js';

/** The longest value shown inline in a change line. */
const MAX_SHOWN = 80;
const PLAIN = /^[A-Za-z0-9_.:@/*+#$%-]+$/;

/** findSecret, remembered: a diff checks the same short strings (kinds, access levels, owners) over and over. */
const seen = new Map<string, SecretMatch | null>();

function secretIn(text: string, key: string | undefined): SecretMatch | undefined {
  const id = `${key ?? ''}\u0000${text}`;
  let match = seen.get(id);
  if (match === undefined) {
    if (seen.size > 100_000) seen.clear();
    match = findSecret(text, key) ?? null;
    seen.set(id, match);
  }
  return match ?? undefined;
}

/** What stands in for a string that looks like a secret, in output of every format. */
export function secretPlaceholder(description: string): string {
  return `[${description}: not shown]`;
}

/**
 * A deep copy of a JSON value with every string (and property name) that looks like a secret
 * replaced by a placeholder, so no output format can print it. `found` counts the replacements.
 */
export function redact(value: unknown, key?: string): { value: unknown; found: number } {
  let found = 0;
  const visit = (item: unknown, name: string | undefined): unknown => {
    if (typeof item === 'string') {
      const match = secretIn(item, name);
      if (match === undefined) return item;
      found++;
      return secretPlaceholder(match.description);
    }
    if (Array.isArray(item)) return item.map((element) => visit(element, name));
    if (item !== null && typeof item === 'object') {
      const out: Record<string, unknown> = {};
      let hidden = 0;
      for (const [property, element] of Object.entries(item)) {
        const keyMatch = secretIn(property, undefined);
        if (keyMatch !== undefined) found++;
        const shownKey = keyMatch === undefined ? property : `[property name ${++hidden}: ${keyMatch.description}, not shown]`;
        out[shownKey] = visit(element, property);
      }
      return out;
    }
    return item;
  };
  const result = visit(value, key);
  return { value: result, found };
}

function cut(text: string, max = MAX_SHOWN): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A name (an id, an org, a signal) as output shows it: never a secret, never a whole paragraph. */
export function showName(name: string): string {
  const match = secretIn(name, undefined);
  if (match !== undefined) return secretPlaceholder(match.description);
  return cut(name.replace(/\s+/g, ' '), 64);
}

/**
 * A value that `redact` has already cleaned, as a change line shows it: plain words bare
 * (`ledger:write`, `10m`), other strings quoted, short lists and objects as compact JSON,
 * everything cut to a readable length.
 */
export function showRedacted(value: unknown, max = MAX_SHOWN): string {
  return cut(fullText(value), max);
}

/** Characters kept on each side of the part of a value that changed. */
const CONTEXT = 20;

/** A value's full text, as `showRedacted` would show it before cutting. */
function fullText(value: unknown): string {
  if (value === undefined) return 'unset';
  if (typeof value === 'string') return PLAIN.test(value) ? value : JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value) && value.every((item) => item === null || typeof item !== 'object')) {
    return `[${value.map((item) => (typeof item === 'string' && PLAIN.test(item) ? item : JSON.stringify(item))).join(', ')}]`;
  }
  return JSON.stringify(value);
}

/**
 * Two texts that differ, each cut to the part that differs with `CONTEXT` characters around it
 * (`…` where something was left out), so a change anywhere in a long value is visible: a `* 0`
 * appended to a long query shows as `…by (le)) * 0"`. Texts that fit are returned whole.
 */
export function elideCommon(before: string, after: string, max = MAX_SHOWN): { before: string; after: string } {
  if (before.length <= max && after.length <= max) return { before, after };
  const a = [...before];
  const b = [...after];
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
  const start = Math.max(0, prefix - CONTEXT);
  const piece = (chars: string[]): string => {
    const end = Math.min(chars.length, chars.length - suffix + CONTEXT);
    let middle = chars.slice(start, end);
    let tail = end < chars.length ? '…' : '';
    // A long differing part: keep its start, which is where it differs.
    if (middle.length > max) {
      middle = middle.slice(0, max - 1);
      tail = '…';
    }
    return `${start > 0 ? '…' : ''}${middle.join('')}${tail}`;
  };
  return { before: piece(a), after: piece(b) };
}

/** Both sides of a changed value as a change line shows them: never a secret, the differing part always in view. */
export function showRedactedPair(before: unknown, after: unknown, max = MAX_SHOWN): { before: string; after: string } {
  if (before === undefined || after === undefined) return { before: showRedacted(before, max), after: showRedacted(after, max) };
  return elideCommon(fullText(before), fullText(after), max);
}

/** Any value as a change line shows it (see showRedacted), never a secret: one that looks like it is described instead. */
export function showValue(value: unknown, key?: string, max = MAX_SHOWN): string {
  return showRedacted(redact(value, key).value, max);
}
