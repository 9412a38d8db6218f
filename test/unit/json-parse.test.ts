import { describe, it, expect } from 'vitest';
import { fromPointer, toPointer } from '../../src/json/pointer.js';
import { locate, parseCarefully, parseJson } from '../../src/manifest/json-parse.js';
import type { JsonValue, Location, ParseError, ParseErrorCode, ParseResult, Position } from '../../src/manifest/json-parse.js';
import { seededRandom } from '../helpers/seeded-random.js';

// ---------------------------------------------------------------------------------------------
// helpers

function ok(source: string): Extract<ParseResult, { ok: true }> {
  const result = parseJson(source);
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result;
}

function fail(source: string, maxDepth?: number): ParseError {
  const result = parseJson(source, maxDepth === undefined ? undefined : { maxDepth });
  if (result.ok) throw new Error(`expected a parse error for ${JSON.stringify(source.slice(0, 80))}`);
  return result.error;
}

function loc(result: Extract<ParseResult, { ok: true }>, pointer: string): Location {
  const found = result.locations.get(pointer);
  if (found === undefined) throw new Error(`no location for ${JSON.stringify(pointer)}`);
  return found;
}

/** line:column as a compact string, for readable assertions. */
function lc(p: Position | undefined): string {
  return p === undefined ? 'undefined' : `${p.line}:${p.column}`;
}

/** Independent (non-incremental) line/column of an offset, with the same conventions as the parser. */
function lineColOf(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = source.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (let i = lineStart; i < offset; i++) {
    const c = source[i];
    if (c === '\n' || (c === '\r' && source[i + 1] !== '\n')) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

function expectConsistent(source: string, p: Position): void {
  expect(p.offset).toBeGreaterThanOrEqual(0);
  expect(p.offset).toBeLessThanOrEqual(source.length);
  expect({ line: p.line, column: p.column }).toEqual(lineColOf(source, p.offset));
}

/** Every value reachable in `value`, with its pointer. */
function walk(value: JsonValue, pointer = '', out: [string, JsonValue][] = []): [string, JsonValue][] {
  out.push([pointer, value]);
  if (Array.isArray(value)) {
    value.forEach((item, i) => walk(item, `${pointer}/${i}`, out));
  } else if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) walk(value[key] as JsonValue, toPointer([...fromPointer(pointer), key]), out);
  }
  return out;
}

/** Checks that `locations` has exactly one entry per value and each one spans the right text. */
function expectLocationsMatch(source: string, result: Extract<ParseResult, { ok: true }>): void {
  const values = walk(result.value);
  expect([...result.locations.keys()].sort()).toEqual(values.map(([p]) => p).sort());
  for (const [pointer, value] of values) {
    const where = loc(result, pointer);
    expectConsistent(source, where.value);
    expectConsistent(source, where.end);
    if (where.key !== undefined) {
      expectConsistent(source, where.key);
      expect(source[where.key.offset]).toBe('"');
    }
    expect(JSON.parse(source.slice(where.value.offset, where.end.offset))).toEqual(value);
  }
}

// ---------------------------------------------------------------------------------------------

