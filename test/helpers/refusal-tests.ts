import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { readEvidenceIdentity } from '../../src/guardrails/evidence-files.js';
import { evidenceDetails } from '../../src/guardrails/evidence.js';
import type { Manifest } from '../../src/manifest/types.js';
import { sha256 } from '../../src/manifest/write.js';
import { appendEntry, auditPathFor } from '../../src/state/audit-file.js';

/**
 * Records in the manifest's audit trail that the refusal tests passed against its current
 * cases file, guardrails section and agent, as `agent-rollout guardrails test` does, so that a
 * gate's refusal-tests prerequisite holds and only what a test is about decides the verdict.
 */
export async function recordRefusalTestsPassed(manifestPath: string, at = '2026-10-01T01:00:00Z', passed = true): Promise<void> {
  const text = await readFile(manifestPath, 'utf8');
  const identity = await readEvidenceIdentity(JSON.parse(text) as Manifest, dirname(manifestPath));
  if (!identity || identity.problems.length > 0)
    throw new Error(`no refusal test identity for ${manifestPath}: ${identity?.problems.join('; ')}`);
  await appendEntry(auditPathFor(manifestPath), {
    at,
    actor: 'test@example.com',
    action: 'guardrails',
    before: null,
    after: null,
    reason: null,
    manifestSha256: sha256(text),
    details: {
      passed,
      ...evidenceDetails(identity),
      cases: 12,
      total: 12,
      failed: passed ? 0 : 3,
      failedCategories: passed ? [] : ['prompt-injection'],
    },
    tool: { name: 'agent-rollout', version: 'test' },
  });
}
