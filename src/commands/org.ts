import { UsageError } from '../errors.js';
import type { OrgChange } from '../state/transitions.js';
import { isOrgName, org } from '../state/transitions.js';
import type { Io } from '../ui/io.js';
import type { StateCommandOptions } from './state-change.js';
import { changeState } from './state-change.js';

/** `agent-rollout org enable|disable|mode|clear ORG`: per-org overrides of enabled and governance mode. */
export async function orgCommand(change: OrgChange, options: StateCommandOptions, io: Io): Promise<number> {
  if (!isOrgName(change.org)) {
    throw new UsageError(
      `${JSON.stringify(change.org)} is not an org name`,
      'org names are letters, digits and . _ @ - (up to 128, starting with a letter or digit), as in stages[].audience.orgs',
    );
  }
  return changeState(options, io, (manifest, context) => org(manifest, { ...context, ...change }));
}
