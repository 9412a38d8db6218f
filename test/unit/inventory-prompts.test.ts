import { checkbox, input, select } from '@inquirer/prompts';
import { render } from '@inquirer/testing';
import { describe, expect, it } from 'vitest';
import { checkboxPrompt, selectPrompt, textPrompt } from '../../src/ui/prompts/ask.js';
import { CLEAR, QUESTIONS, accessDefault, envNameFor } from '../../src/ui/prompts/forms.js';
import { checkDuration, checkList, checkId, formatArgv, parseArgv, parseList } from '../../src/ui/prompts/validators.js';

/** A token built at run time, so this file holds no literal a scanner would flag. */
const FAKE_GITHUB_TOKEN = 'ghp_' + 'Zx9Qw8Er7Ty6'.repeat(3);

type Events = Awaited<ReturnType<typeof render>>['events'];

/** The screen with its lines joined: the test terminal wraps at 80 columns. */
function flat(getScreen: () => string): () => string {
  return () => getScreen().replace(/\s+/g, ' ');
}

function erase(events: Events, count: number): void {
  for (let i = 0; i < count; i++) events.keypress('backspace');
}

describe('inventory prompts re-ask with the reason until the answer is right', () => {
  it('an id: lowercase, the allowed characters, not one another entry has', async () => {
    const { answer, events, getScreen } = await render(input, textPrompt(QUESTIONS.credentialId(['zendesk-ro'])));
    events.type('Zendesk RO');
    events.keypress('enter');
    await Promise.resolve();
    await expect.poll(flat(getScreen)).toContain('ids are lowercase: zendesk ro');
    erase(events, 10);
    events.type('zendesk ro');
    events.keypress('enter');
    await expect.poll(flat(getScreen)).toContain("use lowercase letters, digits, '.', '_' or '-'");
    erase(events, 10);
    events.type('zendesk-ro');
    events.keypress('enter');
    await expect.poll(flat(getScreen)).toContain('credential "zendesk-ro" already exists: choose another id');
    erase(events, 10);
    events.type('zendesk-rw');
    events.keypress('enter');
    await expect(answer).resolves.toBe('zendesk-rw');
  });

  it('where a secret lives, never the secret: a pasted token is refused and cleared from the line', async () => {
    const { answer, events, getScreen } = await render(input, textPrompt(QUESTIONS.secretRef(undefined, false)));
    events.type(FAKE_GITHUB_TOKEN);
    events.keypress('enter');
    await expect.poll(flat(getScreen)).toContain('this looks like a secret itself (a GitHub personal access token)');
    expect(getScreen()).not.toContain(FAKE_GITHUB_TOKEN);
    events.type('token-in-env');
    events.keypress('enter');
    await expect.poll(flat(getScreen)).toContain('write where the secret lives: env:NAME, vault:path, op://vault/item/field or file:path');
    events.type('env:ZENDESK_TOKEN_RO');
    events.keypress('enter');
    await expect(answer).resolves.toBe('env:ZENDESK_TOKEN_RO');
  });

  it('an optional question takes an empty answer, shows the current value as its default, and takes - to clear', async () => {
    const empty = await render(input, textPrompt(QUESTIONS.secretRef(undefined, false)));
    expect(empty.getScreen()).toContain('(optional)');
    empty.events.keypress('enter');
    await expect(empty.answer).resolves.toBe('');
    const current = await render(input, textPrompt(QUESTIONS.revokeCommand('./scripts/revoke.sh kb-ro')));
    expect(flat(current.getScreen)()).toContain(`(${CLEAR} to clear) (./scripts/revoke.sh kb-ro)`);
    current.events.keypress('enter');
    await expect(current.answer).resolves.toBe('./scripts/revoke.sh kb-ro');
    const cleared = await render(input, textPrompt(QUESTIONS.revokeCommand('./scripts/revoke.sh kb-ro')));
    cleared.events.type(CLEAR);
    cleared.events.keypress('enter');
    await expect(cleared.answer).resolves.toBe(CLEAR);
  });

  it('a revoke command with an open quote is refused', async () => {
    const { answer, events, getScreen } = await render(input, textPrompt(QUESTIONS.revokeCommand()));
    events.type('./revoke.sh "kb ro');
    events.keypress('enter');
    await expect.poll(flat(getScreen)).toContain('a quote is not closed');
    events.type('"');
    events.keypress('enter');
    await expect(answer).resolves.toBe('./revoke.sh "kb ro"');
  });

  it('a trigger from another agent needs an owner; a schedule needs five cron fields', async () => {
    const owner = await render(input, textPrompt(QUESTIONS.agentTriggerOwner()));
    owner.events.keypress('enter');
    await expect.poll(flat(owner.getScreen)).toContain('a trigger from another agent needs an owner');
    owner.events.type('orchestration');
    owner.events.keypress('enter');
    await expect(owner.answer).resolves.toBe('orchestration');
    const cron = await render(input, textPrompt(QUESTIONS.cron()));
    cron.events.keypress('backspace'); // on an empty line: drops the default
    cron.events.type('0 * *');
    cron.events.keypress('enter');
    await expect.poll(flat(cron.getScreen)).toContain('a cron expression has five fields');
    cron.events.type(' * *');
    cron.events.keypress('enter');
    await expect(cron.answer).resolves.toBe('0 * * * *');
  });

  it('a cost estimate is a non-negative number; one a criterion compares with cannot be cleared', async () => {
    const { answer, events, getScreen } = await render(
      input,
      textPrompt(QUESTIONS.costField('usdPerInvocation', 0.08, ['criterion "cost-within-estimate" of stage "internal-pilot"'], false)),
    );
    expect(flat(getScreen)()).toContain(
      'Expected USD per invocation (criterion "cost-within-estimate" of stage "internal-pilot" compares with it) (0.08)',
    );
    events.type(CLEAR);
    events.keypress('enter');
    await expect.poll(flat(getScreen)).toContain('compares with it: it cannot be cleared');
    erase(events, 1);
    events.type('ten cents');
    events.keypress('enter');
    await expect.poll(flat(getScreen)).toContain('"ten cents" is not a number');
    erase(events, 9);
    events.type('-1');
    events.keypress('enter');
    await expect.poll(flat(getScreen)).toContain('enter at least 0');
    erase(events, 2);
    events.type('0.09');
    events.keypress('enter');
    await expect(answer).resolves.toBe('0.09');
  });

  it('a select starts on the current value; a checkbox with a rule re-asks with it', async () => {
    const picked = await render(
      select,
      selectPrompt(
        'Its highest access',
        [
          { value: 'read', name: 'read' },
          { value: 'write', name: 'write' },
        ],
        'write',
      ),
    );
    expect(picked.getScreen()).toContain('❯ write');
    picked.events.keypress('enter');
    await expect(picked.answer).resolves.toBe('write');
    const boxes = await render(
      checkbox,
      checkboxPrompt(
        'Data classes',
        [
          { value: 'pii', name: 'pii', checked: true },
          { value: 'financial', name: 'financial' },
        ],
        { required: 'pick at least one' },
      ),
    );
    boxes.events.keypress('space'); // unpicks pii
    boxes.events.keypress('enter');
    await expect.poll(flat(boxes.getScreen)).toContain('pick at least one');
    boxes.events.keypress('down');
    boxes.events.keypress('space');
    boxes.events.keypress('enter');
    await expect(boxes.answer).resolves.toEqual(['financial']);
  });
});

