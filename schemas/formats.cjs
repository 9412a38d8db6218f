'use strict';
// The checks behind the "format" keywords of rollout.v1.schema.json, for the validator that
// `npm run build` generates (dist/manifest/schema-validator.cjs requires this file) and for the
// run-time compile that stands in when that file is missing (src/manifest/schema-compile.ts).
// No dependencies: loading ajv-formats for two formats cost about 4 ms on every run.

/**
 * "uri": an absolute URL, as the WHATWG URL parser reads it (the parser `fetch` uses for the
 * metric sources and probes these URLs name), without whitespace or control characters.
 * ajv-formats' RFC 3986 expression compiles on first use in about 5 ms, a third of a whole
 * validation; the URL parser is already in the process.
 */
function uri(value) {
  return /^[A-Za-z][A-Za-z0-9+.-]*:[^\s\p{Cc}]*$/u.test(value) && URL.canParse(value);
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt\s](\d{2}):(\d{2}):(\d{2}(?:\.\d+)?)(?:[Zz]|([+-])(\d{2})(?::?(\d{2}))?)$/;

function daysIn(year, month) {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

/**
 * "date-time": RFC 3339 section 5.6, with a time zone (Z or an offset), a real calendar day,
 * and a leap second (:60) only at 23:59 UTC. Accepted as ajv-formats accepts it (a test compares
 * the two): "t" or whitespace between date and time, and an offset of +hh, +hhmm or +hh:mm.
 */
function dateTime(value) {
  const m = DATE_TIME.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute] = m.slice(1, 6).map(Number);
  const second = Number(m[6]);
  const sign = m[7] === '-' ? -1 : 1;
  const offsetHours = Number(m[8] ?? 0);
  const offsetMinutes = Number(m[9] ?? 0);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return false;
  if (offsetHours > 23 || offsetMinutes > 59) return false;
  if (hour <= 23 && minute <= 59 && second < 60) return true;
  // A leap second: 23:59:60 in UTC, written in any offset.
  const utcMinute = minute - sign * offsetMinutes;
  const utcHour = hour - sign * offsetHours - (utcMinute < 0 ? 1 : 0);
  return (utcHour === 23 || utcHour === -1) && (utcMinute === 59 || utcMinute === -1) && second < 61;
}

const DURATION_UNIT_MS = { ms: 1, s: 1000, m: 60000, h: 3600000, d: 86400000, w: 604800000, y: 31536000000 };
/** The longest duration accepted: 100 years (MAX_DURATION_MS in src/manifest/duration.ts). */
const MAX_DURATION_MS = 100 * 365 * 86400000;

/**
 * "duration": a Prometheus-style duration (the schema's pattern) of at most 100 years, as
 * parseDuration in src/manifest/duration.ts reads it (a test compares the two).
 */
function duration(value) {
  if (!/^(?:[0-9]+(?:ms|s|m|h|d|w|y))+$/.test(value)) return false;
  let total = 0;
  for (const [, amount, unit] of value.matchAll(/([0-9]+)(ms|s|m|h|d|w|y)/g)) total += Number(amount) * DURATION_UNIT_MS[unit];
  return Number.isSafeInteger(total) && total <= MAX_DURATION_MS;
}

module.exports = { uri, 'date-time': dateTime, duration };
