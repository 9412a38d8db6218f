import { compareDiagnostics, diagnosticAt } from '../manifest/diagnostic.js';
import type { Diagnostic } from '../manifest/diagnostic.js';
import { locate } from '../manifest/json-parse.js';
import type { Locations } from '../manifest/json-parse.js';
import { ruleMeta } from '../manifest/rules/catalog.js';
import type { State } from '../manifest/types.js';
import type { FileValidation } from '../manifest/validate.js';
import type { AuditEntry } from './audit.js';
import { lastStateEntry } from './audit.js';
import type { FieldChange } from './field-changes.js';
import { fieldChanges } from './field-changes.js';
import { formatTime } from '../time/timestamp.js';

/**
 * Whether the manifest's `state` is the state the audit trail last recorded. Every state
 * command writes the new state and an entry whose `after` is that state, so a difference means
 * `state` was changed without a command (a hand edit, a merge that dropped the trail's line).
 */
export type StateDriftCheck =
  /** No trail, or an empty one: nothing to compare with. */
  | { status: 'no-trail' }
  /** The trail holds only recorded results (gate, drill...): no state to compare with. */
  | { status: 'not-recorded' }
  | { status: 'match'; entry: AuditEntry }
  /** `changes` go from the trail's state (before) to the manifest's (after). */
  | { status: 'drift'; entry: AuditEntry; changes: FieldChange[] };

/** Compares the manifest's state with the `after` of the trail's last state-changing entry. Pure. */
export function checkStateDrift(state: State, entries: readonly AuditEntry[]): StateDriftCheck {
  if (entries.length === 0) return { status: 'no-trail' };
  const entry = lastStateEntry(entries);
  if (!entry) return { status: 'not-recorded' };
  const changes = fieldChanges(entry.after, state);
  return changes.length === 0 ? { status: 'match', entry } : { status: 'drift', entry, changes };
}

function shown(value: unknown): string {
  return value === undefined ? '(none)' : JSON.stringify(value);
}

/** `state.enabled false → true`, the trail's value first. */
export function describeFieldChange(change: FieldChange): string {
  return `${change.path} ${shown(change.before)} → ${shown(change.after)}`;
}

/** One sentence for a drift: which entry, and the first few differences. */
export function describeDrift(drift: Extract<StateDriftCheck, { status: 'drift' }>): string {
  const { entry, changes } = drift;
  const listed = changes.slice(0, 3).map(describeFieldChange).join('; ');
  const more = changes.length > 3 ? `; and ${changes.length - 3} more` : '';
  return (
    `state differs from what the audit trail last recorded (seq ${entry.seq}, ${entry.action} by ${entry.actor} at ${formatTime(entry.at)}): ` +
    `${listed}${more} (trail → manifest)`
  );
}

/**
 * validate's AR121 (state-drift) for one manifest, at `/state`; undefined when there is no
 * drift. A warning, an error under --strict. Pure.
 */
export function stateDriftDiagnostic(
  state: State,
  entries: readonly AuditEntry[],
  locations: Locations,
  options: { strict?: boolean } = {},
): Diagnostic | undefined {
  const drift = checkStateDrift(state, entries);
  if (drift.status !== 'drift') return undefined;
  const meta = ruleMeta('AR121');
  return diagnosticAt(locate(locations, '/state').value, {
    rule: meta.id,
    severity: options.strict ? 'error' : meta.severity,
    message: describeDrift(drift),
    hint: meta.help,
    pointer: '/state',
  });
}

/**
 * A validation with AR121 added when the manifest's state drifted from its trail: sorted into
 * place, and (under --strict, where it is an error) the file no longer valid. Pure.
 */
export function withStateDrift(
  validation: FileValidation,
  locations: Locations,
  entries: readonly AuditEntry[],
  options: { strict?: boolean } = {},
): FileValidation {
  if (!validation.manifest) return validation;
  const diagnostic = stateDriftDiagnostic(validation.manifest.state, entries, locations, options);
  if (!diagnostic) return validation;
  const diagnostics = [...validation.diagnostics, diagnostic].sort(compareDiagnostics);
  return { ...validation, diagnostics, valid: validation.valid && diagnostic.severity !== 'error' };
}
