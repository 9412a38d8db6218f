import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, copyExample, parseJsonOutput, runInProcess, tempDir } from '../helpers/cli.js';

let dir: string;
let cleanup: () => Promise<void>;
let env: Record<string, string>;
let gappy: string;

const check = (args: string[], cwd: string) => runInProcess(['inventory', '--check', ...args], { cwd, env });

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('agent-rollout-inventory-'));
  env = { AGENT_ROLLOUT_CONFIG_DIR: join(dir, '.config') };
  gappy = await copyExample('support-triage', join(dir, 'gappy'));
  const path = join(gappy, 'rollout.json');
  const manifest = JSON.parse(await readFile(path, 'utf8'));
  manifest.inventory.credentials[1].independentlyRevocable = false; // kb-ro
  delete manifest.inventory.tools[3].dataClasses; // routing-rules
  manifest.inventory.triggers.push({ kind: 'agent', source: 'orchestrator' });
  delete manifest.inventory.costEnvelope.tokensPerInvocation;
  await writeFile(path, JSON.stringify(manifest, null, 2));
});
afterAll(async () => cleanup());

describe('inventory --check', () => {
  it('a complete inventory: every section at 100%, the blast radius per stage, exit 0', async () => {
    const result = await check(['-m', 'examples/support-triage/rollout.json'], ROOT);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Inventory of support-triage \(examples\/support-triage\/rollout\.json\)\n/);
    expect(result.stdout).toMatch(/credentials +✔ 100% +3 of 3 entries complete\n/);
    expect(result.stdout).toMatch(/cost envelope +✔ 100% +4 of 4 fields\n/);
    expect(result.stdout).not.toContain('Gaps');
    expect(result.stdout).toMatch(
      / {2}internal-pilot \(staging data\)\n {4}reads +pii \(sensitive\) via zendesk \[zendesk-ro\]\n {17}internal-docs via knowledge-base \[kb-ro\], routing-rules \[no credential\]\n {4}writes +nothing\n {4}credentials +zendesk-ro, kb-ro\n {4}not usable +slack-notes \(needs slack-bot\)\n {4}triggers +ticket-created \(webhook zendesk:ticket\.created, owner support-operations\)/,
    );
    expect(result.stdout).toMatch(/ {2}general-availability \(production data\): the same as limited-beta\n/);
    expect(result.stdout).toMatch(/✔ the inventory is complete\n$/);
  });

  it('json: per-section completeness, the gaps and the blast radius', async () => {
    const result = await check(['--format', 'json', '-m', 'examples/finance-ledger/rollout.json'], ROOT);
    expect(result.code).toBe(0);
    const json = parseJsonOutput<any>(result.stdout);
    expect(json).toMatchObject({ formatVersion: 1, complete: true, gaps: [], agent: { id: 'finance-ledger' } });
    expect(json.sections.map((s: any) => [s.section, s.percent, s.gaps])).toEqual([
      ['credentials', 100, 0],
      ['tools', 100, 0],
      ['dataClasses', 100, 0],
      ['triggers', 100, 0],
      ['costEnvelope', 100, 0],
    ]);
    expect(
      json.blastRadius.map((r: any) => [
        r.stage,
        r.write.map((w: any) => `${w.dataClass} via ${w.via.map((v: any) => `${v.tool}[${v.credential}]`)}`),
      ]),
    ).toEqual([
      ['internal-pilot', []],
      ['limited-beta', ['financial via ledger-journal[ledger-rw]']],
      ['general-availability', ['financial via ledger-journal[ledger-rw]']],
    ]);
  });

  it('an incomplete inventory: every gap with its hint, exit 1', async () => {
    const result = await check([], gappy);
    expect(result.code).toBe(1);
    const out = result.stdout;
    expect(out).toMatch(/credentials +✖ 66% +2 of 3 entries complete\n/);
    expect(out).toMatch(/tools +✖ 75% +3 of 4 entries complete\n/);
    expect(out).toMatch(/data classes +✔ 100%/);
    expect(out).toMatch(/triggers +✖ 66% +2 of 3 entries complete\n/);
    expect(out).toMatch(/cost envelope +✖ 75% +3 of 4 fields\n/);
    expect(out).toContain('Gaps (4)');
    expect(out).toContain('! credentials: credential "kb-ro" cannot be revoked on its own: revoking it cuts off other systems too');
    expect(out).toContain('! tools: tool "routing-rules" does not say which data classes it reaches');
    expect(out).toContain('! triggers: trigger "agent orchestrator" comes from another agent (orchestrator) and has no owner');
    expect(out).toContain('! cost envelope: the cost envelope does not estimate tokens per invocation');
    expect(out).toMatch(/hint: list them in "dataClasses" \(\[\] when it reaches none\)/);
    expect(out).toMatch(/unknown +routing-rules \[no credential\] does not say which data classes it reaches/);
    expect(out).toMatch(/triggers +ticket-created .*\n.*hourly-sweep .*\n +agent orchestrator \(no owner\)\n/);
    expect(out).toMatch(/✖ the inventory is incomplete: 4 gaps in 4 sections\n$/);
  });

  it('json and markdown report the same gaps', async () => {
    const json = parseJsonOutput<any>((await check(['--format', 'json'], gappy)).stdout);
    expect(json.complete).toBe(false);
    expect(json.gaps.map((g: any) => [g.section, g.kind, g.subject ?? null])).toEqual([
      ['credentials', 'credential-not-independently-revocable', 'kb-ro'],
      ['tools', 'tool-data-classes-unknown', 'routing-rules'],
      ['triggers', 'trigger-agent-no-owner', 'agent orchestrator'],
      ['costEnvelope', 'cost-envelope-incomplete', null],
    ]);
    const markdown = await check(['--format', 'markdown'], gappy);
    expect(markdown.code).toBe(1);
    expect(markdown.stdout).toContain('❌ The inventory is incomplete: 4 gaps.');
    expect(markdown.stdout).toContain('| credentials | ❌ 66% | 2 of 3 entries complete |');
    expect(markdown.stdout).toContain('- **tools**: tool "routing-rules" does not say which data classes it reaches.');
  });

  it('without a terminal, the walkthrough is not started: exit 2, naming --check', async () => {
    const before = await readFile(join(gappy, 'rollout.json'), 'utf8');
    const result = await runInProcess(['inventory'], { cwd: gappy, env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: the inventory walkthrough asks questions and needs a terminal');
    expect(result.stderr).toContain('agent-rollout inventory --check');
    expect(await readFile(join(gappy, 'rollout.json'), 'utf8')).toBe(before);
  });

  it('--help ends with examples', async () => {
    const result = await runInProcess(['inventory', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Examples:\n {2}agent-rollout inventory /);
  });

  it('a missing manifest is exit 2', async () => {
    const result = await check([], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('cannot read the manifest');
  });
});
