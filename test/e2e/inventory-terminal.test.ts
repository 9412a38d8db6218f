import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyTrail } from '../../src/state/audit.js';
import { EXAMPLES, copyExample, runCli, tempDir } from '../helpers/cli.js';
import { Terminal } from '../helpers/tmux.js';

let dir: string;
let cleanup: () => Promise<void>;
let terminal: Terminal | undefined;
let original: Record<string, any>;

function env(): Record<string, string> {
  return { AGENT_ROLLOUT_ACTOR: 'tester@example.com', AGENT_ROLLOUT_CONFIG_DIR: join(dir, '.config') };
}

/** A copy of support-triage laid out with four-space indentation, to see that a write keeps it. */
async function fourSpaceCopy(name: string): Promise<{ folder: string; path: string; text: string }> {
  const folder = await copyExample('support-triage', join(dir, name));
  const path = join(folder, 'rollout.json');
  const text = `${JSON.stringify(original, null, 4)}\n`;
  await writeFile(path, text);
  return { folder, path, text };
}

const SECTIONS = ['credentials', 'tools', 'data classes', 'triggers', 'cost envelope'];

/** Says "still true" to each section from `from` up to (not including) `to`. */
async function walkTo(t: Terminal, to: string, from = 'credentials'): Promise<void> {
  for (const name of SECTIONS.slice(SECTIONS.indexOf(from), SECTIONS.indexOf(to))) {
    await t.choose(`? Is this still true of the ${name}?`, 'Enter');
  }
}

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('agent-rollout-inventory-tty-'));
  original = JSON.parse(await readFile(join(EXAMPLES, 'support-triage', 'rollout.json'), 'utf8'));
});
afterEach(async () => {
  await terminal?.close();
  terminal = undefined;
});
afterAll(async () => cleanup());

