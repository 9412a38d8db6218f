import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { sha256 } from '../../src/manifest/write.js';
import { appendEntry, auditPathFor } from '../../src/state/audit-file.js';

/**
 * Records in the manifest's audit trail that the refusal tests passed against its current
 * guardrails/cases.jsonl, as `agent-rollout guardrails test` does, so that a gate's
 * refusal-tests prerequisite holds and only what a test is about decides the verdict.
 */
export async function recordRefusalTestsPassed(manifestPath: string, at = '2026-10-01T01:00:00Z'): Promise<void> {
  await appendEntry(auditPathFor(manifestPath), {
    at,
    actor: 'test@example.com',
    action: 'guardrails',
    before: null,
    after: null,
    reason: null,
    manifestSha256: sha256(await readFile(manifestPath)),
    details: {
      passed: true,
      casesSha256: sha256(await readFile(join(dirname(manifestPath), 'guardrails', 'cases.jsonl'))),
      total: 12,
      failed: 0,
    },
    tool: { name: 'agent-rollout', version: 'test' },
  });
}
