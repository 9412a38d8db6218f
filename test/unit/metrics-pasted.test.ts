import { describe, expect, it } from 'vitest';
import { InputError, UsageError } from '../../src/errors.js';
import { parsePastedMetrics, parseSetFlags } from '../../src/metrics/pasted.js';
import { chooseStep, parsePrometheusValue } from '../../src/metrics/prometheus.js';
import { resolvePointer, signalUrl } from '../../src/metrics/http-source.js';
import { isCountSignal } from '../../src/metrics/types.js';
import { checkObservation, parseNumberText } from '../../src/metrics/value-check.js';
import { windowText } from '../../src/time/duration.js';
import { replaceWindow } from '../../src/metrics/collect.js';

describe('pasted metrics', () => {
  it('reads the JSON form: window, values and series (times in seconds or RFC 3339)', () => {
    const parsed = parsePastedMetrics(
      JSON.stringify({
        window: { start: '2026-10-01T00:00:00Z', end: '2026-10-08T00:00:00Z' },
        values: { security_events: 0, cost_per_invocation_usd: 0.081 },
        series: {
          error_rate: [
            ['2026-10-01T00:00:00Z', 0.02],
            [1790000000, 0.01],
          ],
        },
      }),
      'week.json',
    );
    expect(parsed.form).toBe('json');
    expect(parsed.window).toEqual({ start: Date.parse('2026-10-01T00:00:00Z'), end: Date.parse('2026-10-08T00:00:00Z') });
    expect(parsed.values.get('cost_per_invocation_usd')).toEqual({ value: 0.081 });
    expect(parsed.series.get('error_rate')).toEqual({
      points: [
        [1790000000000, 0.01],
        [Date.parse('2026-10-01T00:00:00Z'), 0.02],
      ],
    });
    expect(parsed.warnings).toEqual([]);
  });

  it('keeps a value that is not a number as a problem for the criteria that read it', () => {
    const parsed = parsePastedMetrics('{"values": {"security_events": "0", "invocations": null, "x": [1]}}', '-');
    expect(parsed.values.get('security_events')).toEqual({ problem: '- gives security_events as the string "0", not a number' });
    expect(parsed.values.get('invocations')).toEqual({ problem: '- gives invocations as null, not a number' });
    expect(parsed.values.get('x')).toEqual({ problem: '- gives x as a list, not a number' });
  });

  it('refuses what cannot be read at all: not JSON, not an object, a broken window, empty input', () => {
    expect(() => parsePastedMetrics('{"values": {"a": 1,}}', '-')).toThrow(InputError);
    expect(() => parsePastedMetrics('{"values": {"a": 1,}}', '-')).toThrow(/^the metrics in - are not valid JSON: .*line 1, column/);
    expect(() => parsePastedMetrics('{"window": {"start": "yesterday"}}', '-')).toThrow(/needs "start" and "end"/);
    expect(() => parsePastedMetrics('{"window": {"start": "2026-10-08T00:00:00Z", "end": "2026-10-01T00:00:00Z"}}', '-')).toThrow(
      /ends before it starts/,
    );
    expect(() => parsePastedMetrics('   \n', '-')).toThrow(/is empty/);
    expect(() => parsePastedMetrics('{"values": 3}', '-')).toThrow(/must be an object/);
  });

  it('reads name=value lines, with comments; NaN and Inf are problems; a line without = is refused', () => {
    const parsed = parsePastedMetrics(
      '# from the dashboard\nsecurity_events=0\n\ncost_per_invocation_usd = 0.081\nerror_rate=NaN\nx=+Inf\ny=abc\n',
      'stdin',
    );
    expect(parsed.form).toBe('lines');
    expect(parsed.window).toBeUndefined();
    expect(parsed.values.get('security_events')).toEqual({ value: 0 });
    expect(parsed.values.get('cost_per_invocation_usd')).toEqual({ value: 0.081 });
    expect(parsed.values.get('error_rate')).toEqual({ problem: 'stdin line 5: NaN is not a finite number' });
    expect(parsed.values.get('x')).toEqual({ problem: 'stdin line 6: +Inf is not a finite number' });
    expect(parsed.values.get('y')).toEqual({ problem: 'stdin line 7: "abc" is not a number' });
    expect(() => parsePastedMetrics('security_events 0\n', 'stdin')).toThrow('line 1 of stdin is not name=value: security_events 0');
    expect(parsePastedMetrics('a=1\na=2\n', 'stdin').warnings).toEqual(['stdin: a is given twice; the later value (line 2) is used']);
  });

  it('--set: name=value, repeatable; a flag without a name is a usage error', () => {
    expect(parseSetFlags(['security_events=0', 'cost=1e-2', 'bad=x'])).toEqual(
      new Map<string, unknown>([
        ['security_events', { value: 0 }],
        ['cost', { value: 0.01 }],
        ['bad', { problem: '--set bad: "x" is not a number' }],
      ]),
    );
    expect(() => parseSetFlags(['=3'])).toThrow(UsageError);
    expect(() => parseSetFlags(['security_events'])).toThrow('--set security_events: expected name=value');
  });
});

