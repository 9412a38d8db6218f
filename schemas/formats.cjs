'use strict';
// The checks behind the "format" keywords of rollout.v1.schema.json, for the validator that
// `npm run build` generates (dist/manifest/schema-validator.cjs requires this file) and for the
// run-time compile that stands in when that file is missing (src/manifest/schema-compile.ts).

const { fullFormats } = require('ajv-formats/dist/formats');

/**
 * "uri": an absolute URL, as the WHATWG URL parser reads it (the parser `fetch` uses for the
 * metric sources and probes these URLs name), without whitespace or control characters.
 * ajv-formats' RFC 3986 expression compiles on first use in about 5 ms, a third of a whole
 * validation; the URL parser is already in the process.
 */
function uri(value) {
  return /^[A-Za-z][A-Za-z0-9+.-]*:[^\s\p{Cc}]*$/u.test(value) && URL.canParse(value);
}

module.exports = { uri, 'date-time': fullFormats['date-time'] };
