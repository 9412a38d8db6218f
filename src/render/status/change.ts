import { renderTable, tableLines } from '../table.js';
import { plural } from '../../text/plural.js';
import { safeData } from '../safe-text.js';
import type { State } from '../../manifest/types.js';
import type { FieldChange } from '../../state/field-changes.js';
import type { StateAction } from '../../state/transitions.js';
import type { Style } from '../style.js';
import type { Delivery } from '../../notify/deliver.js';

/** What a state command did: the data behind its text and JSON output. */
export interface StateChangeReport {
  manifest: string;
  agent: { id: string; name?: string };
  action: StateAction;
  /** False when the state was already as asked: nothing was written. */
  changed: boolean;
  /** `--dry-run`: `changed` says what would change; nothing was written. */
  dryRun?: boolean;
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

/** One manifest of a change over several: what happened to it. */
export type StateChangeOutcome =
  | ({ outcome: 'changed' | 'would change' | 'nothing to do' } & StateChangeReport)
  | { manifest: string; outcome: 'failed'; error: string; hint?: string };

/** A change over several manifests: each manifest's outcome, in the order given. */
export interface StateChangeSummary {
  /** The action, when any manifest got as far as a transition. */
  action: StateAction | null;
  dryRun: boolean;
  manifests: StateChangeOutcome[];
}

function shown(value: unknown): string {
  return value === undefined ? '(none)' : JSON.stringify(value);
}

/** A state command's result for a person: what changed (before → after) and the audit entry. (The drift warning goes to standard error.) */
export function renderStateChangeText(report: StateChangeReport, style: Style): string {
  report = safeData(report);
  const who = `${report.agent.id} ${style.dim(`(${report.manifest})`)}`;
  if (!report.changed) return `${style.dim('nothing to do:')} ${report.summary}; nothing was written: ${who}\n`;
  const out = [
    report.dryRun
      ? `${style.yellow('dry run, nothing written:')} ${report.agent.id} would change: ${report.summary}`
      : `${style.bold(report.summary)}: ${who}`,
  ];
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

/** A change over several manifests for a person: one line per manifest with its outcome, then the counts. */
export function renderStateChangeSummary(summary: StateChangeSummary, style: Style): string {
  summary = safeData(summary);
  const paint: Record<StateChangeOutcome['outcome'], (text: string) => string> = {
    changed: style.green,
    'would change': style.yellow,
    'nothing to do': style.dim,
    failed: style.red,
  };
  const rows = summary.manifests.map((o) => {
    if (o.outcome === 'failed') return [paint.failed('failed'), '-', o.manifest, `${o.error}${o.hint ? ` (hint: ${o.hint})` : ''}`];
    const audit = o.audit ? `; audit seq ${o.audit.seq} in ${o.audit.file}` : '';
    return [paint[o.outcome](o.outcome), o.agent.id, o.manifest, `${o.summary}${audit}`];
  });
  const counts = (['changed', 'would change', 'nothing to do', 'failed'] as const)
    .map((outcome) => [outcome, summary.manifests.filter((o) => o.outcome === outcome).length] as const)
    .filter(([, n]) => n > 0)
    .map(([outcome, n]) => `${n} ${outcome}`);
  const title = `${summary.action ?? 'change'} over ${plural(summary.manifests.length, 'manifest')}${summary.dryRun ? ' (dry run: nothing written)' : ''}: ${counts.join(', ')}`;
  return `${style.bold(title)}\n${renderTable(['outcome', 'agent', 'manifest', 'what'], rows, { indent: '  ' })}`;
}
