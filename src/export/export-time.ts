import { UsageError } from '../errors.js';
import { isoSeconds } from '../time/timestamp.js';
import { parseTimestamp } from '../time/timestamp-parse.js';

/**
 * The time an export records: `--time` (RFC 3339, or seconds since the epoch), else
 * SOURCE_DATE_EPOCH (https://reproducible-builds.org/specs/source-date-epoch/), else now.
 * Pinning it makes an export byte-for-byte reproducible.
 */
export function exportTime(options: { flag?: string | undefined; env: NodeJS.ProcessEnv; now: Date }): string {
  const { flag, env, now } = options;
  if (flag !== undefined) return iso(parseTime(flag, '--time'));
  const epoch = env['SOURCE_DATE_EPOCH'];
  if (epoch !== undefined && epoch !== '') {
    if (!/^[0-9]+$/.test(epoch))
      throw new UsageError(`SOURCE_DATE_EPOCH is not a number of seconds: ${epoch}`, 'set it to e.g. $(git log -1 --format=%ct)');
    return iso(new Date(Number(epoch) * 1000));
  }
  return iso(now);
}

function parseTime(text: string, name: string): Date {
  const parsed = /T/i.test(text) ? parseTimestamp(text) : undefined;
  const date = /^[0-9]+$/.test(text) ? new Date(Number(text) * 1000) : parsed && 'ms' in parsed ? new Date(parsed.ms) : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) {
    throw new UsageError(
      `${name} is not a time: ${text}`,
      'give an RFC 3339 time such as 2026-11-20T09:00:00Z, or seconds since the epoch',
    );
  }
  return date;
}

/** RFC 3339 in UTC, without milliseconds when they are zero (a pinned time keeps its fraction). */
function iso(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new UsageError('the export time is out of range');
  return date.getUTCMilliseconds() === 0 ? isoSeconds(date) : date.toISOString();
}