describe('values', () => {
  it('parses numbers strictly', () => {
    expect(parseNumberText(' 12 ')).toEqual({ value: 12 });
    expect(parseNumberText('-0.5e3')).toEqual({ value: -500 });
    expect(parseNumberText('0x10')).toEqual({ problem: '"0x10" is not a number' });
    expect(parseNumberText('1e999')).toEqual({ problem: '1e999 is too large to be a finite number' });
    expect(parseNumberText('')).toEqual({ problem: 'the value is empty' });
  });

  it('count signals: _total, _count, invocations and the sample signal cannot be negative', () => {
    expect(isCountSignal('agent_errors_total', undefined)).toBe(true);
    expect(isCountSignal('latency_count', undefined)).toBe(true);
    expect(isCountSignal('invocations', undefined)).toBe(true);
    expect(isCountSignal('runs', 'runs')).toBe(true);
    expect(isCountSignal('error_rate', 'invocations')).toBe(false);
    const origin = { kind: 'set' } as const;
    expect(checkObservation('invocations', { status: 'value', value: -3, origin, dated: false }, undefined)).toEqual({
      status: 'error',
      origin,
      reason: 'invocations counts events, so -3 (negative) cannot be right',
    });
    expect(checkObservation('delta', { status: 'value', value: -3, origin, dated: false }, undefined).status).toBe('value');
    expect(checkObservation('x', { status: 'value', value: Number.NaN, origin, dated: false }, undefined)).toMatchObject({
      status: 'error',
      reason: 'x is NaN, not a finite number',
    });
    expect(
      checkObservation(
        'x',
        {
          status: 'series',
          points: [
            [0, 1],
            [1000, Number.POSITIVE_INFINITY],
          ],
          origin,
          dated: true,
        },
        undefined,
      ),
    ).toMatchObject({
      status: 'error',
      reason: 'x has Infinity at 1970-01-01 00:00:01 UTC, not a finite number',
    });
  });

  it('Prometheus sample values, including NaN and infinities', () => {
    expect(parsePrometheusValue('0.25')).toBe(0.25);
    expect(parsePrometheusValue('NaN')).toBeNaN();
    expect(parsePrometheusValue('+Inf')).toBe(Number.POSITIVE_INFINITY);
    expect(parsePrometheusValue('-Inf')).toBe(Number.NEGATIVE_INFINITY);
    expect(parsePrometheusValue('1e-05')).toBe(0.00001);
    expect(parsePrometheusValue('-2.5E+3')).toBe(-2500);
    for (const bad of [3, null, '0x0', ' 0 ', '', 'Inf', 'Infinity', '+1', '1_000', '0b1', '١'])
      expect(() => parsePrometheusValue(bad)).toThrow(/not a/);
  });

  it('range-query steps keep at most 1000 points', () => {
    expect(chooseStep(86_400_000)).toBe(300_000);
    expect(chooseStep(7 * 86_400_000)).toBe(900_000);
    expect(chooseStep(14 * 86_400_000)).toBe(1_800_000);
    expect(chooseStep(3_600_000)).toBe(60_000);
  });

  it('$window and window texts', () => {
    expect(windowText(7 * 86_400_000)).toBe('7d');
    expect(windowText(900_000)).toBe('15m');
    expect(windowText(86_400_000 + 3_723_000)).toBe('1d1h2m3s');
    expect(replaceWindow('sum(increase(x[$window])) / sum(increase(y[${window}]))', '7d')).toBe(
      'sum(increase(x[7d])) / sum(increase(y[7d]))',
    );
  });

  it('JSON pointers and signal URLs', () => {
    const document = { data: { value: 3, 'a/b': 1, list: [5, 6] } };
    expect(resolvePointer(document, '/data/value')).toEqual({ found: true, value: 3 });
    expect(resolvePointer(document, '/data/a~1b')).toEqual({ found: true, value: 1 });
    expect(resolvePointer(document, '/data/list/1')).toEqual({ found: true, value: 6 });
    expect(resolvePointer(document, '/data/list/2')).toEqual({ found: false });
    expect(resolvePointer(document, '/data/missing')).toEqual({ found: false });
    expect(resolvePointer(document, '')).toEqual({ found: true, value: document });
    expect(signalUrl('http://127.0.0.1:1/base/', '/metrics?window=7d').toString()).toBe('http://127.0.0.1:1/base/metrics?window=7d');
    expect(signalUrl('http://127.0.0.1:1', 'm').toString()).toBe('http://127.0.0.1:1/m');
  });
});
