import { formatElapsed } from '../../time/duration.js';
import { safeData } from '../safe-text.js';
import type { AuditEntry } from '../../state/audit.js';
import { fieldChanges } from '../../state/field-changes.js';

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? '?');
}

function stageOf(state: unknown): string {
  return str(record(state)['stage']);
}

/** The flags an entry's details raise (forced, emergency), for a note after the description. */
function flags(details: Record<string, unknown>): string {
  const raised = ['forced', 'emergency', 'interrupted'].filter((flag) => details[flag] === true);
  return raised.length > 0 ? ` [${raised.join(', ')}]` : '';
}

/** The generic form: the first changed values, without the `state.` prefix. */
function changedValues(entry: AuditEntry): string {
  const changes = fieldChanges(entry.before, entry.after);
  const shown = changes
    .slice(0, 2)
    .map(
      (c) =>
        `${c.path.replace(/^state\./, '')} ${c.before === undefined ? '(none)' : JSON.stringify(c.before)} → ${c.after === undefined ? '(none)' : JSON.stringify(c.after)}`,
    );
  return shown.join('; ') + (changes.length > 2 ? `; +${changes.length - 2} more` : '');
}

/** One line saying what an entry did, in the rollout's words: `stage a → b (gate go)`, `drill passed in 4m2s`. */
export function describeEntry(entry: AuditEntry): string {
  entry = safeData(entry);
  const details = record(entry.details);
  const note = flags(details);
  switch (entry.action) {
    case 'pause':
      return `paused${note}`;
    case 'resume':
      return `resumed${note}`;
    case 'enable':
      return `kill switch off: agent enabled${note}`;
    case 'disable':
      return `kill switch on: agent disabled${note}`;
    case 'rollback':
      return `stage ${stageOf(entry.before)} → ${stageOf(entry.after)}${note}`;
    case 'advance': {
      const verdict = record(details['gate'])['verdict'];
      return `stage ${stageOf(entry.before)} → ${stageOf(entry.after)}${verdict === undefined ? '' : ` (gate ${str(verdict)})`}${note}`;
    }
    case 'mode':
      return `governance mode → ${str(record(entry.after)['governanceMode'])}${note}`;
    case 'org': {
      const org = str(details['org']);
      const change = details['change'];
      if (change === 'clear') return `org ${org}: overrides cleared${note}`;
      if (change === 'mode') return `org ${org}: mode → ${str(details['mode'])}${note}`;
      if (change === 'enable' || change === 'disable') return `org ${org}: ${change}d${note}`;
      return `org ${org}: ${changedValues(entry)}${note}`;
    }
    case 'init':
      return `initialised at stage ${stageOf(entry.after)}`;
    case 'gate':
      return `gate ${str(details['stage'])}: ${str(details['verdict'])}`;
    case 'drill': {
      const passed = details['passed'] === true ? 'passed' : details['passed'] === false ? 'failed' : 'ran';
      const took = typeof details['durationMs'] === 'number' ? ` in ${formatElapsed(details['durationMs'])}` : '';
      return `drill ${passed}${took}${note}`;
    }
    case 'guardrails': {
      const passed = details['passed'] === true ? 'passed' : details['passed'] === false ? 'failed' : 'ran';
      const counts = typeof details['total'] === 'number' ? ` (${String(details['failed'] ?? 0)} of ${details['total']} failed)` : '';
      return `guardrail tests ${passed}${counts}`;
    }
    case 'signals-check': {
      const names = (key: string): string => (Array.isArray(details[key]) ? (details[key] as unknown[]).map(String).join(', ') : '');
      const outcome = str(details['outcome']);
      const what =
        outcome === 'missing' ? `no data for ${names('missing')}` : outcome === 'failed' ? `source failed for ${names('failed')}` : outcome;
      return `signals check ${str(details['stage'])}: ${what}`;
    }
    default:
      return entry.after !== null && entry.after !== undefined ? changedValues(entry) + note : note.trim();
  }
}
