import type { Manifest } from '../manifest/types.js';
import { TOKEN_COST, withTokenCost } from '../manifest/token-cost.js';
import { SourceFailure } from './http-get.js';

/** A prometheus query with `$tokenCost` expanded; a SourceFailure when the manifest states no prices. */
export function expandTokenCost(query: string, manifest: Manifest, signal: string): string {
  if (!query.match(TOKEN_COST)) return query;
  if (Object.keys(manifest.metrics?.tokenPrices ?? {}).length === 0)
    throw new SourceFailure(
      `signal ${signal} uses $tokenCost, but metrics.tokenPrices states no prices (USD per million tokens, per model)`,
    );
  return withTokenCost(query, manifest);
}
