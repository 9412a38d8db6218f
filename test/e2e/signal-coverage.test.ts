import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES, copyExample, parseJsonOutput, runInProcess, tempDir } from '../helpers/cli.js';

let dir: string;
let cleanup: () => Promise<void>;
let env: Record<string, string>;
/** support-triage as written before `measures` existed: no signal declares what it measures. */
let bare: string;
/** support-triage with every category declared, but refusals without an attribution. */
let unattributed: string;
let full: string;

async function editManifest(folder: string, edit: (manifest: Record<string, any>) => void): Promise<void> {
  const path = join(folder, 'rollout.json');
  const manifest = JSON.parse(await readFile(path, 'utf8'));
  edit(manifest);
  await writeFile(path, JSON.stringify(manifest, null, 2));
}

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('agent-rollout-coverage-'));
  env = { AGENT_ROLLOUT_CONFIG_DIR: join(dir, '.config') };
  full = await copyExample('support-triage', join(dir, 'full'));
  bare = await copyExample('support-triage', join(dir, 'bare'));
  await editManifest(bare, (m) => {
    for (const signal of Object.values<Record<string, unknown>>(m.metrics.signals)) {
      delete signal.measures;
      delete signal.attribution;
    }
  });
  unattributed = await copyExample('support-triage', join(dir, 'unattributed'));
  await editManifest(unattributed, (m) => delete m.metrics.signals.refusal_rate.attribution);
});
afterAll(async () => cleanup());

