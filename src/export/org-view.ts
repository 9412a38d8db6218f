import { currentStage } from '../manifest/access.js';
import type { GovernanceMode, Manifest } from '../manifest/types.js';
import { globalGovernanceMode, percentWeights } from './flagd.js';
import { fractionalBucket } from './fractional-bucket.js';

/**
 * What one organization gets of one agent now: on or off and why, and its governance mode, as
 * the flags `export flagd` writes evaluate for `{ orgId: ORG }` (src/export/flagd.ts, the same
 * order of rules: kill switch, org forced off, org forced on, the stage audience's orgs, its
 * percent bucket). test/unit/org-view.test.ts evaluates the exported flags with flagd-core. Pure.
 */

export type OrgReason =
  | 'kill switch off'
  | 'org forced off'
  | 'org forced on'
  | 'in the stage audience orgs'
  | 'stage audience is 100%'
  | 'inside the stage percentage bucket'
  | 'outside the stage percentage bucket'
  | 'not in the stage audience';

export interface OrgAccess {
  on: boolean;
  why: OrgReason;
  mode: GovernanceMode;
  /** For a percentage: the stage's percent and the org's bucket out of the split's total weight. */
  bucket?: { percent: number; bucket: number; of: number; onBelow: number };
}

/** The flag key `export flagd` writes for the agent's switch. */
export const enabledFlagKey = (manifest: Manifest): string => `${manifest.agent.id}.enabled`;

/** The governance mode the `<agent>.governance-mode` flag serves for ORG: its override, else the global mode. */
export function orgGovernanceMode(manifest: Manifest, org: string): GovernanceMode {
  return manifest.state.orgs?.[org]?.governanceMode ?? globalGovernanceMode(manifest);
}

/** Whether ORG gets the agent now, and why: what `<agent>.enabled` serves for `{ orgId: ORG }`. */
export function orgAccess(manifest: Manifest, org: string): OrgAccess {
  const mode = orgGovernanceMode(manifest, org);
  const off = (why: OrgReason): OrgAccess => ({ on: false, why, mode });
  const on = (why: OrgReason): OrgAccess => ({ on: true, why, mode });
  if (!manifest.state.enabled) return off('kill switch off');
  const override = manifest.state.orgs?.[org]?.enabled;
  if (override === false) return off('org forced off');
  if (override === true) return on('org forced on');
  const audience = currentStage(manifest)?.audience ?? {};
  if ((audience.orgs ?? []).includes(org)) return on('in the stage audience orgs');
  const percent = audience.percent ?? 0;
  if (percent >= 100) return on('stage audience is 100%');
  if (percent <= 0) return off('not in the stage audience');
  // The split is [on, weights.on], [off, weights.off]: the first variant whose running weight passes the bucket.
  const weights = percentWeights(percent);
  const total = weights.on + weights.off;
  const bucket = fractionalBucket(`${enabledFlagKey(manifest)}${org}`, total);
  const detail = { bucket: { percent, bucket, of: total, onBelow: weights.on } };
  return bucket < weights.on
    ? { ...on('inside the stage percentage bucket'), ...detail }
    : { ...off('outside the stage percentage bucket'), ...detail };
}