describe('parseJson: values', () => {
  it('parses a realistic nested manifest exactly like JSON.parse', () => {
    const source = `{
  "apiVersion": "agent-rollout/v1",
  "agent": { "name": "support-bot", "owners": ["ana@example.com", "li@example.com"], "model": null },
  "stages": [
    { "id": "pilot", "traffic": 0.05, "gates": [{ "metric": "error_rate", "max": 1.5e-2 }], "manual": true },
    { "id": "ga", "traffic": 1, "gates": [], "manual": false, "notes": "say \\"hi\\"\\n\\u00e9\\ud83d\\ude00" }
  ],
  "rollback": { "drills": [ [1, 2], [], {} ], "timeoutSeconds": -30, "ratio": -0.0 }
}
`;
    const result = ok(source);
    expect(result.value).toEqual(JSON.parse(source));
    expect(result.duplicates).toEqual([]);
    expectLocationsMatch(source, result);
    expect(Object.keys(result.value as object)).toEqual(['apiVersion', 'agent', 'stages', 'rollback']);
  });

  const tricky: [string, string][] = [
    ['empty object', '{}'],
    ['empty array', '[]'],
    ['nested empties', '[{}, [], [[]], {"a": {}}]'],
    ['top-level string', '"just a string"'],
    ['top-level number', '42'],
    ['top-level literals', '[true, false, null]'],
    ['empty string', '""'],
    ['all simple escapes', '"\\" \\\\ \\/ \\b \\f \\n \\r \\t"'],
    ['unicode escapes', '"\\u0041\\u00e9\\u20AC\\uFFFF\\u0000"'],
    ['surrogate pair escape', '"\\ud83d\\ude00"'],
    ['lone high surrogate escape', '"\\ud800"'],
    ['lone low surrogate escape', '"x\\udc00y"'],
    ['raw non-ASCII', '"café 😀 日本語 \u2028 \u2029"'],
    ['DEL and high controls are fine raw', '"\u007f\u0080\u009f"'],
    ['zero', '0'],
    ['negative zero', '-0'],
    ['negative zero float', '-0.0'],
    ['negative exponent', '1e-7'],
    ['exponent with plus', '2.5E+3'],
    ['uppercase exponent', '1E2'],
    ['fraction and exponent', '-12.345e-6'],
    ['max safe integer', '9007199254740993'],
    ['largest double', '1.7976931348623157e308'],
    ['smallest subnormal', '5e-324'],
    ['underflow to zero', '1e-400'],
    ['long fraction', '0.10000000000000000555111512312578270211815834045'],
    ['whitespace variety', ' \t\r\n{ \t"a"\r\n:\n\t[ 1 ,\r2\r\n,\t3 ] \n} \r\n\t '],
    ['key with escapes', '{"a\\/b": 1, "\\u007e": 2, "": 3}'],
    ['numeric-looking keys', '{"b": 1, "2": 2, "1": 3, "a": 4}'],
    ['deeply nested but allowed', '['.repeat(256) + ']'.repeat(256)],
  ];

  it.each(tricky)('%s', (_name, source) => {
    const result = ok(source);
    expect(result.value).toEqual(JSON.parse(source));
    expectLocationsMatch(source, result);
  });

  it('keeps -0 as -0 and 1e-400 as 0', () => {
    expect(Object.is(ok('-0').value, -0)).toBe(true);
    expect(ok('1e-400').value).toBe(0);
  });

  it('turns __proto__ into an own data property and never changes the prototype', () => {
    const result = ok('{"__proto__": {"polluted": true}, "a": 1}');
    const value = result.value as Record<string, JsonValue>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.hasOwn(value, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toEqual({ polluted: true });
    expect(Object.keys(value)).toEqual(['__proto__', 'a']);
    expect((value as { polluted?: unknown }).polluted).toBeUndefined();
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(result.locations.has('/__proto__/polluted')).toBe(true);
    // Nested and duplicated __proto__ keys behave the same way.
    const nested = ok('{"x": {"__proto__": 1, "__proto__": [2]}}');
    const x = (nested.value as Record<string, Record<string, JsonValue>>).x as Record<string, JsonValue>;
    expect(Object.getPrototypeOf(x)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(x, '__proto__')?.value).toEqual([2]);
    expect(nested.duplicates.map((d) => d.pointer)).toEqual(['/x/__proto__']);
  });

  it('creates objects with the normal prototype, even for keys like constructor and hasOwnProperty', () => {
    const value = ok('{"constructor": 1, "hasOwnProperty": 2, "toString": 3}').value;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(value).toEqual({ constructor: 1, hasOwnProperty: 2, toString: 3 });
  });
});

describe('parseJson: positions', () => {
  const source = [
    '{', //                                               line 1
    '  "name": "agent",', //                              line 2
    '  "stages": [', //                                   line 3
    '    { "id": "pilot", "percent": 5 },', //            line 4
    '    "ga"', //                                        line 5
    '  ],', //                                            line 6
    '  "café": "é", "n": 1,', //                          line 7
    '  "e": "😀", "x": 2', //                             line 8
    '}', //                                               line 9
  ].join('\n');
  const result = ok(source);

  it('places the root', () => {
    const root = loc(result, '');
    expect(root.value).toEqual({ line: 1, column: 1, offset: 0 });
    expect(root.end).toEqual({ line: 9, column: 2, offset: source.length });
    expect(root.key).toBeUndefined();
  });

  it('places members, their keys and their ends', () => {
    const name = loc(result, '/name');
    expect(name.key).toEqual({ line: 2, column: 3, offset: 4 });
    expect(name.value).toEqual({ line: 2, column: 11, offset: 12 });
    expect(name.end).toEqual({ line: 2, column: 18, offset: 19 });
    const stages = loc(result, '/stages');
    expect(lc(stages.key)).toBe('3:3');
    expect(lc(stages.value)).toBe('3:13');
    expect(lc(stages.end)).toBe('6:4');
  });

  it('places array elements and nested values', () => {
    expect(lc(loc(result, '/stages/0').value)).toBe('4:5');
    expect(loc(result, '/stages/0').key).toBeUndefined();
    expect(lc(loc(result, '/stages/0').end)).toBe('4:36');
    expect(lc(loc(result, '/stages/0/id').key)).toBe('4:7');
    expect(lc(loc(result, '/stages/0/id').value)).toBe('4:13');
    expect(lc(loc(result, '/stages/0/percent').key)).toBe('4:22');
    expect(lc(loc(result, '/stages/0/percent').value)).toBe('4:33');
    expect(lc(loc(result, '/stages/1').value)).toBe('5:5');
  });

  it('counts é as one column and an emoji as two (UTF-16 code units)', () => {
    expect(lc(loc(result, '/café').key)).toBe('7:3');
    expect(lc(loc(result, '/café').value)).toBe('7:11');
    expect(lc(loc(result, '/café').end)).toBe('7:14');
    expect(lc(loc(result, '/n').key)).toBe('7:16');
    expect(lc(loc(result, '/n').value)).toBe('7:21');
    expect(lc(loc(result, '/e').value)).toBe('8:8');
    expect(lc(loc(result, '/e').end)).toBe('8:12');
    expect(lc(loc(result, '/x').key)).toBe('8:14');
    expect(lc(loc(result, '/x').value)).toBe('8:19');
    // After a line holding multi-code-unit characters, the next line starts again at column 1.
    expect(lc(loc(result, '').end)).toBe('9:2');
  });

  it('has offsets that index the source', () => {
    for (const [pointer, where] of result.locations) {
      expectConsistent(source, where.value);
      expectConsistent(source, where.end);
      if (pointer !== '' && where.key !== undefined) expect(source[where.key.offset]).toBe('"');
    }
    expect(source.slice(loc(result, '/e').value.offset, loc(result, '/e').end.offset)).toBe('"😀"');
    expectLocationsMatch(source, result);
  });

  it('treats \\r\\n as one line break (and a lone \\r as one too)', () => {
    const crlf = '{\r\n  "a": 1,\r\n  "b": [\r\n    true\r\n  ]\r\n}\r\n';
    const r = ok(crlf);
    expect(loc(r, '/a').value).toEqual({ line: 2, column: 8, offset: 10 });
    expect(lc(loc(r, '/b').key)).toBe('3:3');
    expect(lc(loc(r, '/b').value)).toBe('3:8');
    expect(lc(loc(r, '/b/0').value)).toBe('4:5');
    expect(lc(loc(r, '/b').end)).toBe('5:4');
    expect(lc(loc(r, '').end)).toBe('6:2');
    expectLocationsMatch(crlf, r);

    const cr = '{\r"a": 1,\r\r"b": 2}';
    const r2 = ok(cr);
    expect(lc(loc(r2, '/a').key)).toBe('2:1');
    expect(lc(loc(r2, '/b').key)).toBe('4:1');
    expectLocationsMatch(cr, r2);

    const err = fail('{\r\n  "a": 1\r\n  "b": 2\r\n}');
    expect(lc(err.position)).toBe('3:3');
  });

  it('has a location for every value, including array elements', () => {
    const r = ok('[[1, [2, 3]], {"a": [4]}]');
    expect([...r.locations.keys()]).toEqual(['', '/0', '/0/0', '/0/1', '/0/1/0', '/0/1/1', '/1', '/1/a', '/1/a/0']);
  });

  it('escapes ~ and / in location pointers', () => {
    const r = ok('{"a/b": {"c~d": 1}, "": 2}');
    expect([...r.locations.keys()]).toEqual(['', '/a~1b', '/a~1b/c~0d', '/']);
  });
});

describe('parseJson: BOM', () => {
  it('skips a leading BOM; offsets still index the original string', () => {
    const source = '\ufeff{\n  "a": [1]\n}';
    const r = ok(source);
    expect(r.value).toEqual({ a: [1] });
    expect(loc(r, '').value).toEqual({ line: 1, column: 1, offset: 1 });
    expect(loc(r, '/a').value).toEqual({ line: 2, column: 8, offset: 10 });
    expect(source[loc(r, '/a').value.offset]).toBe('[');
    expectLocationsMatch(source, r);
  });

  it('reports columns after the BOM on line 1 as if it were not there', () => {
    const r = ok('\ufeff{"a": 1}');
    expect(loc(r, '/a').value).toEqual({ line: 1, column: 7, offset: 7 });
  });

  it('treats a BOM-only file as empty and a BOM elsewhere as an unexpected character', () => {
    expect(fail('\ufeff').code).toBe('empty');
    expect(fail('\ufeff \n').code).toBe('empty');
    const err = fail('{"a": \ufeff1}');
    expect(err.code).toBe('syntax');
    expect(err.message).toContain('U+FEFF (byte order mark)');
    expect(lc(err.position)).toBe('1:7');
  });
});

describe('parseJson: duplicate keys', () => {
  it('keeps the last value and reports both key positions', () => {
    const source = '{\n  "a": 1,\n  "b": 2,\n  "a": 3\n}';
    const r = ok(source);
    expect(r.value).toEqual({ a: 3, b: 2 });
    expect(r.value).toEqual(JSON.parse(source));
    expect(r.duplicates).toEqual([
      { pointer: '/a', key: 'a', first: { line: 2, column: 3, offset: 4 }, duplicate: { line: 4, column: 3, offset: 24 } },
    ]);
    expect(lc(loc(r, '/a').value)).toBe('4:8');
    expect(lc(loc(r, '/a').key)).toBe('4:3');
  });

  it('reports nested duplicates with their pointers, and keeps parsing', () => {
    const source = '{"x": {"y~/": 1, "y~/": 2}, "list": [{"k": 1, "k": 2, "k": 3}], "x": {"z": 1, "z": 2}';
    expect(fail(source).code).toBe('unexpected-end'); // still reports later errors
    const r = ok(`${source}}`);
    expect(r.value).toEqual({ x: { z: 2 }, list: [{ k: 3 }] });
    expect(r.duplicates.map((d) => [d.pointer, d.key, lc(d.first), lc(d.duplicate)])).toEqual([
      ['/x/y~0~1', 'y~/', '1:8', '1:18'],
      ['/list/0/k', 'k', '1:39', '1:47'],
      ['/list/0/k', 'k', '1:39', '1:55'],
      ['/x', 'x', '1:2', '1:65'],
      ['/x/z', 'z', '1:71', '1:79'],
    ]);
  });

  it('drops the locations of the replaced value and describes the kept one', () => {
    const source = '{"a": {"old": [1, 2]}, "a": {"new": true}}';
    const r = ok(source);
    expect(r.value).toEqual({ a: { new: true } });
    expect(r.locations.has('/a/old')).toBe(false);
    expect(r.locations.has('/a/old/0')).toBe(false);
    expect(lc(loc(r, '/a').value)).toBe('1:29');
    expect(lc(loc(r, '/a/new').value)).toBe('1:37');
    expectLocationsMatch(source, r);

    const same = ok('{"a": {"k": 1}, "a": {"k": 2}}');
    expect(lc(loc(same, '/a/k').value)).toBe('1:28');
    expectLocationsMatch('{"a": {"k": 1}, "a": {"k": 2}}', same);
  });

  it('reports the first occurrence within the kept value after a replaced value had its own duplicates', () => {
    const source = '{"a": {"b": 1, "b": 2}, "a": {"b": 3, "b": 4}}';
    const r = ok(source);
    expect(r.value).toEqual({ a: { b: 4 } });
    const at = (n: number): number => source.split('"b"', n).join('"b"').length;
    expect(r.duplicates.map((d) => [d.pointer, d.first.offset, d.duplicate.offset])).toEqual([
      ['/a/b', at(1), at(2)],
      ['/a', 1, source.lastIndexOf('"a"')],
      ['/a/b', at(3), at(4)],
    ]);
    expectLocationsMatch(source, r);
  });

  it('does not treat equal keys in different objects as duplicates', () => {
    expect(ok('[{"a": 1}, {"a": 2}]').duplicates).toEqual([]);
    expect(ok('{"a": {"a": 1}}').duplicates).toEqual([]);
  });
});

describe('parseJson: errors', () => {
  type Case = [name: string, source: string, code: ParseErrorCode, message: string, at: string, expected?: string];
  const cases: Case[] = [
    ['empty input', '', 'empty', 'the file is empty: a manifest is a JSON object', '1:1'],
    ['whitespace only', ' \n\t\r\n ', 'empty', 'the file is empty: a manifest is a JSON object', '1:1'],
    ['trailing comma in object', '{\n  "a": 1,\n}', 'syntax', "trailing comma: JSON does not allow a ',' before '}'; remove it", '2:9'],
    ['trailing comma in array', '[1, 2,\n]', 'syntax', "trailing comma: JSON does not allow a ',' before ']'; remove it", '1:6'],
    [
      'unquoted key',
      '{name: 1}',
      'syntax',
      'property names must be double-quoted: write "name" instead of name',
      '1:2',
      'a property name in double quotes',
    ],
    ['unquoted key after comma', '{"a": 1,\n  b_2: 2}', 'syntax', 'write "b_2" instead of b_2', '2:3'],
    ['single-quoted key', "{'a': 1}", 'syntax', 'strings must use double quotes, not single quotes', '1:2'],
    ['single-quoted value', '{"a": \'x\'}', 'syntax', 'strings must use double quotes, not single quotes', '1:7', 'a value'],
    ['line comment', '{\n  "a": 1 // note\n}', 'syntax', 'comments are not allowed in JSON', '2:10', "',' or '}'"],
    ['block comment at start', '/* header */ {}', 'syntax', 'comments are not allowed in JSON', '1:1'],
    ['comment after the value', '{}\n// end', 'syntax', 'comments are not allowed in JSON', '2:1'],
    ['missing comma between members', '{"a": 1\n "b": 2}', 'syntax', "expected ',' or '}' after the value of \"a\"", '2:2', "',' or '}'"],
    ['missing comma between elements', '[1 2]', 'syntax', "expected ',' or ']'", '1:4', "',' or ']'"],
    ['mismatched bracket', '{"a": [1}', 'syntax', "the array opened at line 1, column 7 must be closed with ']' first", '1:9'],
    ['missing colon', '{"a" 1}', 'syntax', 'expected \':\' after the property name "a"', '1:6', "':'"],
    [
      'undefined',
      '{"a": undefined}',
      'syntax',
      "unexpected word 'undefined': JSON values are strings, numbers, true, false, null, objects and arrays",
      '1:7',
      'a value',
    ],
    ['True', '[True]', 'syntax', "unexpected word 'True'", '1:2'],
    ['None', '{"a":\n None}', 'syntax', "unexpected word 'None'", '2:2'],
    ['NaN', 'NaN', 'syntax', "unexpected word 'NaN'", '1:1'],
    ['Infinity', '[Infinity]', 'syntax', "unexpected word 'Infinity'", '1:2'],
    ['-Infinity', '[1, -Infinity]', 'syntax', "unexpected word '-Infinity'", '1:5'],
    ['truthy', 'trueish', 'syntax', "unexpected word 'trueish'", '1:1'],
    ['content after the value', '{"a": 1} {"b": 2}', 'syntax', 'unexpected content after the end of the JSON value', '1:10', 'end of file'],
    ['comma after the value', '{"a": 1},\n', 'syntax', 'unexpected content after the end of the JSON value', '1:9'],
    ['unexpected character', '{"a": @}', 'syntax', "unexpected character '@' (U+0040): expected a value", '1:7', 'a value'],
    ['leading comma in array', '[,1]', 'syntax', "unexpected character ',' (U+002C): expected a value or ']'", '1:2', "a value or ']'"],
    ['double comma in array', '[1,,2]', 'syntax', "unexpected character ',' (U+002C): expected a value", '1:4'],
    ['double comma in object', '{"a": 1,,"b": 2}', 'syntax', "unexpected character ',' (U+002C): expected a property name", '1:9'],
    ['missing value', '{"a": }', 'syntax', "unexpected character '}' (U+007D): expected a value", '1:7'],
    ['non-breaking space', '{"a":\u00a01}', 'syntax', 'unexpected character U+00A0 (no-break space): expected a value', '1:6'],
    ['emoji outside a string', '[😀]', 'syntax', "unexpected character '😀' (U+1F600): expected a value", '1:2'],
    // cut-off input
    [
      'cut-off nested object',
      '{\n  "a": [\n    {"b": 1\n',
      'unexpected-end',
      "unexpected end of file: the object opened at line 3, column 5 is not closed (expected ',' or '}')",
      '4:1',
      "',' or '}'",
    ],
    [
      'cut-off array',
      '[1, 2',
      'unexpected-end',
      "unexpected end of file: the array opened at line 1, column 1 is not closed (expected ',' or ']')",
      '1:6',
    ],
    ['cut after colon', '{"a":', 'unexpected-end', 'is not closed (expected a value)', '1:6'],
    ['cut after key', '{"a"', 'unexpected-end', "is not closed (expected ':')", '1:5'],
    ['cut after {', '{', 'unexpected-end', "is not closed (expected a property name or '}')", '1:2'],
    ['cut after [', '[\n', 'unexpected-end', "is not closed (expected a value or ']')", '2:1'],
    ['cut after comma', '{"a": 1,', 'unexpected-end', 'is not closed (expected a property name)', '1:9'],
    ['cut string', '{"a": "abc', 'unexpected-end', 'unexpected end of file inside a string that starts at line 1, column 7', '1:11'],
    ['cut key', '{\n  "ab', 'unexpected-end', 'unexpected end of file inside a string that starts at line 2, column 3', '2:6'],
    ['cut escape', '"ab\\', 'unexpected-end', 'inside a string that starts at line 1, column 1', '1:5'],
    ['cut unicode escape', '"\\u12', 'unexpected-end', 'inside a string that starts at line 1, column 1', '1:6'],
    ['cut number', '[1.', 'unexpected-end', "unexpected end of file in the number '1.' (expected a digit after the decimal point)", '1:4'],
    ['cut exponent', '1e', 'unexpected-end', "in the number '1e'", '1:3'],
    ['lone minus', '-', 'unexpected-end', "in the number '-'", '1:2'],
    // strings
    ['raw tab in a string', '{"a": "x\ty"}', 'syntax', 'a raw tab inside a string must be escaped as \\t', '1:9'],
    ['raw newline in a string', '{"a": "x\ny"}', 'syntax', 'a raw line break inside a string must be escaped as \\n', '1:9'],
    ['raw CR in a string', '["x\r\n"]', 'syntax', 'a raw line break inside a string must be escaped as \\n', '1:4'],
    ['unterminated string on a line', '{"a": "x,\n "b": 1}', 'syntax', "add the closing '\"'", '1:10'],
    ['raw control character', '"\u0001"', 'syntax', 'a raw control character (U+0001) inside a string must be escaped as \\u0001', '1:2'],
    ['raw NUL', '"a\u0000"', 'syntax', '(U+0000)', '1:3'],
    ['invalid escape', '"a\\x"', 'syntax', "invalid escape '\\x' in a string", '1:3'],
    ['escaped single quote', '"it\\\'s"', 'syntax', 'a single quote needs no escape', '1:4'],
    ['bad unicode escape', '["\\u12G4"]', 'syntax', '\\u must be followed by exactly 4 hex digits', '1:3'],
    ['short unicode escape', '"\\u12"', 'syntax', "invalid escape '\\u12'", '1:2'],
    // numbers
    ['leading zero', '{"a": 01}', 'syntax', 'numbers must not have leading zeros: write 1 instead of 01', '1:7'],
    ['negative leading zero', '[-007.5]', 'syntax', 'write -7.5 instead of -007.5', '1:3'],
    ['leading dot', '[.5]', 'syntax', 'numbers must have a digit before the decimal point: write 0.5 instead of .5', '1:2'],
    ['trailing dot', '[5.]', 'syntax', "invalid number '5.': expected a digit after the decimal point", '1:4'],
    ['leading plus', '[+1]', 'syntax', "numbers must not start with '+': write 1 instead of +1", '1:2'],
    ['hex', '{"a": 0x1F}', 'syntax', "invalid number '0x1F'", '1:8', "',' or '}'"],
    ['suffix', '10px', 'syntax', "invalid number '10px'", '1:3', 'end of file'],
    ['two dots', '1.2.3', 'syntax', "invalid number '1.2.3'", '1:4'],
    ['minus without digits', '[- 1]', 'syntax', "invalid number '-': expected a digit after '-'", '1:3'],
    ['empty exponent', '[1e+]', 'syntax', 'expected a digit in the exponent', '1:5'],
    ['number out of range', '{"big": 1e400}', 'number-range', 'the number 1e400 is out of range', '1:9'],
    ['negative number out of range', '[-1.5e999]', 'number-range', 'the number -1.5e999 is out of range', '1:2'],
    ['integer out of range', '1' + '0'.repeat(400), 'number-range', 'the number 1000000000', '1:1'],
  ];

  it.each(cases)('%s', (_name, source, code, message, at, expected) => {
    const error = fail(source);
    expect(error.code).toBe(code);
    expect(error.message).toContain(message);
    expect(lc(error.position)).toBe(at);
    expectConsistent(source, error.position);
    if (expected !== undefined) expect(error.expected).toBe(expected);
  });

  it('points related at the unclosed container', () => {
    const error = fail('{\n  "a": [\n    {"b": 1\n');
    expect(error.related).toEqual({ line: 3, column: 5, offset: 15 });
    expect(error.position).toEqual({ line: 4, column: 1, offset: 23 });
    expect(fail('[1, 2').related).toEqual({ line: 1, column: 1, offset: 0 });
  });

  it('points related at the start of a cut-off string', () => {
    const error = fail('{"a": "abc');
    expect(error.related).toEqual({ line: 1, column: 7, offset: 6 });
    expect(error.position.offset).toBe(10);
  });

  it('names the number literal on number-range errors and does not return Infinity', () => {
    const error = fail('1e400');
    expect(error.code).toBe('number-range');
    expect(error.message).toContain('1e400');
    expect(error.position).toEqual({ line: 1, column: 1, offset: 0 });
    expect(ok('1e308').value).toBe(1e308);
  });
});

describe('parseJson: nesting depth', () => {
  it('returns too-deep for 10,000 nested arrays without throwing', () => {
    const source = '['.repeat(10_000) + ']'.repeat(10_000);
    let result: ParseResult | undefined;
    expect(() => {
      result = parseJson(source);
    }).not.toThrow();
    expect(result?.ok).toBe(false);
    if (result === undefined || result.ok) return;
    expect(result.error.code).toBe('too-deep');
    expect(result.error.message).toContain('nesting is deeper than 256 levels');
    expect(result.error.position).toEqual({ line: 1, column: 257, offset: 256 });
  });

  it('also stops 10,000 nested objects and cut-off deep input', () => {
    expect(fail('{"a":'.repeat(10_000)).code).toBe('too-deep');
    expect(fail('['.repeat(100_000)).code).toBe('too-deep');
  });

  it('allows exactly maxDepth levels', () => {
    expect(ok('['.repeat(256) + ']'.repeat(256)).value).toBeDefined();
    const error = fail('[[[1]]]', 2);
    expect(error.code).toBe('too-deep');
    expect(error.message).toContain('nesting is deeper than 2 levels');
    expect(lc(error.position)).toBe('1:3');
    expect(parseJson('[[1]]', { maxDepth: 2 }).ok).toBe(true);
    expect(parseJson('1', { maxDepth: 0 }).ok).toBe(true);
    expect(fail('[]', 0).code).toBe('too-deep');
  });

  it('handles a large maxDepth iteratively', () => {
    const depth = 50_000;
    const result = parseJson('['.repeat(depth) + ']'.repeat(depth), { maxDepth: Infinity });
    expect(result.ok).toBe(true);
  });
});

describe('JSON pointers', () => {
  it('builds and splits RFC 6901 pointers', () => {
    expect(toPointer([])).toBe('');
    expect(toPointer(['a', 0, 'b/c'])).toBe('/a/0/b~1c');
    expect(toPointer(['m~n', '', '~1'])).toBe('/m~0n//~01');
    expect(fromPointer('')).toEqual([]);
    expect(fromPointer('/')).toEqual(['']);
    expect(fromPointer('/a/0/b~1c')).toEqual(['a', '0', 'b/c']);
    expect(fromPointer('/~01')).toEqual(['~1']);
    expect(fromPointer('/~10')).toEqual(['/0']);
  });

  it('round-trips keys containing ~ and /', () => {
    const samples: string[][] = [[], [''], ['a'], ['~'], ['/'], ['~/'], ['/~'], ['~0', '~1'], ['a/b', 'c~d', '0', ''], ['é', '😀', ' ']];
    for (const segments of samples) {
      const pointer = toPointer(segments);
      expect(fromPointer(pointer)).toEqual(segments);
      expect(toPointer(fromPointer(pointer))).toBe(pointer);
    }
  });

  it('rejects malformed pointers', () => {
    expect(() => fromPointer('a/b')).toThrow(/must be empty or start with '\/'/);
    expect(() => fromPointer('/a~2')).toThrow(/'~' must be followed by 0 or 1/);
    expect(() => fromPointer('/a~')).toThrow();
  });

  it('locate falls back to the nearest existing ancestor', () => {
    const source = '{\n  "stages": [\n    {"id": "pilot"}\n  ],\n  "a/b": {}\n}';
    const r = ok(source);
    expect(locate(r.locations, '/stages/0/id')).toBe(loc(r, '/stages/0/id'));
    expect(locate(r.locations, '/stages/0/gates')).toBe(loc(r, '/stages/0'));
    expect(locate(r.locations, '/stages/0/gates/3/metric')).toBe(loc(r, '/stages/0'));
    expect(locate(r.locations, '/stages/7')).toBe(loc(r, '/stages'));
    expect(locate(r.locations, '/a~1b/x')).toBe(loc(r, '/a~1b'));
    expect(locate(r.locations, '/missing')).toBe(loc(r, ''));
    expect(locate(r.locations, '')).toBe(loc(r, ''));
    expect(lc(locate(r.locations, '/stages/0/gates').value)).toBe('3:5');
  });

  it('locate tolerates an empty map', () => {
    expect(locate(new Map(), '/a')).toEqual({ value: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } });
  });
});

