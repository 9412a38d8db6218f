import { resolveDottedPath } from '../manifest/dotted-path.js';
import type { Audience, Criterion, Manifest } from '../manifest/types.js';
import { plural } from '../text/plural.js';

/** A number as a person reads it: no float noise (0.064, not 0.06400000000000001). */
export function formatNumber(value: number): string {
  return String(Number(value.toPrecision(12)));
}

/** A value with the signal's unit: `3 tickets/day`, `0.02 (2%)` for a ratio, `0` with no unit. */
export function withUnit(value: number, unit: string | undefined): string {
  if (unit === undefined || unit === '') return formatNumber(value);
  if (unit === 'ratio') return `${formatNumber(value)} (${formatNumber(value * 100)}%)`;
  return `${formatNumber(value)} ${unit}`;
}

/**
 * An exit criterion in words, as a reviewer reads it: `security_events must be 0`,
 * `cost_per_invocation_usd within 20% of 0.08 USD (0.064 to 0.096 USD)`,
 * `error_rate at most 0.02 (2%) at every sample for 14d`. Pure.
 */
export function criterionText(criterion: Criterion, manifest: Manifest): string {
  if (criterion.drill) return `a rollback drill of the current rollback section passed within ${criterion.drill.passedWithin}`;
  if (criterion.guardrails)
    return `the guardrail tests passed within ${criterion.guardrails.passedWithin} against the current agent, guardrails and cases`;
  const signal = criterion.signal ?? '(no signal)';
  const unit = manifest.metrics?.signals?.[signal]?.unit;
  let text: string;
  if (criterion.withinPercent !== undefined) {
    const target = criterion.of === undefined ? undefined : resolveDottedPath(manifest, criterion.of);
    if (typeof target === 'number' && Number.isFinite(target)) {
      const low = target * (1 - criterion.withinPercent / 100);
      const high = target * (1 + criterion.withinPercent / 100);
      const range =
        unit === undefined || unit === 'ratio'
          ? `${formatNumber(low)} to ${formatNumber(high)}`
          : `${formatNumber(low)} to ${formatNumber(high)} ${unit}`;
      text = `${signal} within ${formatNumber(criterion.withinPercent)}% of ${withUnit(target, unit === 'ratio' ? undefined : unit)} (${range})`;
    } else {
      text = `${signal} within ${formatNumber(criterion.withinPercent)}% of ${criterion.of ?? 'a value'} (not a number in this manifest)`;
    }
  } else if (criterion.max !== undefined && criterion.min !== undefined) {
    text = `${signal} between ${withUnit(criterion.min, unit)} and ${withUnit(criterion.max, unit)}`;
  } else if (criterion.max === 0) {
    text = `${signal} must be 0`;
  } else if (criterion.max !== undefined) {
    text = `${signal} at most ${withUnit(criterion.max, unit)}`;
  } else if (criterion.min !== undefined) {
    text = `${signal} at least ${withUnit(criterion.min, unit)}`;
  } else {
    text = `${signal} (no bound)`;
  }
  if (criterion.for !== undefined) text += ` at every sample for ${criterion.for}`;
  return text;
}

/** A stage's audience in words: `orgs support-pilot; users alice@example.com, bob@example.com; 20 invocations/day`. */
export function audienceText(audience: Audience): string {
  const parts: string[] = [];
  if (audience.percent !== undefined)
    parts.push(audience.percent === 100 ? 'everyone (100%)' : `${formatNumber(audience.percent)}% of users or workloads`);
  if (audience.orgs?.length)
    parts.push(`${audience.orgs.length === 1 ? 'org' : plural(audience.orgs.length, 'org')} ${audience.orgs.join(', ')}`);
  if (audience.users?.length)
    parts.push(`${audience.users.length === 1 ? 'user' : plural(audience.users.length, 'user')} ${audience.users.join(', ')}`);
  if (audience.invocationsPerDay !== undefined) parts.push(`about ${formatNumber(audience.invocationsPerDay)} invocations/day`);
  return parts.join('; ');
}
