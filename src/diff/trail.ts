import type { AuditEntry, AuditProblem } from '../state/audit.js';
import { lastStateEntry } from '../state/audit.js';
import { sameJson } from '../json/same-json.js';
import { rollbackSha256 } from '../state/rollback-hash.js';
import type { Manifest } from '../manifest/types.js';
import type { Change, Note } from './model.js';
import { formatTime } from '../time/timestamp.js';

/** The audit trail beside HEAD's manifest, as read (the command reads it; the core judges it). */
export interface TrailFacts {
  path: string;
  exists: boolean;
  entries: readonly AuditEntry[];
  problems: readonly AuditProblem[];
}

export interface StateAudit {
  /** HEAD's state is the state the trail's last state-changing entry recorded. */
  audited: boolean;
  /** Why it is not (or which entry matched), in a sentence. */
  reason: string;
}

/**
 * Whether HEAD's `state` is backed by the audit trail: the trail exists, verifies, and its last
 * state-changing entry's `after` equals HEAD's state. Anything else is a hand edit, or cannot be
 * told from one, and counts as unaudited (fail closed).
 */
export function checkStateAudit(headState: unknown, trail: TrailFacts | undefined): StateAudit {
  if (trail === undefined || !trail.exists) {
    return { audited: false, reason: `there is no audit trail${trail ? ` at ${trail.path}` : ''}` };
  }
  const first = trail.problems[0];
  if (first !== undefined) {
    return { audited: false, reason: `the audit trail ${trail.path} does not verify (line ${first.line}: ${first.message})` };
  }
  const last = lastStateEntry(trail.entries);
  if (last === undefined) return { audited: false, reason: `no entry in ${trail.path} records a state` };
  if (!sameJson(last.after, headState)) {
    return {
      audited: false,
      reason: `the last state change in ${trail.path} (seq ${last.seq}, ${last.action}, ${formatTime(last.at)}) recorded a different state`,
    };
  }
  return { audited: true, reason: `recorded by ${trail.path} seq ${last.seq} (${last.action} by ${last.actor}, ${formatTime(last.at)})` };
}

function rollbackHash(document: unknown): string | undefined {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) return undefined;
  const rollback = (document as Record<string, unknown>)['rollback'];
  return rollback === undefined ? undefined : rollbackSha256({ rollback } as Pick<Manifest, 'rollback'>);
}

/** The newest passing drill the trail records. */
function lastPassingDrill(trail: TrailFacts | undefined): AuditEntry | undefined {
  if (!trail) return undefined;
  for (let i = trail.entries.length - 1; i >= 0; i--) {
    const entry = trail.entries[i] as AuditEntry;
    if (entry.action === 'drill' && entry.details?.['passed'] === true) return entry;
  }
  return undefined;
}

/**
 * When the rollback section changed (its rollbackSha256 differs), whether a drill covers the new
 * one: a `drill.passedWithin` criterion accepts only a drill of the section as it is now.
 */
export function drillCoverageNote(base: unknown, head: unknown, trail: TrailFacts | undefined): Note | undefined {
  const before = rollbackHash(base);
  const after = rollbackHash(head);
  if (before === after || after === undefined) return undefined;
  const drill = lastPassingDrill(trail);
  const drilled = drill?.details?.['rollbackSha256'];
  if (drill !== undefined && drilled === after) {
    return {
      level: 'info',
      text: `The rollback section changed; the passing drill of ${formatTime(drill.at)} (audit seq ${drill.seq}) already covers the new section.`,
    };
  }
  const last =
    drill === undefined
      ? 'no passing drill is recorded'
      : drilled === before
        ? `the last passing drill (${formatTime(drill.at)}, audit seq ${drill.seq}) covered the old section only`
        : `the last passing drill (${formatTime(drill.at)}, audit seq ${drill.seq}) covered neither section`;
  return {
    level: 'warning',
    text: `The rollback section changed (rollbackSha256 ${(before ?? 'none').slice(0, 12)} → ${after.slice(0, 12)}): the last drill no longer covers it; ${last}. Run \`agent-rollout drill\` before a gate with a drill criterion.`,
  };
}

/**
 * What the audit trail held at BASE must still be there at HEAD, entry for entry (same hashes, in
 * order): a trail only grows. A HEAD trail that is missing, shorter, or different in any entry
 * BASE recorded means the state history was rewritten, which `audit verify` on HEAD alone cannot
 * see (a deleted trail reads as "no trail yet"). Undefined when BASE had no trail or HEAD extends it.
 */
export function trailHistoryChange(base: TrailFacts | undefined, head: TrailFacts | undefined): Change | undefined {
  if (base === undefined || !base.exists || base.entries.length === 0) return undefined;
  const kept = head?.exists ? head.entries : [];
  const lost = base.entries.findIndex((entry, i) => kept[i]?.hash !== entry.hash);
  if (lost < 0) return undefined;
  const last = base.entries.at(-1) as AuditEntry;
  const from = `${base.entries.length} entries (last seq ${last.seq}, ${last.action} at ${formatTime(last.at)})`;
  const to = head?.exists ? `${kept.length} entries, differing from seq ${(base.entries[lost] as AuditEntry).seq}` : 'no trail';
  return {
    section: 'state',
    subject: 'audit trail',
    field: '',
    path: '',
    kind: head?.exists ? 'changed' : 'removed',
    before: from,
    after: head?.exists ? to : null,
    risk: 'high',
    rule: 'audit-history-rewritten',
    reason: head?.exists
      ? `entries BASE recorded are changed or gone at HEAD (from seq ${(base.entries[lost] as AuditEntry).seq}): the state history was rewritten; a trail only grows`
      : 'the audit trail BASE had is deleted at HEAD: the state history is gone, and nothing at HEAD shows it',
    parts: { label: 'audit trail', op: '→', from, to },
  };
}