// ---------------------------------------------------------------------------------------------
// randomized

/** A small deterministic PRNG, so failures are reproducible. */
const rng = seededRandom;

const STRING_PIECES = [
  'a',
  'Z',
  ' ',
  'é',
  '😀',
  '"',
  '\\',
  '/',
  '\n',
  '\t',
  '\u0000',
  '\u001f',
  '\u2028',
  '~',
  '~1',
  'x/y',
  '\ud800',
  '日本',
  '\u007f',
];
const KEYS = ['a', 'b', 'name', '', '__proto__', 'constructor', 'a/b', 'c~d', '~0', 'é', '😀', '0', '1', 'key with space'];
const NUMBERS = [
  0,
  -0,
  1,
  -1,
  42,
  0.5,
  -3.25,
  1e21,
  1e-7,
  -2.5e-300,
  1.7976931348623157e308,
  5e-324,
  123456789.123,
  Number.MAX_SAFE_INTEGER,
];

function randomValue(random: () => number, depth: number): JsonValue {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const kind = Math.floor(random() * (depth > 4 ? 5 : 7));
  switch (kind) {
    case 0:
      return null;
    case 1:
      return random() < 0.5;
    case 2:
      return random() < 0.5
        ? pick(NUMBERS)
        : Math.round((random() - 0.5) * 10 ** Math.floor(random() * 12)) / 10 ** Math.floor(random() * 4);
    case 3:
    case 4: {
      let s = '';
      const n = Math.floor(random() * 6);
      for (let i = 0; i < n; i++) s += pick(STRING_PIECES);
      return s;
    }
    case 5: {
      const n = Math.floor(random() * 5);
      return Array.from({ length: n }, () => randomValue(random, depth + 1));
    }
    default: {
      const obj: { [key: string]: JsonValue } = {};
      const n = Math.floor(random() * 5);
      for (let i = 0; i < n; i++) {
        Object.defineProperty(obj, pick(KEYS), {
          value: randomValue(random, depth + 1),
          writable: true,
          enumerable: true,
          configurable: true,
        });
      }
      return obj;
    }
  }
}

