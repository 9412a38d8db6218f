import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainEntry } from '../../src/state/audit.js';
import { CASES, SUPPORT } from '../helpers/diff-cases.js';
import { parseJsonOutput, runInProcess, tempDir, writeFiles } from '../helpers/cli.js';

/**
 * Every diff risk rule's before/after pair (test/helpers/diff-cases.ts), run through the program
 * (in-process) on files in a temporary folder: BASE and HEAD as two manifests, HEAD with an audit
 * trail beside it that records its state, as `agent-rollout` would have written it.
 */

interface JsonDiff {
  changes: { subject: string; risk: string; rule: string; reason: string }[];
}

let dir: string;
let cleanup: () => Promise<void>;
const results = new Map<number, { code: number | null; stderr: string; diff: JsonDiff }>();

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('agent-rollout-diff-rules-'));
  const runs = CASES.map((c, i) => async () => {
    const base = structuredClone(c.start ?? SUPPORT);
    const head = structuredClone(base);
    c.edit(head, base);
    const folder = join(dir, `case-${i}`);
    await writeFiles(folder, { 'base.json': JSON.stringify(base, null, 2), 'head/rollout.json': JSON.stringify(head, null, 2) });
    const entry = chainEntry(
      {
        at: '2026-11-20T10:00:00Z',
        actor: 'alice@example.com',
        action: 'mode',
        before: base.state,
        after: head.state,
        reason: null,
        manifestSha256: '0'.repeat(64),
        tool: { name: 'agent-rollout', version: '0.1.0' },
      },
      undefined,
    );
    await writeFile(join(folder, 'head', 'rollout.audit.jsonl'), `${JSON.stringify(entry)}\n`);
    const result = await runInProcess(['diff', 'base.json', 'head/rollout.json', '--format', 'json'], { cwd: folder });
    results.set(i, { code: result.code, stderr: result.stderr, diff: parseJsonOutput<JsonDiff>(result.stdout) });
  });
  // A few processes at a time: the cases are independent.
  for (let i = 0; i < runs.length; i += 6) await Promise.all(runs.slice(i, i + 6).map((run) => run()));
}, 240_000);
afterAll(async () => cleanup());

describe('each diff risk rule, through the program', () => {
  CASES.forEach((c, i) => {
    it(`${c.rule} (${c.risk}): ${c.name}`, () => {
      const result = results.get(i);
      expect(result?.code, result?.stderr).toBe(0);
      const changes = result?.diff.changes ?? [];
      expect(changes.map((change) => [change.subject, change.risk, change.rule])).toEqual([[c.subject, c.risk, c.rule]]);
      expect(changes[0]?.reason.length).toBeGreaterThan(10);
    });
  });
});