describe('the inventory walkthrough in a real terminal', () => {
  it('walks the five sections, points out gaps as it goes, and writes what was confirmed in the file’s own layout', async () => {
    const { folder, path } = await fourSpaceCopy('edited');
    const t = (terminal = await Terminal.start(['inventory'], { cwd: folder, env: env() }));
    await t.waitFor('Inventory of support-triage (rollout.json): five sections.');

    // Credentials: kb-ro can no longer be revoked on its own.
    await t.waitFor('── 1/5 Credentials');
    await t.waitFor('  kb-ro (oauth-client, read access)');
    await t.choose('? Is this still true of the credentials?', '3', 'Enter');
    await t.choose('? Which credential do you want to edit?', '2', 'Enter');
    await t.answer('? Credential id (kb-ro)', '');
    await t.acceptDefaultsUntil('Can it be revoked on its own');
    await t.choose('? Can it be revoked on its own', '2', 'Enter');
    await t.acceptDefaultsUntil('Is this still true of the credentials?');
    await t.waitFor('! credentials: credential "kb-ro" cannot be revoked on its own: revoking it cuts off other systems too');
    await t.choose('? Is this still true of the credentials?', 'Enter');

    // Tools: nobody knows any more which data classes routing-rules reaches.
    await t.waitFor('── 2/5 Tools');
    await t.choose('? Is this still true of the tools?', '3', 'Enter');
    await t.choose('? Which tool do you want to edit?', '4', 'Enter');
    await t.acceptDefaultsUntil('Which data classes can the agent reach through it?');
    await t.choose('? Which data classes can the agent reach through it?', '3', 'Enter');
    await t.waitFor('! tools: tool "routing-rules" does not say which data classes it reaches');
    await t.choose('? Is this still true of the tools?', 'Enter');

    // Data classes: as they are.
    await t.waitFor('── 3/5 Data classes');
    await t.choose('? Is this still true of the data classes?', 'Enter');

    // Triggers: another agent calls it; its owner is required.
    await t.waitFor('── 4/5 Triggers');
    await t.choose('? Is this still true of the triggers?', '2', 'Enter');
    await t.choose('? How is the agent invoked?', '4', 'Enter');
    await t.answer('? Trigger id', 'orchestrator-call');
    await t.answer('? Which agent calls it?', 'orchestrator');
    await t.answer('? Who owns the calling agent?', '');
    await t.waitFor('> a trigger from another agent needs an owner');
    await t.type('orchestration-team');
    await t.press('Enter');
    await t.answer('? What does the trigger do?', '');
    await t.waitFor('orchestrator-call: agent orchestrator, owner orchestration-team');
    await t.choose('? Is this still true of the triggers?', 'Enter');

    // Cost envelope: a criterion compares with the USD estimate, so it cannot be cleared.
    await t.waitFor('── 5/5 Cost envelope');
    await t.choose('? Is this still true of the cost envelope?', '2', 'Enter');
    await t.acceptDefaultsUntil('Expected USD per invocation');
    await t.answer('? Expected USD per invocation', '-');
    await t.waitFor('compares with it: it cannot be cleared');
    await t.press('C-u');
    await t.type('0.09');
    await t.press('Enter');
    await t.answer('? Expected invocations per day at 100%', '');
    await t.choose('? Is this still true of the cost envelope?', 'Enter');

    await t.waitFor('Summary');
    await t.waitFor(/^credentials +✖ 66% +2 of 3 entries complete/);
    await t.waitFor('Changes');
    await t.waitFor('  ~ credential kb-ro changed');
    await t.waitFor('  ~ tool routing-rules changed');
    await t.waitFor('  + trigger orchestrator-call added');
    await t.waitFor('  ~ cost envelope changed');
    await t.answer('? Write these changes to rollout.json? (Y/n)', '');
    await t.waitFor('✔ wrote rollout.json (4 changes; audit entry 1 by tester@example.com)');
    expect(await t.exitCode()).toBe(0);

    const expected = structuredClone(original);
    expected.inventory.credentials[1].independentlyRevocable = false;
    delete expected.inventory.tools[3].dataClasses;
    expected.inventory.triggers.push({ id: 'orchestrator-call', kind: 'agent', source: 'orchestrator', owner: 'orchestration-team' });
    expected.inventory.costEnvelope.usdPerInvocation = 0.09;
    expect(await readFile(path, 'utf8')).toBe(`${JSON.stringify(expected, null, 4)}\n`);

    const { entries, problems } = verifyTrail(await readFile(join(folder, 'rollout.audit.jsonl'), 'utf8'));
    expect(problems).toEqual([]);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      action: 'inventory',
      actor: 'tester@example.com',
      before: original.state,
      after: original.state,
      details: { sections: ['credentials', 'tools', 'triggers', 'costEnvelope'] },
    });

    const check = await runCli(['inventory', '--check', '--format', 'json'], { cwd: folder, env: env() });
    expect(check.code).toBe(1);
    expect(JSON.parse(check.stdout).gaps.map((g: any) => g.kind)).toEqual([
      'credential-not-independently-revocable',
      'tool-data-classes-unknown',
    ]);
  });

  it('Ctrl-C leaves the file untouched, even after edits: exit 130', async () => {
    const { folder, path, text } = await fourSpaceCopy('interrupted');
    const t = (terminal = await Terminal.start(['inventory'], { cwd: folder, env: env() }));
    // A removal that would leave a dangling reference is refused, with the reason.
    await t.choose('? Is this still true of the credentials?', '4', 'Enter');
    await t.choose('? Which credential do you want to remove?', '1', 'Enter');
    await t.waitFor(
      '✖ credential "zendesk-ro" cannot be removed: tool "zendesk", rollback step "revoke-zendesk-ro", rollback restore step "issue-zendesk-ro" use it. Change those first.',
    );
    await t.choose('? Is this still true of the credentials?', 'Enter');
    await walkTo(t, 'data classes', 'tools');
    await t.choose('? Is this still true of the data classes?', '2', 'Enter');
    await t.answer('? Data class id', 'health');
    await t.acceptDefaultsUntil('Is this still true of the data classes?');
    await t.waitFor(/^ {2}health: read, sensitive/);
    await t.choose('? Is this still true of the data classes?', 'C-c');
    await t.waitFor('error: interrupted; rollout.json was not changed');
    expect(await t.exitCode()).toBe(130);
    expect(await readFile(path, 'utf8')).toBe(text);
    expect(existsSync(join(folder, 'rollout.audit.jsonl'))).toBe(false);
  });

  it('on the example as written, one change rewrites one line: its one-line arrays stay one line', async () => {
    const folder = await copyExample('support-triage', join(dir, 'compact'));
    const path = join(folder, 'rollout.json');
    const before = await readFile(path, 'utf8');
    const t = (terminal = await Terminal.start(['inventory'], { cwd: folder, env: env() }));
    await walkTo(t, 'cost envelope');
    await t.choose('? Is this still true of the cost envelope?', '2', 'Enter');
    await t.acceptDefaultsUntil('Expected invocations per day');
    await t.answer('? Expected invocations per day at 100%', '600');
    await t.choose('? Is this still true of the cost envelope?', 'Enter');
    await t.answer('? Write these changes to rollout.json? (Y/n)', '');
    await t.waitFor('✔ wrote rollout.json');
    expect(await t.exitCode()).toBe(0);
    const after = await readFile(path, 'utf8');
    const changed = after.split('\n').filter((line, i) => line !== before.split('\n')[i]);
    expect(changed).toEqual([expect.stringMatching(/^ +"invocationsPerDay": 600,?$/)]);
  });

  it('declining at the end writes nothing', async () => {
    const { folder, path, text } = await fourSpaceCopy('declined');
    const t = (terminal = await Terminal.start(['inventory'], { cwd: folder, env: env() }));
    await walkTo(t, 'cost envelope');
    await t.choose('? Is this still true of the cost envelope?', '2', 'Enter');
    await t.acceptDefaultsUntil('Expected invocations per day');
    await t.answer('? Expected invocations per day at 100%', '600');
    await t.choose('? Is this still true of the cost envelope?', 'Enter');
    await t.answer('? Write these changes to rollout.json? (Y/n)', 'n');
    await t.waitFor('Nothing was written; rollout.json is as it was.');
    expect(await t.exitCode()).toBe(0);
    expect(await readFile(path, 'utf8')).toBe(text);
  });

  it('if the file changed on disk meanwhile, nothing is written and the operator is told', async () => {
    const { folder, path } = await fourSpaceCopy('raced');
    const t = (terminal = await Terminal.start(['inventory'], { cwd: folder, env: env() }));
    await walkTo(t, 'cost envelope');
    await t.choose('? Is this still true of the cost envelope?', '2', 'Enter');
    await t.acceptDefaultsUntil('Expected invocations per day');
    await t.answer('? Expected invocations per day at 100%', '600');
    await t.choose('? Is this still true of the cost envelope?', 'Enter');
    await t.waitFor('? Write these changes to rollout.json?');
    const meanwhile = `${JSON.stringify({ ...original, agent: { ...original.agent, contact: 'new-oncall@example.com' } }, null, 4)}\n`;
    await writeFile(path, meanwhile);
    await t.press('Enter');
    await t.waitFor('error: rollout.json changed on disk since it was read; nothing was written');
    expect(await t.exitCode()).toBe(2);
    expect(await readFile(path, 'utf8')).toBe(meanwhile);
    expect(existsSync(join(folder, 'rollout.audit.jsonl'))).toBe(false);
  });
});
