import { safeData } from '../safe-text.js';
import type { TrailVerification } from '../../state/audit-verify.js';
import { describeFieldChange } from '../../state/drift.js';
import type { Style } from '../style.js';
import { formatTime } from '../../time/timestamp.js';

/** `agent-rollout audit verify`'s data: the verification and where it looked. */
export interface VerifyReport extends TrailVerification {
  manifest: string;
  trail: string;
}

function list(changes: TrailVerification['gaps'][number]['changes']): string {
  return changes.slice(0, 3).map(describeFieldChange).join('; ') + (changes.length > 3 ? `; and ${changes.length - 3} more` : '');
}

/**
 * What to do about a drift, from inside `audit verify` (AR121's help, which validate prints,
 * sends the reader here).
 */
const DRIFT_HINT =
  'undo the hand edit of the state section (e.g. `git checkout` the manifest), then make the change with its command (pause, resume, enable, disable, rollback, org, mode or advance), which writes the audit entry';

/** What to do about a broken chain. */
const CHAIN_HINT =
  'restore the trail from git (`git checkout` the .audit.jsonl file): an edited or truncated trail cannot be mended by hand';

/** Each finding as `file:line: message`, then a one-line verdict. */
export function renderVerifyText(report: VerifyReport, style: Style): string {
  report = safeData(report);
  if (!report.exists || report.entries + report.problems.length === 0) {
    return `${style.green('✔')} no audit trail yet (${report.trail}): nothing to verify; the first state change starts it\n`;
  }
  const out: string[] = [];
  for (const problem of report.problems)
    out.push(`${style.bold(`${report.trail}:${problem.line}:`)} ${style.red('error')} ${problem.message}`);
  if (report.problems.length > 0) out.push(`  ${style.cyan('hint:')} ${CHAIN_HINT}`);
  for (const gap of report.gaps) {
    out.push(
      `${style.bold(`${report.trail}:${gap.line}:`)} ${style.red('error')} state was changed outside agent-rollout between seq ${gap.previousSeq} and seq ${gap.seq} (${gap.action}): ${list(gap.changes)} (after seq ${gap.previousSeq} → before seq ${gap.seq})`,
    );
  }
  const state = report.state;
  if (state.status === 'drift') {
    out.push(
      `${style.bold(`${report.manifest}:`)} ${style.red('error')} state differs from what the audit trail last recorded (seq ${state.seq}, ${state.action} by ${state.actor} at ${formatTime(state.at)}): ${list(state.changes)} (trail → manifest)`,
    );
    out.push(`  ${style.cyan('hint:')} ${DRIFT_HINT}`);
  }
  const stateNote =
    state.status === 'match'
      ? `the manifest's state is the one seq ${state.seq} recorded`
      : state.status === 'not-recorded'
        ? 'no state change recorded yet, so the state is not compared'
        : state.status === 'no-trail'
          ? 'no entries, so the state is not compared'
          : 'the manifest state does not match';
  if (report.findings === 0) {
    out.push(
      `${style.green('✔')} ${report.trail}: ${report.entries} ${report.entries === 1 ? 'entry' : 'entries'}, chain intact; ${stateNote}`,
    );
  } else {
    if (out.length > 0) out.push('');
    out.push(
      style.red(
        `✖ ${report.findings} ${report.findings === 1 ? 'finding' : 'findings'} in ${report.trail} (${report.entries} entries read)`,
      ),
    );
  }
  return `${out.join('\n')}\n`;
}