const MUTATIONS = [
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '"',
  '\\',
  '/',
  '*',
  '\n',
  '\r',
  '\t',
  ' ',
  '0',
  '1',
  '-',
  '+',
  '.',
  'e',
  't',
  'n',
  "'",
  'x',
  '\u0000',
  '\ud800',
  'é',
  '\ufeff',
  '',
];

describe('parseJson: randomized', () => {
  it('agrees with JSON.parse on 2,000 random documents, with consistent locations', () => {
    const random = rng(20240601);
    for (let i = 0; i < 2000; i++) {
      const value = randomValue(random, 0);
      const text = JSON.stringify(value, null, i % 3 === 0 ? undefined : 2);
      const result = parseJson(text);
      if (!result.ok) throw new Error(`rejected valid JSON #${i}: ${result.error.message}\n${text}`);
      expect(result.value).toEqual(JSON.parse(text));
      expect(result.duplicates).toEqual([]);
      expectLocationsMatch(text, result);
    }
  });

  it('never throws on a one-character mutation and agrees with JSON.parse on validity', () => {
    const random = rng(7);
    for (let i = 0; i < 2000; i++) {
      const text = JSON.stringify(randomValue(random, 0), null, 2);
      const at = Math.floor(random() * (text.length + 1));
      const replacement = MUTATIONS[Math.floor(random() * MUTATIONS.length)] as string;
      const mode = Math.floor(random() * 3); // 0 replace, 1 insert, 2 delete
      const mutated = text.slice(0, at) + (mode === 2 ? '' : replacement) + text.slice(mode === 1 ? at : at + 1);

      let result: ParseResult | undefined;
      expect(() => {
        result = parseJson(mutated);
      }, mutated).not.toThrow();
      if (result === undefined) continue;

      let expected: { ok: true; value: unknown } | { ok: false };
      try {
        expected = { ok: true, value: JSON.parse(mutated.replace(/^\ufeff/, '')) };
      } catch {
        expected = { ok: false };
      }
      if (result.ok) {
        expect(expected, mutated).toEqual({ ok: true, value: result.value });
        expectLocationsMatch(mutated, result);
      } else {
        expectConsistent(mutated, result.error.position);
        if (result.error.related !== undefined) expectConsistent(mutated, result.error.related);
        expect(result.error.message.length).toBeGreaterThan(0);
        if (result.error.code !== 'number-range') expect(expected.ok, `${result.error.message}\n${mutated}`).toBe(false);
      }
    }
  });
});

