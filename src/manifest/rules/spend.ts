import { dailyEstimate } from '../cost.js';
import type { Manifest } from '../types.js';
import type { Finding } from './rule.js';
import { pointer } from '../../json/pointer.js';

/** How far above the estimate a spend limit may sit before it stops protecting anything. */
export const SPEND_HEADROOM = 3;

function usd(value: number): string {
  return `${Number(value.toFixed(2))} USD`;
}

/** AR115, AR116: each stage's spend limit is in line with the cost envelope's estimate. */
export function checkSpendLimits(manifest: Manifest): Finding[] {
  const findings: Finding[] = [];
  manifest.stages.forEach((stage, i) => {
    const limit = stage.spendLimit?.usdPerDay;
    const estimate = dailyEstimate(stage, manifest.inventory.costEnvelope);
    if (limit === undefined || estimate === undefined) return;
    const at = pointer('stages', i, 'spendLimit', 'usdPerDay');
    if (limit < estimate.usdPerDay) {
      findings.push({
        rule: 'AR115',
        pointer: at,
        message: `stage "${stage.id}" may spend ${usd(limit)}/day but is expected to cost ${usd(estimate.usdPerDay)}/day (${estimate.basis})`,
        hint: `raise spendLimit.usdPerDay to at least ${usd(estimate.usdPerDay)}, or revise the cost envelope`,
      });
    } else if (limit > SPEND_HEADROOM * estimate.usdPerDay) {
      findings.push({
        rule: 'AR116',
        pointer: at,
        message: `stage "${stage.id}" may spend ${usd(limit)}/day, more than ${SPEND_HEADROOM}× its expected ${usd(estimate.usdPerDay)}/day (${estimate.basis})`,
        hint: `lower spendLimit.usdPerDay to at most ${usd(SPEND_HEADROOM * estimate.usdPerDay)}`,
      });
    }
  });
  return findings;
}
