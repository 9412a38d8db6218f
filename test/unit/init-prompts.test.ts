import { checkbox, input } from '@inquirer/prompts';
import { render } from '@inquirer/testing';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ANSWERS } from '../../src/init/answers.js';
import { checkboxPrompt, textPrompt } from '../../src/ui/prompts/ask.js';
import { COMMON_DATA_CLASSES, INIT_QUESTIONS } from '../../src/ui/prompts/init.js';

/** The screen with its lines joined: the test terminal wraps at 80 columns. */
function flat(getScreen: () => string): () => string {
  return () => getScreen().replace(/\s+/g, ' ');
}

type Events = Awaited<ReturnType<typeof render>>['events'];

function erase(events: Events, count: number): void {
  for (let i = 0; i < count; i++) events.keypress('backspace');
}

describe('init prompts', () => {
  it('defaults are the placeholders init --yes writes: Enter takes them', async () => {
    const id = await render(input, textPrompt(INIT_QUESTIONS.agentId(DEFAULT_ANSWERS.agent.id)));
    expect(id.getScreen()).toContain('Agent id (my-agent)');
    id.events.keypress('enter');
    await expect(id.answer).resolves.toBe('my-agent');
    const users = await render(input, textPrompt(INIT_QUESTIONS.pilotUsers(DEFAULT_ANSWERS.stages.pilotUsers)));
    users.events.keypress('enter');
    await expect(users.answer).resolves.toBe('pilot-user@example.com');
  });

  it('the agent id is checked like every id', async () => {
    const { answer, events, getScreen } = await render(input, textPrompt(INIT_QUESTIONS.agentId('my-agent')));
    events.type('-support');
    events.keypress('enter');
    await expect.poll(flat(getScreen)).toContain('starting and ending with a letter or digit');
    erase(events, 8);
    events.type('support');
    events.keypress('enter');
    await expect(answer).resolves.toBe('support');
  });

  it('the beta percent is a number between 0 and 99; the pilot volume is not negative', async () => {
    const beta = await render(input, textPrompt(INIT_QUESTIONS.betaPercent(5)));
    beta.events.type('100');
    beta.events.keypress('enter');
    await expect.poll(flat(beta.getScreen)).toContain('enter at most 99');
    erase(beta.events, 3);
    beta.events.type('10');
    beta.events.keypress('enter');
    await expect(beta.answer).resolves.toBe('10');
    const volume = await render(input, textPrompt(INIT_QUESTIONS.pilotVolume(20)));
    volume.events.type('-5');
    volume.events.keypress('enter');
    await expect.poll(flat(volume.getScreen)).toContain('enter at least 0');
    // Finish the prompt: one left pending rejects when the worker exits, an unhandled error.
    erase(volume.events, 2);
    volume.events.type('5');
    volume.events.keypress('enter');
    await expect(volume.answer).resolves.toBe('5');
  });

  it('pilot orgs are optional, but each one must be an org name', async () => {
    const { answer, events, getScreen } = await render(input, textPrompt(INIT_QUESTIONS.pilotOrgs([])));
    events.type('support pilot, ops');
    events.keypress('enter');
    await expect.poll(flat(getScreen)).toContain("support pilot: use letters, digits, '.', '_', '@' or '-'");
    erase(events, 18);
    events.type('support-pilot, ops');
    events.keypress('enter');
    await expect(answer).resolves.toBe('support-pilot, ops');
  });

  it('the data classes the tool reaches stay picked: unpicking one is refused with the reason', async () => {
    const question = INIT_QUESTIONS.dataClasses(['pii'], DEFAULT_ANSWERS.dataClasses);
    expect(question.choices.map((c) => c.value)).toEqual([...COMMON_DATA_CLASSES]);
    expect(question.choices.filter((c) => c.checked).map((c) => c.value)).toEqual(['pii']);
    const { answer, events, getScreen } = await render(checkbox, checkboxPrompt(question.message, question.choices, question.options));
    expect(getScreen()).toContain('pii (sensitive)');
    events.keypress('space'); // unpicks pii
    events.keypress('enter');
    await expect.poll(flat(getScreen)).toContain('the tool reaches pii: keep it picked');
    events.keypress('space');
    for (let i = 0; i < 4; i++) events.keypress('down');
    events.keypress('space'); // internal-docs
    events.keypress('enter');
    await expect(answer).resolves.toEqual(['pii', 'internal-docs']);
  });
});
