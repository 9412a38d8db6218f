import { findSecret } from './secrets.js';

const MAX_SHOWN = 60;

/**
 * A value as a message shows it: JSON, cut to a readable length, and never a secret
 * (a string that looks like one is described, not shown).
 */
export function describeValue(value: unknown, key?: string): string {
  if (typeof value === 'string' && findSecret(value, key) !== undefined) return 'a value that looks like a secret (not shown)';
  if (value !== null && typeof value === 'object') return Array.isArray(value) ? 'a list' : 'an object';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text;
}
