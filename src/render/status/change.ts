import { tableLines } from '../table.js';
import { safeData } from '../safe-text.js';
import type { State } from '../../manifest/types.js';
import type { FieldChange } from '../../state/field-changes.js';
import type { StateAction } from '../../state/transitions.js';
import type { Style } from '../style.js';
import type { Delivery } from '../../notify/deliver.js';

/** What a state command did: the data behind its text and JSON output. */
export interface StateChangeReport {
  manifest: string;
  action: StateAction;
  /** False when the state was already as asked: nothing was written. */
  changed: boolean;
  summary: string;
  /** Each value that changed, before → after. */
  changes: FieldChange[];
  before?: State;
  after?: State;
  /** The audit entry written with the change. */
  audit?: {
    file: string;
    seq: number;
    hash: string;
    at: string;
    actor: string;
    actorSource: string;
    reason: string | null;
    details: Record<string, unknown>;
  };
  /** The state the command found differed from the trail's last entry (a hand edit it now records). */
  driftWarning?: string;
  /** The notification sinks told of the change (manifest `notify`), failed ones with their problem. */
  notifications?: Delivery[];
}

function shown(value: unknown): string {
  return value === undefined ? '(none)' : JSON.stringify(value);
}

/** A state command's result for a person: what changed (before → after) and the audit entry. (The drift warning goes to standard error.) */
export function renderStateChangeText(report: StateChangeReport, style: Style): string {
  report = safeData(report);
  if (!report.changed) return `${style.dim('nothing to do:')} ${report.summary}; nothing was written\n`;
  const out = [style.bold(report.summary)];
  out.push(
    ...tableLines(
      report.changes.map((change) => [change.path, `${shown(change.before)} ${style.dim('→')} ${shown(change.after)}`]),
      { indent: '  ' },
    ),
  );
  const audit = report.audit;
  if (audit) {
    const flags = Object.entries(audit.details)
      .filter(([key, value]) => value === true && key !== 'actorSource')
      .map(([key]) => key);
    const reason = audit.reason === null ? 'no reason given' : `reason ${JSON.stringify(audit.reason)}`;
    out.push(
      `${style.dim('audit:')} seq ${audit.seq} in ${audit.file}, by ${audit.actor} (from ${audit.actorSource}), ${reason}` +
        (flags.length > 0 ? `, ${flags.map((flag) => style.yellow(flag)).join(', ')}` : ''),
    );
  }
  return `${out.join('\n')}\n`;
}