describe('defaults that follow the answers', () => {
  it("a new credential's highest access defaults from the scopes answered; an edited one keeps its own", () => {
    expect(accessDefault(['pull_requests:write', 'contents:read'], 'read', false)).toBe('write');
    expect(accessDefault(['repo/admin'], undefined, false)).toBe('admin');
    expect(accessDefault(['tickets:read'], undefined, false)).toBe('read');
    expect(accessDefault([], 'read', false)).toBe('read');
    expect(accessDefault([], undefined, false)).toBe('derive');
    expect(accessDefault(['pull_requests:write'], 'read', true)).toBe('read');
  });

  it('an optional question offers - to clear only when editing a value, not on a suggested default', () => {
    expect(QUESTIONS.revokeCommand('./revoke.sh', false).message).toMatch(/\(optional\)$/);
    expect(QUESTIONS.revokeCommand('./revoke.sh').message).toContain(`(${CLEAR} to clear)`);
  });
});

describe('answer parsing', () => {
  it('lists, command lines, durations and env names', () => {
    expect(parseList(' a, b ,,c ')).toEqual(['a', 'b', 'c']);
    expect(checkList(checkId())('a, a')).toBe('an item is listed twice');
    expect(parseArgv(`./revoke.sh "my token" 'x y' z`)).toEqual(['./revoke.sh', 'my token', 'x y', 'z']);
    expect(parseArgv('a "b')).toBeUndefined();
    expect(parseArgv(formatArgv(['./a b', '', 'say "hi"']))).toEqual(['./a b', '', 'say "hi"']);
    expect(checkDuration()('7 days')).toContain('is not a duration');
    expect(checkDuration()('1h30m')).toBe(true);
    expect(envNameFor('zendesk-ro')).toBe('ZENDESK_RO_TOKEN');
    expect(envNameFor('my-agent-token')).toBe('MY_AGENT_TOKEN');
  });
});
