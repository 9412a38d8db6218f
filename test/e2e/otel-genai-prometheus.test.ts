import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTEL_GENAI_METRICS, OTEL_SEMCONV_VERSION } from '../../src/init/otel-genai.js';
import { ROOT, copyExample, parseJsonOutput, runInProcess, tempDir } from '../helpers/cli.js';
import { WEEK_END, startPrometheus } from '../helpers/prometheus.js';
import type { PrometheusServer } from '../helpers/prometheus.js';

/**
 * The OpenTelemetry GenAI preset against a real Prometheus: a week of data under exactly the
 * names the OpenTelemetry Collector's Prometheus exporter stores the pinned conventions' metrics
 * as, backfilled with promtool, then `signals check` and `gate` on examples/otel-genai.
 */

const STEP = 5 * 60_000;
/** One day of data, the last of the helper's synthetic week: enough for the pilot's window, quick to backfill. */
const START = WEEK_END - 86_400_000;
const STEPS = 288;
const AGENT = 'research-assistant';
const MODEL = 'claude-sonnet-4-5';
/** Per 5 minutes: invocations, tool calls, tokens per invocation. */
const PER_STEP = { invocations: 2, tools: 6, input: 8000, output: 1200 };
/** Tool call durations per step: two fast, two medium, two slow; the buckets the conventions advise. */
const TOOL_DURATIONS = [0.05, 0.07, 0.2, 0.3, 0.5, 0.6];
const BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

function labels(pairs: Record<string, string>): string {
  return `{${Object.entries(pairs)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}}`;
}

