import { createHash } from 'node:crypto';
import type { Manifest } from '../manifest/types.js';
import { canonicalJson } from './canonical-json.js';

/**
 * The identity of a manifest's rollback section: SHA-256 of its canonical JSON. A drill records
 * it; a `drill.passedWithin` criterion passes only for a drill of the section as it is now, so a
 * changed rollback (reordered steps, a new probe, a longer window) needs a new drill.
 */
export function rollbackSha256(manifest: Pick<Manifest, 'rollback'>): string | undefined {
  if (!manifest.rollback) return undefined;
  return createHash('sha256').update(canonicalJson(manifest.rollback)).digest('hex');
}