describe('signal coverage (AR131)', () => {
  it('validate: a manifest written before `measures` stays valid, with one warning per required category', async () => {
    const result = await runInProcess(['validate', '--format', 'json'], { cwd: bare, env });
    expect(result.code).toBe(0);
    const report = parseJsonOutput<{
      files: { valid: boolean; diagnostics: { rule: string; severity: string; message: string; pointer: string }[] }[];
    }>(result.stdout);
    const findings = report.files[0]?.diagnostics.filter((d) => d.rule === 'AR131') ?? [];
    expect(report.files[0]?.valid).toBe(true);
    expect(findings.map((d) => d.message)).toEqual(
      ['cost-per-invocation', 'tool-calls', 'tool-latency', 'guardrail-triggers', 'errors', 'refusals', 'policy-blocks'].map(
        (m) => `no signal measures ${m}; the practice requires it, attributed, before leaving the first stage`,
      ),
    );
    expect(findings.every((d) => d.severity === 'warning' && d.pointer === '/metrics/signals')).toBe(true);
    // cost-per-session is recommended, never a finding.
    expect(result.stdout).not.toContain('cost-per-session');
  });

  it('validate: a category declared without an attribution is a finding on that signal; --strict makes it an error', async () => {
    const result = await runInProcess(['validate', '--strict'], { cwd: unattributed, env });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /rollout\.json:\d+:\d+ error AR131 signal refusal_rate measures refusals but does not say which label attributes it \("attribution"\); the practice requires it, attributed, before leaving the first stage\n/,
    );
    expect(result.stdout.match(/AR131/g)).toHaveLength(1);
  });

  it('every example declares full coverage and a complete inventory', async () => {
    // Every folder of examples/ that holds a manifest, read from the folder: a new example is covered without a change here.
    const examples = (await readdir(EXAMPLES, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory() && existsSync(join(EXAMPLES, entry.name, 'rollout.json')))
      .map((entry) => entry.name)
      .sort();
    expect(examples).toEqual(expect.arrayContaining(['finance-ledger', 'otel-genai', 'support-triage']));
    for (const example of examples) {
      const folder = await copyExample(example, join(dir, `example-${example}`));
      const result = await runInProcess(['plan', '--format', 'json'], { cwd: folder, env });
      const plan = parseJsonOutput<{ signalCoverage: { complete: boolean; incomplete: string[] } }>(result.stdout);
      expect({ example, ...plan.signalCoverage }).toMatchObject({ example, complete: true, incomplete: [] });
      expect(result.stdout).not.toContain('AR131');
      // inventory --check passes: no placeholder of init's, no gap, the coverage counted.
      const inventory = await runInProcess(['inventory', '--check'], { cwd: folder, env });
      expect({ example, code: inventory.code, gaps: inventory.stdout.match(/^ {2}! .+$/gm) ?? [] }).toEqual({ example, code: 0, gaps: [] });
      expect(inventory.stdout).toMatch(/✔ the inventory is complete\n$/);
    }
  });

  it('plan: shows the coverage, and blocks leaving the first stage while it is incomplete', async () => {
    const incomplete = await runInProcess(['plan'], { cwd: unattributed, env });
    expect(incomplete.stdout).toContain('Signals 6 of 7 required categories measured and attributed\n');
    expect(incomplete.stdout).toMatch(/ {2}✔ tool-calls +tool_calls by trigger\n/);
    expect(incomplete.stdout).toMatch(/ {2}✖ refusals +refusal_rate, without an attribution\n/);
    expect(incomplete.stdout).toMatch(/ {2}✔ cost-per-session +cost_per_session_usd by trigger \(recommended\)\n/);
    expect(incomplete.stdout).toContain(
      '✖ the signals do not yet cover what the practice requires before leaving the first stage: refusals has no signal with an attribution\n',
    );
    const complete = await runInProcess(['plan'], { cwd: full, env });
    expect(complete.stdout).toContain('Signals 7 of 7 required categories measured and attributed\n');
    expect(complete.stdout).not.toContain('the signals do not yet cover');

    const markdown = await runInProcess(['plan', '--format', 'markdown'], { cwd: unattributed, env });
    expect(markdown.stdout).toContain('### Signals: 6 of 7 required categories measured and attributed\n');
    expect(markdown.stdout).toContain('| ❌ | refusals | refusal_rate, without an attribution |');
  });

  it('plan: past the first stage, incomplete coverage is shown but blocks nothing', async () => {
    const later = await copyExample('support-triage', join(dir, 'later'));
    await editManifest(later, (m) => {
      delete m.metrics.signals.tool_calls;
      m.state.stage = 'limited-beta';
    });
    const result = await runInProcess(['plan', '--format', 'json'], { cwd: later, env });
    const plan = parseJsonOutput<{ signalCoverage: { incomplete: string[] }; blockedBy: { kind: string }[] }>(result.stdout);
    expect(plan.signalCoverage.incomplete).toEqual(['tool-calls']);
    expect(plan.blockedBy.map((b) => b.kind)).not.toContain('signal-coverage-incomplete');
  });

  it('inventory --check counts the coverage: a row, a gap per category, exit 1', async () => {
    const result = await runInProcess(['inventory', '--check'], { cwd: bare, env });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/\nsignals +✖ 0% +0 of 7 categories measured and attributed\n/);
    expect(result.stdout).toContain('  ! signals: no signal measures policy-blocks\n');
    expect(result.stdout).toMatch(/✖ the inventory is incomplete: 7 gaps in 1 section\n$/);
    // JSON says what the exit code says: top-level `complete` is the verdict; the five sections' own is `sectionsComplete`.
    type Json = { complete: boolean; sectionsComplete: boolean; signals: { complete: boolean; incomplete: string[] } };
    const failing = await runInProcess(['inventory', '--check', '--format', 'json'], { cwd: unattributed, env });
    expect(failing.code).toBe(1);
    expect(parseJsonOutput<Json>(failing.stdout)).toMatchObject({
      complete: false,
      sectionsComplete: true,
      signals: { complete: false, incomplete: ['refusals'] },
    });
    const markdown = await runInProcess(['inventory', '--check', '--format', 'markdown'], { cwd: unattributed, env });
    expect(markdown.code).toBe(1);
    expect(markdown.stdout).toContain('❌ The inventory is incomplete: 1 gap.\n');
    const passing = await runInProcess(['inventory', '--check'], { cwd: full, env });
    expect(passing.code).toBe(0);
    expect(passing.stdout).toMatch(/\nsignals +✔ 100% +7 of 7 categories measured and attributed\n/);
    const passingJson = await runInProcess(['inventory', '--check', '--format', 'json'], { cwd: full, env });
    expect(passingJson.code).toBe(0);
    expect(parseJsonOutput<Json>(passingJson.stdout)).toMatchObject({
      complete: true,
      sectionsComplete: true,
      signals: { complete: true },
    });
  });

  it('the gate does not refuse on it: the same verdict with and without coverage', async () => {
    const args = [
      'gate',
      '--no-sources',
      '--window',
      '7d',
      // One clock for both runs: the report prints the window's start, and two runs a second
      // apart would differ there and nowhere else.
      '--at',
      new Date().toISOString(),
      '--set',
      'security_events=0',
      '--set',
      'cost_per_invocation_usd=0.081',
      '--set',
      'output_policy_violations=0',
      '--set',
      'invocations=140',
    ];
    const covered = await runInProcess(args, { cwd: full, env });
    const uncovered = await runInProcess(args, { cwd: bare, env });
    expect(uncovered.code).toBe(covered.code);
    expect(uncovered.stdout.replace(/\/bare\//g, '/full/')).toBe(covered.stdout);
    expect(uncovered.stdout).not.toMatch(/coverage|AR131/);
  });
});
