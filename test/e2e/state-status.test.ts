import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/manifest/types.js';
import type { AuditEntry, AuditInput } from '../../src/state/audit.js';
import { chainEntry } from '../../src/state/audit.js';
import { rollbackSha256 } from '../../src/state/rollback-hash.js';
import { copyExample, parseJsonOutput, runInProcess, tempDir } from '../helpers/cli.js';
import { recordRefusalTestsPassed } from '../helpers/refusal-tests.js';

let dir: string;
let cleanup: () => Promise<void>;
let env: Record<string, string>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('agent-rollout-status-'));
  env = { AGENT_ROLLOUT_ACTOR: 'alice@example.com', AGENT_ROLLOUT_CONFIG_DIR: join(dir, 'config') };
});
afterAll(async () => cleanup());

const DAY = 86_400_000;
const ago = (ms: number): string => new Date(Date.now() - ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Writes a trail of recorded results and state changes, chained as the tool chains them. */
async function writeTrail(folder: string, inputs: Partial<AuditInput>[]): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  for (const input of inputs) {
    entries.push(
      chainEntry(
        {
          at: ago(0),
          actor: 'ci@example.com',
          action: 'gate',
          before: null,
          after: null,
          reason: null,
          manifestSha256: sha256('x'),
          tool: { name: 'agent-rollout', version: '0.1.0' },
          ...input,
        },
        entries.at(-1),
      ),
    );
  }
  await writeFile(join(folder, 'rollout.audit.jsonl'), entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
  return entries;
}

describe('status', () => {
  it('a fresh example: enabled, stage and since when, mode, no pause, nothing recorded yet, org overrides', async () => {
    const folder = await copyExample('support-triage', join(dir, 'fresh'));
    const result = await runInProcess(['status'], { cwd: folder, env });
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('support-triage (Support triage agent) rollout.json');
    expect(lines[1]).toBe('  enabled     yes');
    expect(lines[2]).toMatch(
      /^ {2}stage {7}internal-pilot \(stage 1 of 3, audience orgs support-pilot \+ 2 users\) since 2026-11-16 09:00:00 UTC \(\d+d ago\)$/,
    );
    expect(lines.slice(3)).toEqual([
      '  mode        observe',
      '  paused      no',
      '  last gate   none recorded for internal-pilot',
      '  guardrails  none: no guardrail test run is recorded; run `agent-rollout guardrails test`',
      '  last drill  none recorded',
      '  orgs        support-pilot enabled',
      '  audit       no audit trail yet',
      '',
    ]);
  });

  it('last gate and last drill with their age, the pause, the org modes, and since from the trail', async () => {
    const folder = await copyExample('support-triage', join(dir, 'recorded'));
    const path = join(folder, 'rollout.json');
    const doc = JSON.parse(await readFile(path, 'utf8')) as Manifest;
    const previous = { ...doc.state };
    const state = {
      enabled: true,
      stage: 'limited-beta',
      governanceMode: 'enforce' as const,
      paused: { reason: 'INC-7 latency', at: ago(3 * 3_600_000), by: 'bob@example.com' },
      orgs: { 'support-pilot': { enabled: true }, 'beta-co': { governanceMode: 'observe' as const, enabled: false } },
    };
    await writeFile(path, JSON.stringify({ ...doc, state }, null, 2));
    await writeTrail(folder, [
      { action: 'drill', at: ago(5 * DAY + 60_000), details: { passed: true, rollbackSha256: rollbackSha256(doc), durationMs: 240_000 } },
      {
        action: 'advance',
        at: ago(4 * DAY + 60_000),
        before: previous,
        after: { ...state, paused: undefined, orgs: previous.orgs },
        details: { from: 'internal-pilot', to: 'limited-beta', forced: false, gate: { verdict: 'go', criteria: [] } },
      },
      { action: 'gate', at: ago(2 * DAY + 60_000), details: { stage: 'limited-beta', verdict: 'no-go' } },
      {
        action: 'pause',
        actor: 'bob@example.com',
        at: state.paused.at,
        before: { ...state, paused: undefined, orgs: previous.orgs },
        after: state,
        reason: 'INC-7 latency',
      },
    ]);
    const result = await runInProcess(['status'], { cwd: folder, env });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('  stage       limited-beta (stage 2 of 3, audience 5%) since ');
    expect(result.stdout).toMatch(/since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(4d ago, from audit seq 2\)\n/);
    expect(result.stdout).toContain('  mode        enforce; per org: beta-co observe\n');
    expect(result.stdout).toMatch(
      / {2}paused {6}yes, since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(3h ago\) by bob@example\.com: "INC-7 latency"\n/,
    );
    expect(result.stdout).toMatch(
      / {2}last gate {3}no-go for limited-beta, 2d ago \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, seq 3 by ci@example\.com\)\n/,
    );
    expect(result.stdout).toMatch(
      / {2}last drill {2}passed 5d ago \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, seq 1 by ci@example\.com\); covers the current rollback section\n/,
    );
    expect(result.stdout).toContain('  orgs        support-pilot enabled; beta-co disabled, observe\n');
    expect(result.stdout).toContain('  audit       4 entries; state matches the trail\n');

    const json = parseJsonOutput<Record<string, any>>((await runInProcess(['status', '--format', 'json'], { cwd: folder, env })).stdout);
    expect(json).toMatchObject({
      formatVersion: 1,
      manifest: 'rollout.json',
      enabled: true,
      stage: { id: 'limited-beta', position: 2, of: 3, since: { source: 'audit', seq: 2 } },
      governanceMode: { mode: 'enforce', source: 'state' },
      paused: { reason: 'INC-7 latency', by: 'bob@example.com' },
      lastGate: { via: 'gate', verdict: 'no-go', stage: 'limited-beta', seq: 3 },
      lastDrill: { passed: true, coversCurrentRollback: true, seq: 1 },
      orgs: [
        { org: 'support-pilot', enabled: true },
        { org: 'beta-co', governanceMode: 'observe', enabled: false },
      ],
      trail: { exists: true, entries: 4, problems: 0, state: 'match' },
    });
    expect(json['lastGate'].ageMs).toBeGreaterThanOrEqual(2 * DAY);

    // A changed rollback section is no longer covered by that drill; a hand edit shows as drift.
    const changed = JSON.parse(await readFile(path, 'utf8')) as Manifest;
    changed.rollback!.window = '20m';
    changed.state.enabled = false;
    await writeFile(path, JSON.stringify(changed, null, 2));
    const after = await runInProcess(['status'], { cwd: folder, env });
    expect(after.code).toBe(0);
    expect(after.stdout).toContain('the rollback section changed since: drill again');
    expect(after.stdout).toContain('  audit       4 entries; state differs from seq 4: run `agent-rollout audit verify`\n');
  });

  it('after a rollback, status and plan agree on the last gate: none of the stage left behind, then the new one', async () => {
    const folder = await copyExample('support-triage', join(dir, 'rolled-back'));
    const path = join(folder, 'rollout.json');
    const doc = JSON.parse(await readFile(path, 'utf8')) as Manifest;
    doc.state.since = '2026-10-01T00:00:00Z';
    await writeFile(path, JSON.stringify(doc, null, 2));
    await recordRefusalTestsPassed(path);
    const week = JSON.stringify({
      window: { start: '2026-10-01T00:00:00Z', end: '2026-10-08T00:00:00Z' },
      values: { security_events: 0, cost_per_invocation_usd: 0.081, output_policy_violations: 0, invocations: 140 },
    });
    const run = (args: string[], input = '') => runInProcess(args, { cwd: folder, env, input });
    expect((await run(['advance', '--metrics', '-', '--no-sources'], week)).code).toBe(0);
    expect((await run(['gate', '--record', '--no-sources', '--set', 'error_rate=0.5'])).code).toBe(1);
    expect((await run(['rollback', '--reason', 'error rate in beta'])).code).toBe(0);

    const lastGates = async () => {
      const status = await run(['status']);
      const plan = await run(['plan']);
      const statusJson = parseJsonOutput<Record<string, any>>((await run(['status', '--format', 'json'])).stdout);
      const planJson = parseJsonOutput<Record<string, any>>((await run(['plan', '--format', 'json'])).stdout);
      return {
        status: /^ {2}last gate +(.*)$/m.exec(status.stdout)?.[1],
        plan: /^ *last gate +(.*)$/m.exec(plan.stdout)?.[1],
        json: [statusJson['lastGate']?.seq, planJson['state']['lastGate']?.seq],
      };
    };
    // The no-go of limited-beta (and the advance out of internal-pilot before it) belong to before the rollback.
    expect(await lastGates()).toEqual({
      status: 'none recorded for internal-pilot',
      plan: 'none recorded for internal-pilot',
      json: [undefined, undefined],
    });

    expect((await run(['gate', '--record', '--metrics', '-', '--no-sources'], week)).code).toBe(3);
    const after = await lastGates();
    expect(after.json).toEqual([5, 5]);
    expect(after.status).toMatch(/^inconclusive for internal-pilot, /);
    expect(after.plan).toMatch(/^inconclusive at .* by alice@example\.com$/);
  });
});