/** Everything a parse result says, locations included, as plain data. */
function everything(result: ParseResult): unknown {
  if (!result.ok) return result;
  return { value: result.value, duplicates: result.duplicates, locations: [...result.locations.entries()] };
}

describe('parseJson: the JSON.parse fast path says exactly what the careful parser says', () => {
  it('on 2,000 random documents, with repeated keys, nesting past the limit and numbers out of range spliced in', () => {
    const random = rng(99);
    const splices = [
      '"a": 1, "a": 2',
      '"x\\"": 1, "x\\"": 2',
      '"k": "v\\": 1, \\"k", "k": 3',
      '"n": 1e400',
      '"d": ' + '['.repeat(8) + ']'.repeat(8),
      '"s": "a\\\\"',
      '"__proto__": {"p": 1}, "__proto__": 2',
    ];
    for (let i = 0; i < 2000; i++) {
      let text = JSON.stringify(randomValue(random, 0), null, i % 3 === 0 ? undefined : 2);
      if (i % 2 === 0) text = `{${splices[i % splices.length]}${text.startsWith('{') && text !== '{}' ? `, ${text.slice(1)}` : '}'}`;
      if (i % 5 === 0) text = `\ufeff${text}`;
      const maxDepth = i % 4 === 0 ? 3 : 256;
      expect(everything(parseJson(text, { maxDepth })), text).toEqual(everything(parseCarefully(text, maxDepth)));
    }
  });

  it('a repeated key is found even when a string value holds what looks like one', () => {
    const result = parseJson('{"a": "x\\": 1, \\"a", "b": 1, "a": 2}');
    expect(result.ok && result.duplicates.map((d) => [d.key, d.duplicate.column])).toEqual([['a', 30]]);
    const clean = parseJson('{"a": "\\"a\\": 1", "b": {"a": 2}}');
    expect(clean.ok && clean.duplicates).toEqual([]);
  });
});
