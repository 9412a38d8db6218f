import { dirname } from 'node:path';
import { readEvidenceIdentity } from '../guardrails/evidence-files.js';
import type { EvidenceIdentity } from '../guardrails/identity.js';
import type { ParsedTrail } from '../state/audit.js';
import { auditPathFor, readTrail } from '../state/audit-file.js';
import type { RolloutStatus } from '../state/status.js';
import { rolloutStatus } from '../state/status.js';
import type { Io } from '../ui/io.js';
import type { OpenManifest } from './open-manifest.js';
import { openManifest } from './open-manifest.js';

/** One manifest's status and what it was computed from: what `status` shows, for one agent or a row of the fleet. */
export interface ReadStatus {
  opened: OpenManifest;
  trail: ParsedTrail & { exists: boolean };
  evidence: EvidenceIdentity | undefined;
  status: RolloutStatus;
}

/** Opens the manifest at `path`, reads its trail and guardrail evidence, and computes its status as of `now`. */
export async function readStatus(path: string, io: Io, now: number): Promise<ReadStatus> {
  const opened = await openManifest(path, io);
  const { trail, exists } = await readTrail(auditPathFor(opened.file));
  const evidence = await readEvidenceIdentity(opened.manifest, dirname(opened.file));
  const withExists = { ...trail, exists };
  return { opened, trail: withExists, evidence, status: rolloutStatus(opened.manifest, withExists, now, evidence) };
}
