import type { Measure } from '../manifest/signal-coverage.js';
import type { Manifest, Signal } from '../manifest/types.js';

/**
 * `init --signals otel-genai`: signals over the OpenTelemetry GenAI semantic conventions'
 * metrics, under the names Prometheus stores them as when they arrive through the OpenTelemetry
 * Collector's Prometheus exporter (dots to underscores, the unit as a suffix, `{token}` dropped,
 * histograms as _bucket, _sum and _count). The conventions are in development, so the version
 * the queries follow is pinned in the manifest (metrics.semanticConventions.openTelemetry). Pure.
 */

/** The version of the OpenTelemetry semantic conventions the preset's queries follow. */
export const OTEL_SEMCONV_VERSION = '1.37.0';

/** The preset names: `init --signals <preset>`. */
export const SIGNAL_PRESETS = ['default', 'otel-genai'] as const;
export type SignalPreset = (typeof SIGNAL_PRESETS)[number];

/** The metrics of the pinned version the preset reads, and the series Prometheus stores for each. */
export const OTEL_GENAI_METRICS = [
  {
    metric: 'gen_ai.client.token.usage',
    instrument: 'histogram, unit {token}',
    attributes: ['gen_ai.operation.name', 'gen_ai.provider.name', 'gen_ai.token.type', 'gen_ai.request.model'],
    stored: ['gen_ai_client_token_usage_bucket', 'gen_ai_client_token_usage_sum', 'gen_ai_client_token_usage_count'],
  },
  {
    metric: 'gen_ai.client.operation.duration',
    instrument: 'histogram, unit s',
    attributes: ['gen_ai.operation.name', 'gen_ai.provider.name', 'error.type', 'gen_ai.request.model'],
    stored: [
      'gen_ai_client_operation_duration_seconds_bucket',
      'gen_ai_client_operation_duration_seconds_sum',
      'gen_ai_client_operation_duration_seconds_count',
    ],
  },
] as const;

const DURATION = 'gen_ai_client_operation_duration_seconds';

/**
 * The categories the pinned version defines no metric for: they are left out of the preset and
 * named by init. (Refusals and content filters appear only as gen_ai.response.finish_reasons on
 * spans; guardrails, policies and sessions not at all.)
 */
export const OTEL_GENAI_UNDEFINED: readonly Measure[] = ['guardrail-triggers', 'refusals', 'policy-blocks', 'cost-per-session'];

/** The label that attributes an operation to who triggered it: `user.id` of the general registry, which GenAI metrics do not carry by themselves. */
export const OTEL_ATTRIBUTION = 'user_id';

function matchers(agent: string, extra = ''): string {
  return `{job=${JSON.stringify(agent)}${extra}}`;
}

/**
 * The preset's signals for an agent whose telemetry arrives with `service.name` = its id (the
 * exporter's `job` label): invocations are invoke_agent operations, tool calls and their latency
 * execute_tool operations, errors the operations with an error.type, and the cost per invocation
 * the tokens of the window priced per model ($tokenCost) over the invocations.
 */
export function otelGenaiSignals(agent: string): Record<string, Signal> {
  const by = (measures: Measure): Pick<Signal, 'measures' | 'attribution'> => ({ measures, attribution: OTEL_ATTRIBUTION });
  const invocations = `sum(increase(${DURATION}_count${matchers(agent, ',gen_ai_operation_name="invoke_agent"')}[$window]))`;
  return {
    invocations: {
      source: 'prom',
      ...by('invocations'),
      query: invocations,
      unit: 'invocations',
      description: 'invoke_agent operations (gen_ai.client.operation.duration) over the window.',
    },
    cost_per_invocation_usd: {
      source: 'prom',
      ...by('cost-per-invocation'),
      query: `$tokenCost${matchers(agent)} / ${invocations}`,
      unit: 'USD',
      description: 'Input and output tokens (gen_ai.client.token.usage) priced per model by metrics.tokenPrices, per invocation.',
    },
    error_rate: {
      source: 'prom',
      ...by('errors'),
      query: `sum(increase(${DURATION}_count${matchers(agent, ',error_type!=""')}[$window])) / sum(increase(${DURATION}_count${matchers(agent)}[$window]))`,
      unit: 'ratio',
      description: 'Share of GenAI operations that ended with an error.type.',
    },
    tool_calls: {
      source: 'prom',
      ...by('tool-calls'),
      query: `sum(increase(${DURATION}_count${matchers(agent, ',gen_ai_operation_name="execute_tool"')}[$window]))`,
      unit: 'calls',
      description: 'execute_tool operations over the window.',
    },
    tool_latency_p95_seconds: {
      source: 'prom',
      ...by('tool-latency'),
      query: `histogram_quantile(0.95, sum by (le) (rate(${DURATION}_bucket${matchers(agent, ',gen_ai_operation_name="execute_tool"')}[$window])))`,
      unit: 'seconds',
      description: '95th percentile of an execute_tool operation over the window.',
    },
  };
}

/**
 * The preset's alert, on one of its own signals: the template's alerts read counters the
 * conventions do not define (security events, the guardrail trigger rate) and are left out.
 */
export function otelGenaiAlerts(agent: string): NonNullable<NonNullable<Manifest['metrics']>['alerts']> {
  return [
    {
      id: `${agent}-error-rate`,
      signal: 'error_rate',
      max: 0.05,
      for: '15m',
      action: 'pause',
      severity: 'warning',
      description: 'More than 5% of GenAI operations end with an error.type for 15 minutes: pause expansion and look at the errors.',
    },
  ];
}

/** The preset's additions to the metrics section: the pinned version and the token prices per model. */
export function otelGenaiMetricsSection(model: string): Pick<NonNullable<Manifest['metrics']>, 'semanticConventions' | 'tokenPrices'> {
  return {
    semanticConventions: { openTelemetry: OTEL_SEMCONV_VERSION },
    tokenPrices: { [model]: { input: 3, output: 15 } },
  };
}
