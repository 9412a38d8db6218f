import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyExample, parseJsonOutput, runInProcess, tempDir } from '../helpers/cli.js';
import { auditPathFor, readTrail } from '../../src/state/audit-file.js';
import { sha256 } from '../../src/manifest/write.js';
import { recordRefusalTestsPassed } from '../helpers/refusal-tests.js';

const SINCE = '2026-10-01T00:00:00Z';
const WEEK = { start: SINCE, end: '2026-10-08T00:00:00Z' };
const PILOT = { security_events: 0, cost_per_invocation_usd: 0.081, output_policy_violations: 0, invocations: 140 };
const metrics = (values: Record<string, unknown> = {}): string => JSON.stringify({ window: WEEK, values: { ...PILOT, ...values } });

let dir: string;
let cleanup: () => Promise<void>;
let closedPort: number;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  closedPort = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
    });
  });
});
afterAll(async () => cleanup());

let count = 0;
/** The support-triage example in its pilot since SINCE (refusal tests passed), its sources on a closed port. */
async function project(edit: (manifest: any) => void = () => undefined): Promise<{ folder: string; path: string }> {
  const folder = await copyExample('support-triage', join(dir, `a${++count}`));
  const path = join(folder, 'rollout.json');
  const manifest = JSON.parse(await readFile(path, 'utf8'));
  manifest.metrics.sources.prom.url = `http://127.0.0.1:${closedPort}`;
  manifest.state.since = SINCE;
  edit(manifest);
  await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`);
  await recordRefusalTestsPassed(path);
  return { folder, path };
}

const advance = (folder: string, args: string[], input = '') =>
  runInProcess(['advance', '--actor', 'alice@example.com', ...args], { cwd: folder, input });
const state = async (path: string) => JSON.parse(await readFile(path, 'utf8')).state;

describe('advance', () => {
  it('keeps a hand-formatted manifest as written: one-line arrays stay on one line, only state changes', async () => {
    const { folder, path } = await project();
    const compact = (await readFile(path, 'utf8')).replace(
      /\[\s*("[^"\n]*"(?:,\s*"[^"\n]*")*)\s*\]/g,
      (_all, items: string) => `[${items.split(/,\s*/).join(', ')}]`,
    );
    expect(compact).toMatch(/"scopes": \["[^\n]*", "[^\n]*"\]/);
    await writeFile(path, compact);
    const result = await advance(folder, ['--metrics', '-'], metrics());
    expect(result.code).toBe(0);
    const text = await readFile(path, 'utf8');
    const outsideState = (t: string) => t.replace(/"state": \{[\s\S]*$/, '');
    expect(outsideState(text)).toBe(outsideState(compact));
    expect((await state(path)).stage).toBe('limited-beta');
  });

  it('on a go gate: moves to the next stage, sets since and the governance mode, and audits the gate result', async () => {
    const { folder, path } = await project();
    const before = await readFile(path, 'utf8');
    const started = Date.now();
    const result = await advance(folder, ['--metrics', '-', '--reason', 'pilot review'], metrics());
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Verdict: GO');
    expect(result.stdout).toMatch(
      /\nAdvanced: internal-pilot -> limited-beta by alice@example\.com \(audit entry 2\)\. Governance mode is now enforce\.\n$/,
    );
    const after = await state(path);
    expect(after).toMatchObject({
      enabled: true,
      stage: 'limited-beta',
      governanceMode: 'enforce',
      orgs: { 'support-pilot': { enabled: true } },
    });
    expect(Date.parse(after.since)).toBeGreaterThanOrEqual(started - 1000);
    // Only the state section changed, and the file kept its layout.
    const text = await readFile(path, 'utf8');
    expect(text.replace(/"state": \{[\s\S]*$/, '')).toBe(before.replace(/"state": \{[\s\S]*$/, ''));
    expect(text.endsWith('}\n')).toBe(true);

    const { trail } = await readTrail(auditPathFor(path));
    expect(trail.problems).toEqual([]);
    const entry = trail.entries.at(-1);
    expect(entry).toMatchObject({
      action: 'advance',
      actor: 'alice@example.com',
      reason: 'pilot review',
      before: { stage: 'internal-pilot', governanceMode: 'observe', since: SINCE },
      after: { stage: 'limited-beta', governanceMode: 'enforce', since: after.since },
      manifestSha256: sha256(text),
      details: {
        from: 'internal-pilot',
        to: 'limited-beta',
        forced: false,
        gate: {
          verdict: 'go',
          criteria: [
            { id: 'zero-security-events', status: 'pass' },
            { id: 'cost-within-estimate', status: 'pass' },
            { id: 'no-output-violations', status: 'pass' },
          ],
        },
      },
    });
  });

  it('a go gate on pasted values suggests an advance on the same inputs, which runs and advances without a stale "Advance to"', async () => {
    /** The command in the gate's "Advance to" line, as words (the test paths need no quoting). */
    const suggested = (stdout: string): { words: string[]; line: string } => {
      const line = stdout.split('\n').find((l) => l.includes('Advance to')) ?? '';
      const command = /`agent-rollout (advance[^`]*)`/.exec(line)?.[1] ?? '';
      return { words: command.split(' '), line };
    };
    const values = ['security_events=0', 'cost_per_invocation_usd=0.081', 'output_policy_violations=0', 'invocations=140'];
    const set = await project();
    const gated = await runInProcess(['gate', ...values.flatMap((v) => ['--set', v]), '--window', '7d', '--no-sources'], {
      cwd: set.folder,
    });
    expect(gated.code).toBe(0);
    const fromSet = suggested(gated.stdout);
    expect(fromSet.line).toBe(
      '  - Advance to limited-beta on the same inputs: `agent-rollout advance --set security_events=0 --set cost_per_invocation_usd=0.081 ' +
        '--set output_policy_violations=0 --set invocations=140 --window 7d --no-sources`',
    );
    const advanced = await advance(set.folder, fromSet.words.slice(1));
    expect(advanced.code).toBe(0);
    expect(advanced.stdout).not.toContain('Advance to');
    expect(advanced.stdout).toContain(
      'Next:\n  - limited-beta is the current stage now: `agent-rollout plan` shows what its gate will need.\n',
    );
    expect((await state(set.path)).stage).toBe('limited-beta');

    // Pasted on standard input, for a manifest in another folder: -m is repeated, and so must the input be.
    const piped = await project();
    const pipedGate = await runInProcess(['gate', '--metrics', '-', '-m', piped.path], { cwd: dir, input: metrics() });
    expect(pipedGate.code).toBe(0);
    const fromPipe = suggested(pipedGate.stdout);
    expect(fromPipe.line).toBe(
      `  - Advance to limited-beta on the same inputs: \`agent-rollout advance --metrics - -m ${piped.path}\`, with the same metrics on standard input`,
    );
    const pipedAdvance = await runInProcess([...fromPipe.words, '--actor', 'alice@example.com', '--format', 'json'], {
      cwd: dir,
      input: metrics(),
    });
    expect(pipedAdvance.code).toBe(0);
    const report = parseJsonOutput<{ next: string[]; advance: { advanced: boolean } }>(pipedAdvance.stdout);
    expect(report.advance.advanced).toBe(true);
    expect(report.next).toEqual(['limited-beta is the current stage now: `agent-rollout plan` shows what its gate will need.']);
  });

  it('on a no-go gate: does not advance (exit 1) and says how an override would be recorded', async () => {
    const { folder, path } = await project();
    const before = await readFile(path, 'utf8');
    const result = await advance(folder, ['--metrics', '-'], metrics({ security_events: 3 }));
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Not advanced: the gate says no-go; internal-pilot stays the current stage.');
    expect(await readFile(path, 'utf8')).toBe(before);
    expect((await readTrail(auditPathFor(path))).trail.entries.map((e) => e.action)).toEqual(['guardrails']);
  });

  it('--force needs --reason; with it, an inconclusive gate is overridden and recorded as forced', async () => {
    const { folder, path } = await project();
    const noReason = await advance(folder, ['--metrics', '-', '--force'], metrics({ invocations: 40 }));
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain('error: --force needs --reason "..." saying why the gate is overridden');
    expect((await state(path)).stage).toBe('internal-pilot');

    const forced = await advance(
      folder,
      ['--metrics', '-', '--force', '--reason', 'holiday week; 40 samples accepted by the owner', '--format', 'json'],
      metrics({ invocations: 40 }),
    );
    expect(forced.code).toBe(0);
    const report = parseJsonOutput<{ verdict: string; advance: Record<string, unknown> }>(forced.stdout);
    expect(report.verdict).toBe('inconclusive');
    expect(report.advance).toMatchObject({ advanced: true, forced: true, from: 'internal-pilot', to: 'limited-beta', auditSeq: 2 });
    expect(forced.stderr).toBe('warning: advanced past an inconclusive gate; the audit trail records it as forced, with your reason.\n');
    expect((await state(path)).stage).toBe('limited-beta');
    const entry = (await readTrail(auditPathFor(path))).trail.entries.at(-1);
    expect(entry).toMatchObject({
      action: 'advance',
      reason: 'holiday week; 40 samples accepted by the owner',
      details: { forced: true, gate: { verdict: 'inconclusive' } },
    });
  });

  it('an error verdict cannot be forced: nothing changes', async () => {
    const { folder, path } = await project();
    const before = await readFile(path, 'utf8');
    // security_events is not supplied, so the gate queries the source, which does not answer.
    const result = await advance(
      folder,
      ['--metrics', '-', '--force', '--reason', 'ship it'],
      JSON.stringify({ window: WEEK, values: { cost_per_invocation_usd: 0.08, output_policy_violations: 0, invocations: 140 } }),
    );
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('Verdict: ERROR');
    expect(result.stdout).toMatch(/zero-security-events .* error +prom \(prometheus at http:\/\/127\.0\.0\.1:\d+\/\): connection refused/);
    expect(result.stdout).toContain(
      'Not advanced: the gate could not be evaluated (error); fix it and run advance again. --force does not override an error.',
    );
    expect(await readFile(path, 'utf8')).toBe(before);
  });

  it('refuses while paused or disabled, even with --force, and at the last stage', async () => {
    const paused = await project(
      (m) => (m.state.paused = { reason: 'guardrail spike', at: '2026-10-05T12:00:00Z', by: 'bob@example.com' }),
    );
    const pausedRun = await advance(paused.folder, ['--metrics', '-', '--force', '--reason', 'x'], metrics());
    expect(pausedRun.code).toBe(2);
    expect(pausedRun.stderr).toBe(
      'error: the rollout is paused since 2026-10-05 12:00:00 UTC by bob@example.com (guardrail spike): advance refuses\n  hint: resolve the cause of the pause, then `agent-rollout resume`\n',
    );
    const disabled = await project((m) => (m.state.enabled = false));
    const disabledRun = await advance(disabled.folder, ['--metrics', '-'], metrics());
    expect(disabledRun.code).toBe(2);
    expect(disabledRun.stderr).toContain('error: the agent is switched off (state.enabled is false): advance refuses');
    const last = await project((m) => {
      m.state.stage = 'general-availability';
      m.state.governanceMode = 'enforce';
    });
    const lastRun = await advance(last.folder, ['--metrics', '-'], metrics());
    expect(lastRun.code).toBe(2);
    expect(lastRun.stderr).toContain('error: general-availability is the last stage: there is nothing to advance to');
    for (const { path } of [paused, disabled, last])
      expect((await readTrail(auditPathFor(path))).trail.entries.map((e) => e.action)).toEqual(['guardrails']);
  });

  it('advances from a -m manifest in another folder, and --help ends with examples', async () => {
    const { path } = await project();
    const result = await runInProcess(['advance', '-m', path, '--metrics', '-', '--actor', 'alice@example.com'], {
      cwd: dir,
      input: metrics(),
    });
    expect(result.code).toBe(0);
    expect((await state(path)).stage).toBe('limited-beta');
    const help = await runInProcess(['advance', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Examples:\n( {2}agent-rollout advance.*\n)+/);
  });
});
