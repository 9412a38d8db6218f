import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { judgeSignals, neededSignals } from '../../src/gate/signals-check.js';
import { withTokenCost } from '../../src/manifest/token-cost.js';
import { signalCoverage } from '../../src/manifest/signal-coverage.js';
import type { Manifest } from '../../src/manifest/types.js';
import { fillPlaceholders, placeholderValues, requestBody } from '../../src/manifest/placeholders.js';
import { promqlSelectors } from '../../src/metrics/probe.js';
import type { SignalProbe } from '../../src/metrics/types.js';

const example = (): Manifest =>
  JSON.parse(readFileSync(new URL('../../examples/support-triage/rollout.json', import.meta.url), 'utf8')) as Manifest;

const WINDOW = { startMs: Date.parse('2026-11-16T09:00:00Z'), endMs: Date.parse('2026-11-23T09:00:00Z') };

describe('http placeholders', () => {
  const values = placeholderValues(WINDOW);

  it('every placeholder, in seconds, milliseconds and RFC 3339', () => {
    expect(values).toEqual({
      window: '7d',
      start: '2026-11-16T09:00:00Z',
      end: '2026-11-23T09:00:00Z',
      startEpoch: String(WINDOW.startMs / 1000),
      endEpoch: String(WINDOW.endMs / 1000),
      startMs: String(WINDOW.startMs),
      endMs: String(WINDOW.endMs),
    });
  });

  it('URL-encodes in a path; ${name} and $$ work; an unknown name is an error naming it', () => {
    expect(fillPlaceholders('/q?from=$start&to=${end}&cost=$$5', values, encodeURIComponent, 'the path of signal x')).toBe(
      '/q?from=2026-11-16T09%3A00%3A00Z&to=2026-11-23T09%3A00%3A00Z&cost=$5',
    );
    expect(() => fillPlaceholders('/q?from=$startTime', values, encodeURIComponent, 'the path of signal x')).toThrow(
      /^the path of signal x has the placeholder \$startTime, which does not exist; the placeholders are \$window, /,
    );
  });

  it('a string body is JSON-escaped and must be JSON after; an object body takes numbers for the numeric placeholders', () => {
    expect(requestBody('{"from": "$start", "to": $endMs}', values, 'x')).toBe(`{"from": "2026-11-16T09:00:00Z", "to": ${WINDOW.endMs}}`);
    expect(() => requestBody('{"from": $start}', values, 'x')).toThrow(
      /^the body of signal x is not JSON after its placeholders are replaced/,
    );
    expect(JSON.parse(requestBody({ range: { from: '$startEpoch', label: 'since $start' }, n: 1 }, values, 'x'))).toEqual({
      range: { from: WINDOW.startMs / 1000, label: 'since 2026-11-16T09:00:00Z' },
      n: 1,
    });
  });
});

describe('PromQL series selectors (for the attribution check)', () => {
  it('names with matchers, names before a range, nothing from strings, by-lists or subqueries', () => {
    expect(
      promqlSelectors(
        'histogram_quantile(0.95, sum by (le) (rate(x_bucket{job="a",path=~"/{x}"}[5m]))) / sum(rate(y_total[5m])) + sum(rate((z)[1h:5m]))',
      ),
    ).toEqual(['x_bucket{job="a",path=~"/{x}"}', 'y_total']);
    expect(promqlSelectors('sum(up)')).toEqual([]);
    expect(promqlSelectors('{__name__="a"}')).toEqual(['{__name__="a"}']);
  });
});

describe('$tokenCost', () => {
  it('prices input and output tokens per model, narrowed by the matchers given', () => {
    const manifest = { metrics: { tokenPrices: { 'm-1': { input: 3, output: 15 } } } } as unknown as Manifest;
    expect(withTokenCost('$tokenCost{job="a"} / 2', manifest)).toBe(
      '((sum(increase(gen_ai_client_token_usage_sum{gen_ai_token_type="input",gen_ai_request_model="m-1",job="a"}[$window])) * 0.000003 or vector(0)) + ' +
        '(sum(increase(gen_ai_client_token_usage_sum{gen_ai_token_type="output",gen_ai_request_model="m-1",job="a"}[$window])) * 0.000015 or vector(0))) / 2',
    );
  });
});

describe('signals check: what the gates need, and the outcome', () => {
  it('the current and next stage criteria, the sample signal, and every alert', () => {
    expect(neededSignals(example()).sort()).toEqual(
      [
        'security_events',
        'cost_per_invocation_usd',
        'output_policy_violations',
        'invocations',
        'error_rate',
        'data_class_escapes',
        'support_tickets_per_day',
        'guardrail_trigger_rate',
      ].sort(),
    );
  });

  it('a failed source wins over missing data; an unneeded signal without data does not count', () => {
    const probe = (signal: string, status: SignalProbe['status']): SignalProbe => ({
      signal,
      source: 's',
      type: 'http',
      status,
      series: 0,
      queryMs: 1,
    });
    expect(judgeSignals(['a'], [probe('a', 'data'), probe('b', 'no-data')])).toEqual({ outcome: 'ok', missing: [], failed: [] });
    expect(judgeSignals(['a', 'c'], [probe('a', 'no-data')])).toEqual({ outcome: 'missing', missing: ['a', 'c'], failed: [] });
    expect(judgeSignals(['a'], [probe('a', 'no-data'), probe('b', 'error')])).toEqual({ outcome: 'failed', missing: ['a'], failed: ['b'] });
  });
});

describe('signal coverage', () => {
  it('covered, unattributed and missing; cost-per-session is recommended only', () => {
    const manifest = example();
    const signals = manifest.metrics?.signals ?? {};
    delete signals['tool_calls'];
    delete signals['cost_per_session_usd'];
    if (signals['refusal_rate']) delete signals['refusal_rate'].attribution;
    const coverage = signalCoverage(manifest);
    expect(coverage.complete).toBe(false);
    expect(coverage.incomplete).toEqual(['tool-calls', 'refusals']);
    expect(coverage.measures.find((m) => m.measure === 'refusals')?.status).toBe('unattributed');
    expect(coverage.measures.find((m) => m.measure === 'cost-per-session')).toMatchObject({ required: false, status: 'missing' });
  });
});
