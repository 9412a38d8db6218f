import { parseDuration } from '../time/duration.js';
import type { AuditEntry } from './audit.js';

/**
 * The start of an `--since` period: a duration back from now (`7d`, `12h`, `1h30m`) or an
 * RFC 3339 date or time (`2026-11-01`, `2026-11-01T09:00:00Z`). Undefined when it is neither. Pure.
 */
export function sinceTime(text: string, now: number): number | undefined {
  const duration = parseDuration(text);
  if (duration !== undefined) return now - duration;
  if (!/^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:\d{2})?)?$/.test(text)) return undefined;
  const time = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  return Number.isNaN(time) ? undefined : time;
}

export interface AuditQuery {
  /** Only entries at or after this time (epoch ms). */
  since?: number;
  /** Only entries with one of these actions. */
  actions?: readonly string[];
}

/** The entries a query selects, newest first. An entry whose `at` is not a date passes a time filter only when there is none. Pure. */
export function selectEntries(entries: readonly AuditEntry[], query: AuditQuery): AuditEntry[] {
  return entries
    .filter((entry) => query.since === undefined || Date.parse(entry.at) >= query.since)
    .filter((entry) => !query.actions || query.actions.length === 0 || query.actions.includes(entry.action))
    .reverse();
}
