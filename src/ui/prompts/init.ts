import type { CostEnvelope, Credential, DataClass, Tool, Trigger } from '../../manifest/types.js';
import { SENSITIVE_DATA_CLASSES } from '../../manifest/access.js';
import type { InitAnswers } from '../../init/answers.js';
import { nameFromId } from '../../init/answers.js';
import type { Style } from '../../render/style.js';
import type { CheckboxOptions, Choice, TextQuestion } from './ask.js';
import { askCheckbox, askConfirm, askSelect, askText } from './ask.js';
import { askCostEnvelope, askCredential, askSensitive, askTool, askTrigger } from './forms.js';
import { all, checkId, checkList, checkNoSecret, checkNumber, checkOrg, checkRequired, parseList } from './validators.js';

/** Data classes offered by name; any other id can be typed. */
export const COMMON_DATA_CLASSES = [
  'pii',
  'financial',
  'health',
  'credentials',
  'internal-docs',
  'customer-content',
  'source-code',
] as const;

function withoutDescription<T extends { description?: string }>(entry: T): Omit<T, 'description'> {
  const { description: _description, ...rest } = entry;
  return rest;
}

function heading(out: (text: string) => void, style: Style, text: string): void {
  out(`\n${style.bold(text)}\n`);
}

/** init's questions that check their answers, exported so tests render them as they are asked. */
export const INIT_QUESTIONS = {
  agentId: (current: string): TextQuestion => ({ message: 'Agent id', default: current, check: checkId({ what: 'agent' }) }),
  owner: (current: string): TextQuestion => ({
    message: 'Owning team (answers for the agent)',
    default: current,
    check: all(checkRequired('the owning team'), checkNoSecret()),
  }),
  pilotUsers: (current: readonly string[]): TextQuestion => ({
    message: 'Pilot users, comma-separated (1-2 trusted team members)',
    default: current.join(', '),
    check: checkList(checkNoSecret(), { what: 'user' }),
  }),
  pilotOrgs: (current: readonly string[]): TextQuestion => ({
    message: 'Pilot orgs or teams, comma-separated (optional)',
    ...(current.length ? { default: current.join(', ') } : {}),
    check: (v) => (v.trim() === '' ? true : checkList(checkOrg(), { what: 'org' })(v)),
  }),
  pilotVolume: (current: number): TextQuestion => ({
    message: 'Invocations per day in the pilot',
    default: String(current),
    check: checkNumber({ min: 0 }),
  }),
  betaPercent: (current: number): TextQuestion => ({
    message: 'Limited beta: percent of users or workloads (the guide says 5-10)',
    default: String(current),
    check: checkNumber({ min: 0.01, max: 99 }),
  }),
  /** The data classes: the tool's are picked and must stay picked. */
  dataClasses: (
    toolClasses: readonly string[],
    defaults: readonly DataClass[],
  ): { message: string; choices: Choice<string>[]; options: CheckboxOptions<string> } => {
    const offered = [...new Set([...toolClasses, ...COMMON_DATA_CLASSES])];
    const checked = new Set(toolClasses.length ? toolClasses : defaults.map((d) => d.id));
    return {
      message: 'Which data classes can the agent read or write? (space to pick, enter when done)',
      choices: offered.map((id) => ({
        value: id,
        name: `${id}${SENSITIVE_DATA_CLASSES.has(id) ? ' (sensitive)' : ''}`,
        checked: checked.has(id),
      })),
      options: {
        check: (ids) => {
          const missing = toolClasses.filter((id) => !ids.includes(id));
          return missing.length ? `the tool reaches ${missing.join(', ')}: keep ${missing.length === 1 ? 'it' : 'them'} picked` : true;
        },
      },
    };
  },
};

async function askDataClasses(toolClasses: readonly string[], defaults: readonly DataClass[]): Promise<DataClass[]> {
  const question = INIT_QUESTIONS.dataClasses(toolClasses, defaults);
  const picked = await askCheckbox<string>(question.message, question.choices, question.options);
  const more = parseList(
    await askText({
      message: 'Other data classes, comma-separated ids (optional)',
      check: (v) => (v.trim() === '' ? true : checkList(checkId({ taken: picked, what: 'data class' }), { what: 'data class' })(v)),
    }),
  );
  const classes: DataClass[] = [];
  for (const id of [...picked, ...more]) {
    const preset = defaults.find((d) => d.id === id);
    const access = await askSelect<DataClass['access']>(
      `Does the agent read ${id}, write it, or both?`,
      [
        { value: 'read', name: 'read' },
        { value: 'write', name: 'write' },
        { value: 'read-write', name: 'read and write' },
      ],
      preset?.access ?? 'read',
    );
    const sensitive = await askSensitive(id, preset?.sensitive);
    const entry: DataClass = preset ? { ...preset, access } : { id, access };
    if (sensitive === undefined) delete entry.sensitive;
    else entry.sensitive = sensitive;
    classes.push(entry);
  }
  return classes;
}

