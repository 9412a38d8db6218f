import type { Alert, Manifest } from '../manifest/types.js';

/**
 * How `export prometheus-rules` names alerting rules, in a module of its own so that `plan` and
 * the guard can name an alert without loading the YAML writer.
 */

/** `support-triage-error-rate` → `SupportTriageErrorRate`. */
export function alertName(...parts: string[]): string {
  return parts
    .join('-')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '')
    .map((word) => word[0]?.toUpperCase() + word.slice(1))
    .join('');
}

/** The name of the rule of the `index`-th `metrics.alerts` entry (before duplicate names get a number). */
export function alertRuleName(alert: Alert, index: number, manifest: Manifest): string {
  const agent = manifest.agent.id;
  const id = alert.id ?? `${alert.signal}-${index + 1}`;
  return alertName(id.startsWith(`${agent}-`) ? id : `${agent}-${id}`);
}

/**
 * The name of the rule of an exit criterion: for when it fires, the signal past the bound the
 * criterion sets (`error-rate-below-threshold` with `max` fires as `…ErrorRateAboveLimitedBetaMax`),
 * not after the criterion's id, which names what passes. The `criterion` label keeps the id.
 */
export function criterionAlertName(
  agent: string,
  stage: string,
  signal: string,
  bounds: { max?: number | undefined; min?: number | undefined },
): string {
  const breach =
    bounds.max !== undefined && bounds.min !== undefined
      ? ['outside', stage, 'bounds']
      : bounds.max !== undefined
        ? ['above', stage, 'max']
        : ['below', stage, 'min'];
  return alertName(agent, signal, ...breach);
}
