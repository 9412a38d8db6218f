import type { SignalsCheckRecord } from '../../plan/history.js';
import { formatTime } from '../../time/timestamp.js';

/** The last recorded signals check in one line, for plan and status: `ok at 2026-... by alice (seq 7)`. */
export function lastSignalsCheckText(check: SignalsCheckRecord | undefined): string {
  if (!check) return 'none recorded (agent-rollout signals check --record)';
  const what =
    check.outcome === 'missing'
      ? `no data for ${check.missing.join(', ')}`
      : check.outcome === 'failed'
        ? `source failed for ${check.failed.join(', ')}`
        : check.outcome === 'ok'
          ? 'every needed signal returned data'
          : check.outcome;
  return `${what} at ${formatTime(check.at)} by ${check.actor} (seq ${check.seq})`;
}
