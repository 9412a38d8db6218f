import { safeData } from '../safe-text.js';
import type { AuditEntry } from '../../state/audit.js';
import type { Style } from '../style.js';
import { renderTable } from '../table.js';
import { describeEntry } from './describe.js';
import { formatTime } from '../../time/timestamp.js';

/** `agent-rollout audit`: the data behind the table and the JSON. */
export interface AuditListing {
  manifest: string;
  trail: string;
  exists: boolean;
  /** Entries in the trail, before filtering. */
  total: number;
  /** Problems the chain has (audit verify names them). */
  problems: number;
  filter: { since?: string; actions?: string[] };
  /** Newest first. */
  entries: AuditEntry[];
}

function oneLine(text: string, max = 60): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The trail as a table, newest first: seq, time, actor, action, what it did, why. */
export function renderAuditText(listing: AuditListing, style: Style): string {
  listing = safeData(listing);
  if (!listing.exists || listing.total === 0) return `no audit trail yet: ${listing.trail} has no entries\n`;
  if (listing.entries.length === 0) return `no entry of ${listing.trail} matches (${listing.total} in all)\n`;
  const rows = listing.entries.map((entry) => [
    String(entry.seq),
    formatTime(entry.at),
    entry.actor,
    entry.action,
    describeEntry(entry),
    entry.reason === null ? style.dim('-') : oneLine(entry.reason),
  ]);
  const shown = listing.entries.length === listing.total ? `${listing.total}` : `${listing.entries.length} of ${listing.total}`;
  return `${renderTable(['SEQ', 'AT', 'ACTOR', 'ACTION', 'WHAT', 'REASON'], rows)}${style.dim(`${shown} entries, newest first (${listing.trail})`)}\n`;
}
