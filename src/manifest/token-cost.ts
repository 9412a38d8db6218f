import type { Manifest } from './types.js';

/** Where the OpenTelemetry Collector's Prometheus exporter stores gen_ai.client.token.usage's sum. */
export const TOKEN_USAGE_SUM = 'gen_ai_client_token_usage_sum';

function promString(text: string): string {
  return JSON.stringify(text);
}

/** A price per million tokens as a per-token factor, without float noise: 2.5 → 0.0000025. */
function perToken(usdPerMillion: number): string {
  return String(Number((usdPerMillion / 1_000_000).toPrecision(12)));
}

/**
 * `$tokenCost`: the USD the tokens of the window cost, as PromQL: per model of
 * metrics.tokenPrices and per token type, the increase of gen_ai.client.token.usage's sum times
 * its price (`or vector(0)`, so a model that was not used costs nothing rather than leaving no
 * data). `$window` inside is replaced with the rest of the query; `extraMatchers` (`job="my-agent"`)
 * narrow the token series.
 */
export function tokenCostPromql(manifest: Manifest, extraMatchers = ''): string {
  const extra = extraMatchers.trim() === '' ? '' : `,${extraMatchers.trim()}`;
  const prices = Object.entries(manifest.metrics?.tokenPrices ?? {});
  const terms = prices.flatMap(([model, price]) =>
    price === undefined
      ? []
      : (['input', 'output'] as const).map(
          (type) =>
            `(sum(increase(${TOKEN_USAGE_SUM}{gen_ai_token_type=${promString(type)},gen_ai_request_model=${promString(model)}${extra}}[$window])) * ${perToken(price[type])} or vector(0))`,
        ),
  );
  return `(${terms.join(' + ')})`;
}

/** `$tokenCost`, optionally with matchers for the token series: `$tokenCost{job="my-agent"}`. */
export const TOKEN_COST = /\$tokenCost\b(?:\{([^{}]*)\})?|\$\{tokenCost\}/g;

/** A query with every `$tokenCost` expanded (the manifest must state prices). */
export function withTokenCost(query: string, manifest: Manifest): string {
  return query.replace(TOKEN_COST, (_token, matchers: string | undefined) => tokenCostPromql(manifest, matchers ?? ''));
}
