import { CliError } from '../errors.js';
import type { Manifest } from '../manifest/types.js';
import { buildPlan } from '../plan/model.js';
import type { FleetRow } from '../state/fleet.js';
import { fleetAgent } from '../state/fleet.js';
import type { Io } from '../ui/io.js';
import { readStatus } from './read-status.js';

/** One manifest's row of the fleet, and the manifest (for `--org`) when it could be read. */
export interface ReadRow {
  row: FleetRow;
  manifest?: Manifest;
}

/** One manifest's fleet row: its status (as `status` computes it for one agent) and its plan's blockers; or why it cannot be read. */
export async function fleetRow(path: string, io: Io, now: number, redact: (text: string) => string): Promise<ReadRow> {
  try {
    const read = await readStatus(path, io, now);
    const { opened, trail, evidence, status } = read;
    const plan = buildPlan({
      path,
      manifest: opened.manifest,
      diagnostics: opened.validation.diagnostics,
      trail: trail.entries,
      trailProblems: trail.problems.length,
      now: new Date(now),
      ...(evidence ? { guardrailEvidence: evidence } : {}),
    });
    return { row: fleetAgent(path, opened.manifest, status, plan.blockedBy.length, now), manifest: opened.manifest };
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    return { row: { manifest: path, error: redact(`${error.message}${error.hint ? ` (${error.hint})` : ''}`) } };
  }
}
