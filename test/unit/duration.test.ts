import { describe, expect, it } from 'vitest';
import { plural } from '../../src/text/plural.js';
import { ageText, durationMs, durationText, formatSpan, parseDuration, windowText } from '../../src/time/duration.js';
import { formatTime, isoSeconds } from '../../src/time/timestamp.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('durations read from the manifest', () => {
  it('adds up every part and refuses what is not a duration', () => {
    expect(parseDuration('1h30m')).toBe(HOUR + 30 * MINUTE);
    expect(parseDuration('2w')).toBe(14 * DAY);
    expect(parseDuration('250ms')).toBe(250);
    for (const text of ['', '7', 'd', '1.5h', '1h ', '-1s']) expect(parseDuration(text)).toBeUndefined();
    expect(() => durationMs('soon')).toThrow(/not a duration: soon/);
  });
});

describe('durations written out', () => {
  it('durationText: a set duration for people, 3.2s rather than 3s200ms', () => {
    expect(
      [0, 340, 999, 1_000, 2_500, 3_200, 3_249, 30 * SECOND, 59_940, 59_960, 90 * SECOND, 10 * MINUTE, 2 * HOUR, DAY + 1_500].map(
        durationText,
      ),
    ).toEqual(['0ms', '340ms', '999ms', '1s', '2.5s', '3.2s', '3.2s', '30s', '59.9s', '1m', '1m30s', '10m', '2h', '1d2s']);
    expect(durationText(-5)).toBe('0ms');
  });

  it('windowText: whole seconds and at least one, as a query range needs', () => {
    expect(windowText(7 * DAY)).toBe('7d');
    expect(windowText(15 * MINUTE)).toBe('15m');
    expect(windowText(DAY + 3_723_000)).toBe('1d1h2m3s');
    expect(windowText(1_499)).toBe('1s');
    expect(windowText(0)).toBe('1s');
  });

  it('formatSpan: counted down, to the second under an hour and to the minute from an hour', () => {
    expect(formatSpan(45 * SECOND + 900)).toBe('45s');
    expect(formatSpan(59 * MINUTE + 59_999)).toBe('59m59s');
    expect(formatSpan(3 * DAY + 4 * HOUR + 12 * MINUTE + 59 * SECOND)).toBe('3d4h12m');
    expect(formatSpan(21 * DAY + 11 * HOUR + 59 * SECOND)).toBe('21d11h');
    expect(formatSpan(7 * DAY - 1)).toBe('6d23h59m');
    expect(formatSpan(-MINUTE)).toBe('0s');
  });

  it('ageText: how long ago, in its largest unit', () => {
    expect([undefined, 4_999, 45 * SECOND, 12 * MINUTE, 47 * HOUR, 3 * DAY].map(ageText)).toEqual([
      'at an unknown time',
      'just now',
      '45s ago',
      '12m ago',
      '47h ago',
      '3d ago',
    ]);
  });
});

describe('points in time written out', () => {
  const at = Date.UTC(2026, 10, 16, 9, 0, 7, 123);

  it('isoSeconds cuts the milliseconds', () => {
    expect(isoSeconds(at)).toBe('2026-11-16T09:00:07Z');
    expect(isoSeconds(new Date(at))).toBe('2026-11-16T09:00:07Z');
  });

  it('formatTime: one style, always to the second, from milliseconds or a recorded time in any offset', () => {
    expect(formatTime(at)).toBe('2026-11-16 09:00:07 UTC');
    expect(formatTime(Date.UTC(2026, 10, 16, 9, 0))).toBe('2026-11-16 09:00:00 UTC');
    expect(formatTime('2026-11-16T09:00:07.5Z')).toBe('2026-11-16 09:00:07 UTC');
    expect(formatTime('2026-11-16T10:00:00+01:00')).toBe('2026-11-16 09:00:00 UTC');
    // A hand-edited value that is not a time is shown as written.
    expect(formatTime('last tuesday')).toBe('last tuesday');
  });

  it('plural picks the form for the count', () => {
    expect([plural(1, 'file'), plural(0, 'file'), plural(2, 'criterion', 'criteria')]).toEqual(['1 file', '0 files', '2 criteria']);
  });
});
