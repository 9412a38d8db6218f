import { spawnSync } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/state/audit.js';
import { chainEntry } from '../../src/state/audit.js';
import { EXAMPLES, parseJsonOutput, runInProcess, tempDir, writeFiles } from '../helpers/cli.js';

let dir: string;
let cleanup: () => Promise<void>;
let repo: string;
let support: any;

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** Runs git in `cwd` with a fixed identity; fails the test on a non-zero exit. */
function git(cwd: string, ...args: string[]): string {
  const run = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${run.stderr}`);
  return run.stdout;
}

interface JsonDiff {
  base: string;
  head: string;
  changes: { path: string; subject: string; text: string; risk: string; rule: string }[];
  notes: { text: string }[];
}

async function diffJson(cwd: string, ...args: string[]): Promise<JsonDiff> {
  const result = await runInProcess(['diff', ...args, '--format', 'json'], { cwd });
  expect(result.code, result.stderr).toBe(0);
  return parseJsonOutput<JsonDiff>(result.stdout);
}

const edited = (edit: (doc: any) => void, start: any = support) => {
  const doc = structuredClone(start);
  edit(doc);
  return doc;
};

/** v1 on main; v2 (audience 10%) committed on the branch "feature"; v3 (a write scope) in the working tree only. */
const v2 = () => edited((d) => (d.stages[1].audience.percent = 10));
const v3 = () => edited((d) => d.inventory.credentials[0].scopes.push('tickets:write'), v2());

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('agent-rollout-diff-git-'));
  support = JSON.parse(await readFile(join(EXAMPLES, 'support-triage', 'rollout.json'), 'utf8'));
  repo = join(dir, 'repo');
  await writeFiles(repo, { 'rollout.json': json(support), 'agents/triage/rollout.json': json(support), 'README.md': 'x\n' });
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'v1');
  git(repo, 'checkout', '-q', '-b', 'feature');
  await writeFiles(repo, { 'rollout.json': json(v2()), 'agents/triage/rollout.json': json(v2()) });
  git(repo, 'commit', '-q', '-am', 'v2: widen the beta');
  await writeFiles(repo, { 'rollout.json': json(v3()), 'agents/triage/rollout.json': json(v3()) });
});
afterAll(async () => cleanup());

describe('diff --git REF [FILE]', () => {
  it('compares the manifest at a ref with the working tree', async () => {
    const againstHead = await diffJson(repo, '--git', 'HEAD');
    expect(againstHead.base).toBe('HEAD:rollout.json');
    expect(againstHead.head).toBe('rollout.json');
    expect(againstHead.changes.map((c) => `${c.subject}: ${c.text}`)).toEqual(['credential zendesk-ro: scopes + tickets:write']);

    const againstMain = await diffJson(repo, '--git', 'main');
    expect(againstMain.changes.map((c) => `${c.subject}: ${c.text}`)).toEqual([
      'credential zendesk-ro: scopes + tickets:write',
      'stage limited-beta: audience 5% → 10%',
    ]);
    const againstParent = await diffJson(repo, '--git', 'HEAD~1', 'rollout.json');
    expect(againstParent.changes).toEqual(againstMain.changes);
  });

  it('finds the file relative to the repository root from any folder (argument, -m, or the default)', async () => {
    const fromRoot = await diffJson(repo, '--git', 'main', '-m', 'agents/triage/rollout.json');
    expect(fromRoot.base).toBe('main:agents/triage/rollout.json');
    expect(fromRoot.changes).toHaveLength(2);
    const fromFolder = await diffJson(join(repo, 'agents', 'triage'), '--git', 'main');
    expect([fromFolder.base, fromFolder.head]).toEqual(['main:agents/triage/rollout.json', 'rollout.json']);
    expect(fromFolder.changes).toEqual(fromRoot.changes.map((c) => ({ ...c })));
    const fromParent = await diffJson(join(repo, 'agents'), '--git', 'HEAD', 'triage/rollout.json');
    expect(fromParent.base).toBe('HEAD:agents/triage/rollout.json');
    expect(fromParent.changes).toHaveLength(1);
  });

  it('markdown for the pull request names the ref and says how to see everything', async () => {
    const result = await runInProcess(['diff', '--git', 'main', '--format', 'markdown'], { cwd: repo });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('`main:rollout.json` → `rollout.json`: **2 changes**');
    expect(result.stdout).toContain('| 🔴 high | **credential zendesk-ro**: scopes + `tickets:write` |');
  });

  it('a state change is judged against the audit trail in the working tree', async () => {
    const work = join(dir, 'state-repo');
    await writeFiles(work, { 'rollout.json': json(support) });
    git(work, 'init', '-q', '-b', 'main');
    git(work, 'add', '.');
    git(work, 'commit', '-q', '-m', 'v1');
    const disabled = edited((d) => (d.state.enabled = false));
    await writeFile(join(work, 'rollout.json'), json(disabled));

    const byHand = await diffJson(work, '--git', 'main');
    expect(byHand.changes).toEqual([expect.objectContaining({ path: '/state/enabled', risk: 'high', rule: 'state-unaudited' })]);

    const entry: AuditEntry = chainEntry(
      {
        at: '2026-11-20T10:00:00Z',
        actor: 'oncall@example.com',
        action: 'disable',
        before: support.state,
        after: disabled.state,
        reason: 'incident 42',
        manifestSha256: '0'.repeat(64),
        details: { emergency: true },
        tool: { name: 'agent-rollout', version: '0.1.0' },
      },
      undefined,
    );
    await writeFile(join(work, 'rollout.audit.jsonl'), `${JSON.stringify(entry)}\n`);
    const audited = await diffJson(work, '--git', 'main');
    expect(audited.changes).toEqual([expect.objectContaining({ path: '/state/enabled', risk: 'low', rule: 'kill-switch' })]);

    // An edited line breaks the chain: the trail proves nothing, and the change counts as by hand again.
    await writeFile(join(work, 'rollout.audit.jsonl'), `${JSON.stringify({ ...entry, reason: 'edited' })}\n`);
    const tampered = await diffJson(work, '--git', 'main');
    expect(tampered.changes[0]?.rule).toBe('state-unaudited');
    expect(tampered.notes.map((n) => n.text).join('\n')).toMatch(/does not verify \(line 1: entry seq 1 was edited/);
    await rm(join(work, 'rollout.audit.jsonl'));
  });

  it('exit 2 when the ref, the file at the ref, or the repository is missing, or the old manifest is not JSON', async () => {
    const badRef = await runInProcess(['diff', '--git', 'no-such-branch'], { cwd: repo });
    expect(badRef.code).toBe(2);
    expect(badRef.stderr).toMatch(/error: git cannot show no-such-branch:rollout\.json: /);

    await writeFiles(repo, { 'new/rollout.json': json(support) });
    const notThere = await runInProcess(['diff', '--git', 'main', 'new/rollout.json'], { cwd: repo });
    expect(notThere.code).toBe(2);
    expect(notThere.stderr).toMatch(/error: new\/rollout\.json does not exist at main/);
    await rm(join(repo, 'new'), { recursive: true });

    const outside = join(dir, 'not-a-repo');
    await writeFiles(outside, { 'rollout.json': json(support) });
    const noRepo = await runInProcess(['diff', '--git', 'main'], { cwd: outside });
    expect(noRepo.code).toBe(2);
    expect(noRepo.stderr).toMatch(/error: rollout\.json is not in a git repository/);

    const broken = join(dir, 'broken-repo');
    await writeFiles(broken, { 'rollout.json': '{ "version": 1, \n' });
    git(broken, 'init', '-q', '-b', 'main');
    git(broken, 'add', '.');
    git(broken, 'commit', '-q', '-m', 'broken');
    await writeFile(join(broken, 'rollout.json'), json(support));
    const notJson = await runInProcess(['diff', '--git', 'main'], { cwd: broken });
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/error: cannot read BASE \(main:rollout\.json:\d+:\d+: /);

    const missingHead = await runInProcess(['diff', '--git', 'main', 'gone.json'], { cwd: repo });
    expect(missingHead.code).toBe(2);
    expect(missingHead.stderr).toMatch(/cannot read HEAD \(gone\.json:1:1: no such file\)/);
  });
  it('a trail only grows: one deleted or rewritten since the ref is a high-risk change, though HEAD alone looks clean', async () => {
    const own = join(dir, 'trail-repo');
    await writeFiles(own, { 'rollout.json': json(support) });
    git(own, 'init', '-q', '-b', 'main');
    const env = { AGENT_ROLLOUT_ACTOR: 'alice@example.com' };
    expect((await runInProcess(['pause', '--reason', 'weekly review'], { cwd: own, env })).code).toBe(0);
    expect((await runInProcess(['resume'], { cwd: own, env })).code).toBe(0);
    git(own, 'add', '.');
    git(own, 'commit', '-q', '-m', 'pilot with its trail');

    // Extending the trail is fine.
    expect((await runInProcess(['pause', '--reason', 'holiday freeze'], { cwd: own, env })).code).toBe(0);
    expect((await diffJson(own, '--git', 'main')).changes.map((c) => c.rule)).not.toContain('audit-history-rewritten');
    git(own, 'checkout', '-q', '--', '.');

    // Deleted: audit verify says there is no trail yet, exit 0; the diff says what happened.
    await rm(join(own, 'rollout.audit.jsonl'));
    expect((await runInProcess(['audit', 'verify'], { cwd: own })).code).toBe(0);
    const deleted = (await diffJson(own, '--git', 'main')).changes.find((c) => c.rule === 'audit-history-rewritten');
    expect(deleted).toMatchObject({ risk: 'high', subject: 'audit trail' });
    const gate = await runInProcess(['diff', '--git', 'main', '--fail-on', 'high'], { cwd: own });
    expect(gate.code).toBe(1);
    expect(gate.stdout).toContain('the audit trail BASE had is deleted at HEAD');

    // Rewritten: the first entry dropped.
    git(own, 'checkout', '-q', '--', '.');
    const lines = (await readFile(join(own, 'rollout.audit.jsonl'), 'utf8')).split('\n');
    await writeFile(join(own, 'rollout.audit.jsonl'), lines.slice(1).join('\n'));
    const rewritten = (await diffJson(own, '--git', 'main')).changes.find((c) => c.rule === 'audit-history-rewritten');
    expect(rewritten?.risk).toBe('high');
  });
});