/** A day of OpenMetrics: the GenAI histograms' _bucket/_sum/_count, and the application's own counters. */
function genaiWeek(): string {
  const lines: string[] = [];
  const base = { job: AGENT, gen_ai_provider_name: 'anthropic', gen_ai_request_model: MODEL, user_id: 'alice@example.com' };
  const series = (name: string, pairs: Record<string, string>, perStep: number) => {
    for (let t = START, value = 0; t <= WEEK_END; t += STEP) {
      if (t > START) value += perStep;
      lines.push(`${name}${labels(pairs)} ${Number(value.toFixed(6))} ${t / 1000}`);
    }
  };
  const duration = 'gen_ai_client_operation_duration_seconds';
  series(`${duration}_count`, { ...base, gen_ai_operation_name: 'invoke_agent' }, PER_STEP.invocations);
  series(`${duration}_sum`, { ...base, gen_ai_operation_name: 'invoke_agent' }, PER_STEP.invocations * 4);
  // One invocation in 100 times out.
  series(`${duration}_count`, { ...base, gen_ai_operation_name: 'invoke_agent', error_type: 'timeout' }, 0.02);
  const tool = { ...base, gen_ai_operation_name: 'execute_tool' };
  series(`${duration}_count`, tool, PER_STEP.tools);
  series(
    `${duration}_sum`,
    tool,
    TOOL_DURATIONS.reduce((a, b) => a + b, 0),
  );
  for (const le of [...BUCKETS.map(String), '+Inf'])
    series(`${duration}_bucket`, { ...tool, le }, TOOL_DURATIONS.filter((d) => le === '+Inf' || d <= Number(le)).length);
  const tokens = { ...base, gen_ai_operation_name: 'chat' };
  series('gen_ai_client_token_usage_sum', { ...tokens, gen_ai_token_type: 'input' }, PER_STEP.invocations * PER_STEP.input);
  series('gen_ai_client_token_usage_sum', { ...tokens, gen_ai_token_type: 'output' }, PER_STEP.invocations * PER_STEP.output);
  series('gen_ai_client_token_usage_count', { ...tokens, gen_ai_token_type: 'input' }, PER_STEP.invocations);
  series('gen_ai_client_token_usage_count', { ...tokens, gen_ai_token_type: 'output' }, PER_STEP.invocations);
  series('gen_ai_client_token_usage_bucket', { ...tokens, gen_ai_token_type: 'input', le: '+Inf' }, PER_STEP.invocations);
  // The application's own counters, for what the conventions do not define.
  const own = { job: AGENT, user_id: 'alice@example.com' };
  series('agent_guardrail_triggers_total', own, 0.02);
  series('agent_refusals_total', own, 0.01);
  series('agent_sessions_total', own, 1);
  // Policy blocks are counted without the user: signals check must say so.
  series('agent_policy_blocks_total', { job: AGENT }, 0.01);
  series('agent_security_events_total', { job: AGENT }, 0);
  series('agent_guardrail_output_matches_total', { job: AGENT }, 0);
  series('dlp_findings_total', { origin: AGENT }, 0);
  series('helpdesk_tickets_created_total', { tag: AGENT }, 0);
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

const AT = new Date(WEEK_END).toISOString();
let prometheus: PrometheusServer;
let dir: string;
let cleanup: () => Promise<void>;
let folder: string;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('agent-rollout-otel-'));
  prometheus = await startPrometheus(genaiWeek());
  folder = await copyExample('otel-genai', join(dir, 'otel'));
  const path = join(folder, 'rollout.json');
  const manifest = JSON.parse(await readFile(path, 'utf8'));
  manifest.metrics.sources.prom.url = prometheus.url;
  manifest.state.since = new Date(START).toISOString();
  await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`);
});
afterAll(async () => {
  await prometheus?.cleanup();
  await cleanup?.();
});

interface Probe {
  signal: string;
  status: string;
  value?: number;
  series: number;
  attribution?: { label: string; present: boolean | null };
}

describe('the OpenTelemetry GenAI preset on a real Prometheus', () => {
  it('the example pins the conventions and every stored name of the preset is in docs/signals.md', async () => {
    const manifest = JSON.parse(await readFile(join(ROOT, 'examples', 'otel-genai', 'rollout.json'), 'utf8'));
    expect(manifest.metrics.semanticConventions).toEqual({ openTelemetry: OTEL_SEMCONV_VERSION });
    const doc = await readFile(join(ROOT, 'docs', 'signals.md'), 'utf8');
    expect(doc).toContain(OTEL_SEMCONV_VERSION);
    for (const metric of OTEL_GENAI_METRICS) {
      expect(doc).toContain(`\`${metric.metric}\``);
      for (const stored of metric.stored) expect(doc).toContain(`\`${stored}\``);
    }
  });

  it('init --signals otel-genai: the pinned version, the prices, and the categories the version leaves out, named', async () => {
    const target = join(dir, 'init');
    const env = { AGENT_ROLLOUT_ACTOR: 'alice@example.com', AGENT_ROLLOUT_CONFIG_DIR: join(dir, '.config') };
    const init = await runInProcess(['init', '--yes', '--signals', 'otel-genai', '-m', join(target, 'rollout.json')], { cwd: dir, env });
    expect(init.code).toBe(0);
    expect(init.stdout).toContain(
      `  Left out: guardrail-triggers, refusals, policy-blocks, cost-per-session: the conventions ${OTEL_SEMCONV_VERSION} define no metric for them; add signals of your own (docs/signals.md).\n`,
    );
    // No counter the conventions do not define: the criteria and alerts that would read one are left out, and named.
    expect(init.stdout).toContain(
      `  Left out of the stage criteria and alerts: they read signals the conventions ${OTEL_SEMCONV_VERSION} do not define; add signals of your own and put them back (docs/signals.md):\n` +
        '    internal-pilot: zero-security-events (security_events), no-output-violations (output_policy_violations)\n' +
        '    limited-beta: no-data-class-escapes (data_class_escapes), support-volume-manageable (support_tickets_per_day)\n' +
        '    alerts: my-agent-security-event (security_events), my-agent-guardrail-trigger-rate (guardrail_trigger_rate)\n',
    );
    const manifest = JSON.parse(await readFile(join(target, 'rollout.json'), 'utf8'));
    const queries = Object.values<{ query: string }>(manifest.metrics.signals).map((signal) => signal.query);
    const metricNames = queries.flatMap((query) => query.match(/\b[a-z_]+(?=\{)/g) ?? []);
    expect(new Set(metricNames)).toEqual(
      new Set(['gen_ai_client_operation_duration_seconds_count', 'gen_ai_client_operation_duration_seconds_bucket']),
    );
    expect(queries.some((query) => query.startsWith('$tokenCost{'))).toBe(true);
    expect(
      manifest.stages.map((stage: { id: string; exitCriteria: { id: string; signal?: string }[] }) => [
        stage.id,
        stage.exitCriteria.map((c) => `${c.id}${c.signal ? ` (${c.signal})` : ''}`),
      ]),
    ).toEqual([
      ['internal-pilot', ['cost-within-estimate (cost_per_invocation_usd)']],
      ['limited-beta', ['error-rate-below-threshold (error_rate)']],
      ['general-availability', ['error-rate-stable (error_rate)', 'rollback-tested']],
    ]);
    expect(manifest.metrics.alerts.map((a: { id: string; signal: string }) => `${a.id} (${a.signal})`)).toEqual([
      'my-agent-error-rate (error_rate)',
    ]);
    expect(manifest.metrics.semanticConventions).toEqual({ openTelemetry: OTEL_SEMCONV_VERSION });
    expect(manifest.metrics.tokenPrices).toEqual({ 'provider/model-name': { input: 3, output: 15 } });
    expect(manifest.metrics.signals.tool_latency_p95_seconds.query).toBe(
      'histogram_quantile(0.95, sum by (le) (rate(gen_ai_client_operation_duration_seconds_bucket{job="my-agent",gen_ai_operation_name="execute_tool"}[$window])))',
    );
    const validate = await runInProcess(['validate', '--format', 'json', join(target, 'rollout.json')], { cwd: dir, env });
    expect(validate.code).toBe(0);
    const findings = parseJsonOutput<{ files: { diagnostics: { rule: string; message: string }[] }[] }>(validate.stdout).files[0]
      ?.diagnostics;
    expect(findings?.map((d) => d.message)).toEqual(
      ['guardrail-triggers', 'refusals', 'policy-blocks'].map(
        (m) => `no signal measures ${m}; the practice requires it, attributed, before leaving the first stage`,
      ),
    );
  });

  it('signals check: every signal has data; values from the GenAI histograms; the attribution label where it is', async () => {
    const result = await runInProcess(['signals', 'check', '--at', AT, '--format', 'json'], { cwd: folder });
    expect(result.stderr).toBe('');
    const report = parseJsonOutput<{ outcome: string; probes: Probe[] }>(result.stdout);
    const probe = (name: string): Probe => {
      const found = report.probes.find((p) => p.signal === name);
      if (!found) throw new Error(`no ${name}`);
      return found;
    };
    expect(report.probes.filter((p) => p.status !== 'data').map((p) => p.signal)).toEqual([]);
    expect(report.outcome).toBe('ok');
    expect(result.code).toBe(0);
    // 2.02 invocations every 5 minutes (0.02 of them time out) for a day.
    expect(probe('invocations').value).toBeCloseTo(2.02 * STEPS, 0);
    // The tokens of 2 invocations, (8000 × 3 + 1200 × 15) USD per million tokens each, over 2.02 invocations.
    expect(probe('cost_per_invocation_usd').value).toBeCloseTo(0.084 / 2.02, 4);
    expect(probe('tool_calls').value).toBeCloseTo(6 * STEPS, 0);
    // The 95th percentile falls in the 0.32 to 0.64 bucket.
    expect(probe('tool_latency_p95_seconds').value).toBeGreaterThan(0.32);
    expect(probe('tool_latency_p95_seconds').value).toBeLessThanOrEqual(0.64);
    expect(probe('error_rate').value).toBeCloseTo(0.02 / (2.02 + 6), 4);
    for (const name of ['invocations', 'cost_per_invocation_usd', 'tool_calls', 'tool_latency_p95_seconds', 'error_rate', 'refusal_rate'])
      expect(probe(name).attribution, name).toEqual({ label: 'user_id', present: true });
    expect(probe('policy_block_rate').attribution).toMatchObject({ label: 'user_id', present: false });

    const text = await runInProcess(['signals', 'check', '--at', AT], { cwd: folder });
    expect(text.stdout).toMatch(
      /\n {2}policy_block_rate +prom \(prometheus\) +✔ yes +\S+ +1 +✖ user_id \(not on agent_policy_blocks_total\{job="research-assistant"\}\)/,
    );
  });

  it('gate: the pilot criteria pass on the GenAI metrics, the cost from the token prices', async () => {
    const result = await runInProcess(['gate', '--at', AT, '--window', '1d', '--format', 'json'], { cwd: folder });
    const report = parseJsonOutput<{ verdict: string; criteria: { id: string; status: string; observed: unknown }[] }>(result.stdout);
    expect(report.criteria.map((c) => [c.id, c.status])).toEqual([
      ['zero-security-events', 'pass'],
      ['cost-within-estimate', 'pass'],
      ['no-output-violations', 'pass'],
    ]);
    expect(report.criteria.find((c) => c.id === 'cost-within-estimate')?.observed).toBeCloseTo(0.084 / 2.02, 4);
  });
});
