import { FileReadError, readBounded } from '../files/bounded-read.js';
import { containedPath } from '../drill/contained-path.js';
import type { Manifest } from '../manifest/types.js';
import type { EvidenceIdentity } from './identity.js';
import { evidenceIdentity } from './identity.js';

/** Cases and prompt files larger than this are refused (they are text a person reviews). */
export const MAX_EVIDENCE_FILE_BYTES = 10 * 1024 * 1024;

/** A file the manifest names, inside its folder: its bytes, or why they cannot be had. */
export async function readManifestFile(folder: string, path: string, what: string): Promise<Uint8Array | { problem: string }> {
  const contained = await containedPath(folder, path, what);
  if (!contained.ok) return { problem: contained.message };
  try {
    return await readBounded(contained.path, { maxBytes: MAX_EVIDENCE_FILE_BYTES });
  } catch (error) {
    if (!(error instanceof FileReadError)) throw error;
    const why = error.code === 'ETOOBIG' ? 'larger than 10 MB' : error.code === 'EISDIR' ? 'a folder' : error.reason;
    return { problem: `cannot read ${what} ${path}: ${why}` };
  }
}

/**
 * The identity of the manifest's guardrail test evidence (src/guardrails/identity.ts), reading
 * the cases file and the agent's prompt file from the manifest's folder. Undefined when the
 * manifest has no refusal tests (`guardrails.boundaries.tests`).
 */
export async function readEvidenceIdentity(manifest: Manifest, folder: string): Promise<EvidenceIdentity | undefined> {
  const tests = manifest.guardrails?.boundaries?.tests;
  if (!tests) return undefined;
  const promptFile = manifest.agent.promptFile;
  const [cases, prompt] = await Promise.all([
    readManifestFile(folder, tests.cases, 'guardrails.boundaries.tests.cases'),
    promptFile === undefined ? Promise.resolve(undefined) : readManifestFile(folder, promptFile, 'agent.promptFile'),
  ]);
  return evidenceIdentity(manifest, { cases, ...(prompt ? { prompt } : {}) });
}
