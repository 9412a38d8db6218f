import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyTrail } from '../../src/state/audit.js';
import { parseJsonOutput, runCli, tempDir } from '../helpers/cli.js';
import { Terminal } from '../helpers/tmux.js';

/** A token built at run time, so this file holds no literal a scanner would flag. */
const FAKE_GITHUB_TOKEN = 'ghp_' + 'Zx9Qw8Er7Ty6'.repeat(3);

let dir: string;
let cleanup: () => Promise<void>;
let terminal: Terminal | undefined;

function env(): Record<string, string> {
  return { AGENT_ROLLOUT_ACTOR: 'tester@example.com', AGENT_ROLLOUT_CONFIG_DIR: join(dir, '.config') };
}

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('agent-rollout-init-tty-'));
});
afterEach(async () => {
  await terminal?.close();
  terminal = undefined;
});
afterAll(async () => cleanup());

describe('init in a real terminal', () => {
  it('asks every question, re-asks with the reason on a bad answer, and writes a manifest that validates', async () => {
    const cwd = join(dir, 'interactive');
    await mkdir(cwd);
    const t = (terminal = await Terminal.start(['init'], { cwd, env: env() }));
    await t.waitFor('New rollout manifest.');

    await t.answer('? Agent id (my-agent)', 'Support Bot');
    await t.waitFor('> ids are lowercase: support bot');
    await t.press('C-u');
    await t.type('support-bot');
    await t.press('Enter');
    await t.answer('? Agent name (Support bot)', '');
    await t.answer('? Owning team', 'support-platform');
    await t.answer('? How to reach the owner', 'support-platform@example.com');
    await t.answer('? Model it runs on (provider/model-name)', '');

    await t.answer('? Credential id (support-bot-token)', 'zendesk-ro');
    await t.choose('? What kind of credential is it?', 'Enter');
    await t.answer('? What is it for?', 'Read-only Zendesk token of the agent');
    await t.answer(
      '? Where does the secret live? (env:NAME, vault:path, op://vault/item/field, file:path) (env:ZENDESK_RO_TOKEN)',
      FAKE_GITHUB_TOKEN,
    );
    await t.waitFor('> this looks like a secret itself (a GitHub personal access token)');
    await t.type('env:ZENDESK_TOKEN_RO');
    await t.press('Enter');
    await t.answer('? Scopes it grants', 'tickets:read, users:read');
    await t.choose('? Its highest access', 'Enter');
    // A suggested default on a new entry is not something to clear.
    await t.answer('? Who issues and can revoke it? (a team) (optional) (support-platform)', 'it-security');
    await t.choose('? Can it be revoked on its own', 'Enter');
    await t.answer('? Command that revokes it', './scripts/revoke.sh zendesk-ro');
    await t.answer('? Runbook that says how to revoke it', '');

    await t.answer('? Tool id (my-tool)', 'zendesk');
    await t.choose('? What kind of tool is it?', '1', 'Enter');
    await t.answer('? What does the agent use it for?', '');
    await t.answer('? Where is it?', 'https://mcp.internal.example/zendesk');
    await t.choose('? Which credential does the agent use for it?', 'Enter');
    await t.choose('? What can the agent do through it?', 'Enter');
    await t.choose('? Which data classes can the agent reach through it?', 'Enter');
    await t.answer('? The data classes it reaches', 'pii');

    await t.choose('? Which data classes can the agent read or write?', 'Space', 'Enter');
    await t.waitFor('> the tool reaches pii: keep it picked');
    await t.press('Space', 'Down', 'Down', 'Down', 'Down', 'Space', 'Enter');
    await t.answer('? Other data classes', '');
    await t.choose('? Does the agent read pii, write it, or both?', 'Enter');
    await t.choose('? Is pii sensitive', 'Enter');
    await t.choose('? Does the agent read internal-docs, write it, or both?', 'Enter');
    await t.choose('? Is internal-docs sensitive', 'Down', 'Enter');

    await t.choose('? How is the agent invoked?', '1', 'Enter');
    // The placeholder id belongs to a user-action trigger, not to the webhook picked.
    await t.waitFor('? Trigger id (optional, so reviews can follow it)');
    expect(await t.screen()).not.toContain('(user-request)');
    await t.answer('? Trigger id', 'ticket-created');
    await t.answer('? What fires it?', 'zendesk:ticket.created');
    await t.answer('? Who owns the triggering system?', 'support-operations');
    await t.answer('? What does the trigger do?', '');
    await t.answer('? Is the agent invoked any other way?', 'y');
    await t.choose('? How is the agent invoked?', '2', 'Enter');
    await t.answer('? Trigger id', 'hourly-sweep');
    await t.answer('? Cron schedule (five fields) (0 * * * *)', '');
    await t.answer('? Who owns the triggering system?', '');
    await t.answer('? What does the trigger do?', '');
    await t.answer('? Is the agent invoked any other way?', '');

    await t.answer('? Expected tokens per invocation (10000)', '12000');
    await t.answer('? Expected API calls per invocation (5)', '6');
    await t.answer('? Expected USD per invocation (0.05)', 'ten cents');
    await t.waitFor('> "ten cents" is not a number');
    await t.press('C-u');
    await t.type('0.08');
    await t.press('Enter');
    await t.answer('? Expected invocations per day at 100% (200)', '500');

    await t.answer('? Pilot users', 'alice@example.com, bob@example.com');
    await t.answer('? Pilot orgs or teams', 'support-pilot');
    await t.answer('? Invocations per day in the pilot (20)', '');
    await t.answer('? Limited beta: percent of users or workloads', '150');
    await t.waitFor('> enter at most 99');
    await t.press('C-u');
    await t.type('5');
    await t.press('Enter');
    await t.answer('? Write rollout.json? (Y/n)', '');

    await t.waitFor(
      '✔ wrote rollout.json for support-bot: internal-pilot → limited-beta → general-availability (audit entry 1 by tester@example.com)',
    );
    expect(await t.exitCode()).toBe(0);
    expect(await t.screen()).not.toContain(FAKE_GITHUB_TOKEN);

    const manifest = JSON.parse(await readFile(join(cwd, 'rollout.json'), 'utf8'));
    expect(manifest.$schema).toBe('https://agent-rollout.dev/schemas/rollout.v1.schema.json');
    expect(manifest.agent).toEqual({
      id: 'support-bot',
      name: 'Support bot',
      owner: 'support-platform',
      contact: 'support-platform@example.com',
      model: 'provider/model-name',
    });
    expect(manifest.inventory.credentials).toEqual([
      {
        id: 'zendesk-ro',
        kind: 'api-token',
        description: 'Read-only Zendesk token of the agent',
        secretRef: 'env:ZENDESK_TOKEN_RO',
        scopes: ['tickets:read', 'users:read'],
        access: 'read',
        owner: 'it-security',
        independentlyRevocable: true,
        revoke: { run: ['./scripts/revoke.sh', 'zendesk-ro'], runbook: 'runbooks/rollback.md' },
      },
    ]);
    expect(manifest.inventory.tools).toEqual([
      {
        id: 'zendesk',
        kind: 'mcp-server',
        endpoint: 'https://mcp.internal.example/zendesk',
        credential: 'zendesk-ro',
        access: 'read',
        dataClasses: ['pii'],
      },
    ]);
    expect(manifest.inventory.dataClasses).toEqual([
      { id: 'pii', access: 'read' },
      { id: 'internal-docs', access: 'read', sensitive: true, description: 'Internal documents the agent reads.' },
    ]);
    // The revoke command given for the credential is the rollback step, not a manual placeholder.
    expect(manifest.rollback.steps[1]).toEqual({
      id: 'revoke-zendesk-ro',
      credential: 'zendesk-ro',
      run: ['./scripts/revoke.sh', 'zendesk-ro'],
      timeout: '1m',
    });
    expect(manifest.inventory.triggers).toEqual([
      { id: 'ticket-created', kind: 'webhook', source: 'zendesk:ticket.created', owner: 'support-operations' },
      { id: 'hourly-sweep', kind: 'schedule', cron: '0 * * * *', owner: 'support-platform' },
    ]);
    expect(manifest.inventory.costEnvelope).toEqual({
      tokensPerInvocation: 12000,
      apiCallsPerInvocation: 6,
      usdPerInvocation: 0.08,
      invocationsPerDay: 500,
    });
    // Marked sensitive at init, internal-docs is inspected in the output like pii.
    expect(manifest.guardrails.output.dataClasses).toEqual(['pii', 'internal-docs']);
    expect(manifest.stages.map((s: any) => s.id)).toEqual(['internal-pilot', 'limited-beta', 'general-availability']);
    expect(manifest.stages[0].audience).toEqual({
      orgs: ['support-pilot'],
      users: ['alice@example.com', 'bob@example.com'],
      invocationsPerDay: 20,
    });
    expect(manifest.stages[1].audience).toEqual({ percent: 5 });

    const validate = await runCli(['validate', '--strict', '--format', 'json'], { cwd, env: env() });
    expect(parseJsonOutput<any>(validate.stdout).files[0].diagnostics).toEqual([]);
    expect(validate.code).toBe(0);
    const { entries } = verifyTrail(await readFile(join(cwd, 'rollout.audit.jsonl'), 'utf8'));
    expect(entries.map((e) => [e.action, e.before, e.after])).toEqual([['init', null, manifest.state]]);
  });

  it('Ctrl-C at a question stops with exit 130 and writes nothing', async () => {
    const cwd = join(dir, 'interrupted');
    await mkdir(cwd);
    const t = (terminal = await Terminal.start(['init'], { cwd, env: env() }));
    await t.answer('? Agent id (my-agent)', 'half-done');
    await t.choose('? Agent name', 'C-c');
    await t.waitFor('error: interrupted; rollout.json was not written');
    expect(await t.exitCode()).toBe(130);
    expect(existsSync(join(cwd, 'rollout.json'))).toBe(false);
    expect(existsSync(join(cwd, 'rollout.audit.jsonl'))).toBe(false);
  });

  it('no at the last question writes nothing', async () => {
    const cwd = join(dir, 'declined');
    await mkdir(cwd);
    const t = (terminal = await Terminal.start(['init'], { cwd, env: env() }));
    await t.acceptDefaultsUntil('Write rollout.json?');
    await t.answer('? Write rollout.json? (Y/n)', 'n');
    await t.waitFor('Nothing was written.');
    expect(await t.exitCode()).toBe(0);
    expect(existsSync(join(cwd, 'rollout.json'))).toBe(false);
  });
});