async function askTriggers(owner: string, defaults: readonly Trigger[]): Promise<Trigger[]> {
  const triggers: Trigger[] = [];
  let first = true;
  do {
    const preset = first ? defaults[0] : undefined;
    const taken = triggers.flatMap((t) => (t.id ? [t.id] : []));
    const presetDefaults: Partial<Trigger> = preset ? { ...withoutDescription(preset), owner } : { owner };
    triggers.push((await askTrigger({ taken, defaults: presetDefaults })) as unknown as Trigger);
    first = false;
  } while (await askConfirm('Is the agent invoked any other way?', false));
  return triggers;
}

/**
 * init's questions, in the order the guide's inventory asks them: the agent, its first
 * credential and tool, data classes, triggers, the cost envelope, and the stages. Every default
 * is the placeholder `init --yes` writes.
 */
export async function askInitAnswers(defaults: InitAnswers, out: (text: string) => void, style: Style): Promise<InitAnswers> {
  out(`${style.bold('New rollout manifest.')} Enter takes the default in parentheses; Ctrl-C stops without writing anything.\n`);
  heading(out, style, 'The agent');
  const id = await askText(INIT_QUESTIONS.agentId(defaults.agent.id));
  const name = await askText({
    message: 'Agent name',
    default: id === defaults.agent.id ? defaults.agent.name : nameFromId(id),
    check: all(checkRequired('a name'), checkNoSecret()),
  });
  const owner = await askText(INIT_QUESTIONS.owner(defaults.agent.owner));
  const contactDefault = owner === defaults.agent.owner ? defaults.agent.contact : undefined;
  const contact = await askText({
    message: 'How to reach the owner during an incident (email, channel or pager; optional)',
    ...(contactDefault ? { default: contactDefault } : {}),
    check: checkNoSecret(),
  });
  const model = await askText({
    message: 'Model it runs on',
    default: defaults.agent.model,
    check: all(checkRequired('the model'), checkNoSecret()),
  });

  heading(out, style, 'Its first credential (add the others later with agent-rollout inventory)');
  // The descriptions and the secret's place are the operator's own: no placeholder to carry over.
  const {
    description: _credentialDescription,
    secretRef: _secretRef,
    ...credentialDefaults
  }: Partial<Credential> = { ...defaults.credential, owner };
  if (id !== defaults.agent.id) credentialDefaults.id = `${id}-token`;
  const credential = (await askCredential({ taken: [], defaults: credentialDefaults, requireSecretRef: true })) as unknown as Credential;

  heading(out, style, 'Its first tool');
  const tool = (await askTool({
    taken: [],
    manifest: { inventory: { credentials: [credential], tools: [], dataClasses: [], triggers: [] } },
    defaults: { ...withoutDescription(defaults.tool), credential: credential.id },
  })) as unknown as Tool;

  heading(out, style, 'Data classes');
  const dataClasses = await askDataClasses(tool.dataClasses ?? [], defaults.dataClasses);

  heading(out, style, 'Triggers');
  const triggers = await askTriggers(owner, defaults.triggers);

  heading(out, style, 'Cost envelope (a rough estimate; the pilot measures the real one)');
  const envelope: CostEnvelope = await askCostEnvelope({ defaults: defaults.cost, required: true });
  const cost = envelope as Required<CostEnvelope>;

  heading(out, style, 'Stages: internal pilot → limited beta → general availability');
  const pilotUsers = parseList(await askText(INIT_QUESTIONS.pilotUsers(defaults.stages.pilotUsers)));
  const pilotOrgs = parseList(await askText(INIT_QUESTIONS.pilotOrgs(defaults.stages.pilotOrgs)));
  const pilotVolume = Number(await askText(INIT_QUESTIONS.pilotVolume(defaults.stages.pilotInvocationsPerDay)));
  const betaPercent = Number(await askText(INIT_QUESTIONS.betaPercent(defaults.stages.betaPercent)));

  const answers: InitAnswers = {
    agent: { id, name, owner, model, ...(contact ? { contact } : {}) },
    credential,
    tool,
    dataClasses,
    triggers,
    cost,
    stages: { pilotUsers, pilotOrgs, pilotInvocationsPerDay: pilotVolume, betaPercent },
  };
  return answers;
}

/** The last question: write the file? */
export async function confirmWrite(path: string): Promise<boolean> {
  return askConfirm(`Write ${path}?`, true);
}
