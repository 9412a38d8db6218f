import { maxAccess, scopeAccess, SENSITIVE_DATA_CLASSES } from '../../manifest/access.js';
import type { Access, CostEnvelope, Credential, DataClass, Manifest, Tool, Trigger } from '../../manifest/types.js';
import { costFieldReferences } from '../../inventory/edit.js';
import { COST_FIELDS, COST_FIELD_LABELS } from '../../inventory/sections.js';
import { formatNumber } from '../../plan/criterion-text.js';
import type { Choice, TextQuestion } from './ask.js';
import { askCheckbox, askSelect, askText } from './ask.js';
import type { Check } from './validators.js';
import {
  all,
  checkCommand,
  checkCron,
  checkId,
  checkList,
  checkNoSecret,
  checkNumber,
  checkRequired,
  checkSecretRef,
  formatArgv,
  parseArgv,
  parseList,
} from './validators.js';

/**
 * One form per kind of inventory entry: the walkthrough's add and edit, and init's first
 * credential and tool. Defaults come from the entry being edited; the entry comes back with its
 * keys in the schema's order (an edit keeps the file's own order, see inventory/edit.ts).
 */

type Entry = Record<string, unknown>;

/** Typed for an optional answer that has a value now: clears it. */
export const CLEAR = '-';

/** An optional question: empty keeps nothing (or the current value), `-` clears the current value. */
export function optionalQuestion(
  message: string,
  current: string | undefined,
  check: Check = checkNoSecret(),
  clearOnError = false,
  editing = true,
): TextQuestion {
  // A suggested default on a new entry is not a value to clear: `-` is offered only when editing.
  const hint = current === undefined || !editing ? ' (optional)' : ` (${CLEAR} to clear)`;
  return {
    message: `${message}${hint}`,
    ...(current !== undefined ? { default: current } : {}),
    check: (v) => (v.trim() === CLEAR || v.trim() === '' ? true : check(v)),
    clearOnError,
  };
}

async function optionalText(
  message: string,
  current: string | undefined,
  check: Check = checkNoSecret(),
  clearOnError = false,
  editing = true,
): Promise<string | undefined> {
  const answer = await askText(optionalQuestion(message, current, check, clearOnError, editing));
  return answer === '' || answer === CLEAR ? undefined : answer;
}

const SECRET_MESSAGE = 'Where does the secret live? (env:NAME, vault:path, op://vault/item/field, file:path)';

const COST_CHECKS: Record<(typeof COST_FIELDS)[number], Parameters<typeof checkNumber>[0]> = {
  tokensPerInvocation: { min: 0, integer: true },
  apiCallsPerInvocation: { min: 0 },
  usdPerInvocation: { min: 0 },
  invocationsPerDay: { min: 0 },
};

/** The questions of the forms that check their answers, exported so tests render them as they are asked. */
export const QUESTIONS = {
  credentialId: (taken: readonly string[], current?: string): TextQuestion => ({
    message: 'Credential id',
    ...(current ? { default: current } : {}),
    check: checkId({ taken, what: 'credential' }),
  }),
  secretRef: (current: string | undefined, required: boolean): TextQuestion =>
    required
      ? { message: SECRET_MESSAGE, ...(current ? { default: current } : {}), check: checkSecretRef(), clearOnError: true }
      : optionalQuestion(SECRET_MESSAGE, current, checkSecretRef(), true),
  revokeCommand: (current?: string, editing = true): TextQuestion =>
    optionalQuestion('Command that revokes it (e.g. ./scripts/revoke.sh my-token)', current, checkCommand(), false, editing),
  toolId: (taken: readonly string[], current?: string): TextQuestion => ({
    message: 'Tool id',
    ...(current ? { default: current } : {}),
    check: checkId({ taken, what: 'tool' }),
  }),
  cron: (current?: string): TextQuestion => ({
    message: 'Cron schedule (five fields)',
    default: current ?? '0 * * * *',
    check: checkCron(),
  }),
  agentTriggerOwner: (current?: string): TextQuestion => ({
    message: 'Who owns the calling agent? (a team)',
    ...(current ? { default: current } : {}),
    check: (v) =>
      v.trim() === ''
        ? 'a trigger from another agent needs an owner: enter the team that answers for the calling agent'
        : checkNoSecret()(v),
  }),
  costField: (
    field: (typeof COST_FIELDS)[number],
    value: number | undefined,
    users: readonly string[],
    optional: boolean,
  ): TextQuestion => {
    const check = checkNumber({ ...COST_CHECKS[field], optional });
    const note = users.length
      ? ` (${users.join(', ')} compares with it)`
      : !optional
        ? ''
        : value === undefined
          ? ' (optional)'
          : ` (${CLEAR} to clear)`;
    return {
      message: `Expected ${COST_FIELD_LABELS[field]}${note}`,
      ...(value !== undefined ? { default: formatNumber(value) } : {}),
      check: (v) =>
        v.trim() === CLEAR
          ? optional
            ? true
            : users.length
              ? `${users[0]} compares with it: it cannot be cleared`
              : 'this estimate is needed'
          : check(v),
    };
  },
};

function set(entry: Entry, key: string, value: unknown): void {
  if (value !== undefined) entry[key] = value;
}

export const CREDENTIAL_KINDS: readonly Credential['kind'][] = [
  'api-token',
  'oauth-client',
  'service-account',
  'cloud-role',
  'database-user',
  'ssh-key',
  'certificate',
  'other',
];
export const TOOL_KINDS: readonly Tool['kind'][] = [
  'mcp-server',
  'http-api',
  'database',
  'filesystem',
  'queue',
  'agent',
  'function',
  'other',
];
export const TRIGGER_KINDS: readonly Trigger['kind'][] = ['webhook', 'schedule', 'user-action', 'agent', 'queue', 'api'];
const ACCESS: readonly Access[] = ['read', 'write', 'admin'];

const TRIGGER_DESCRIPTIONS: Record<Trigger['kind'], string> = {
  webhook: 'a webhook from another system',
  schedule: 'a schedule (cron)',
  'user-action': 'a user asks for it',
  agent: 'another agent calls it',
  queue: 'a message on a queue',
  api: 'an API call',
};

function names<T extends string>(values: readonly T[], describe?: (value: T) => string): Choice<T>[] {
  return values.map((value) => ({ value, name: describe ? `${value}: ${describe(value)}` : value }));
}

/** An environment variable for a credential id: zendesk-ro → ZENDESK_RO_TOKEN, my-agent-token → MY_AGENT_TOKEN. */
export function envNameFor(id: string): string {
  const base = id
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  const name = /^[0-9]/.test(base) || base === '' ? `X_${base}` : base;
  return /(TOKEN|KEY|SECRET|PASSWORD|CREDENTIALS?)$/.test(name) ? name : `${name}_TOKEN`;
}

/**
 * The default of "Its highest access": when editing, what the credential says; for a new one, what
 * the scopes just answered imply (pull_requests:write → write), which says more than a placeholder.
 */
export function accessDefault(scopes: readonly string[], current: Access | undefined, editing: boolean): Access | 'derive' {
  if (editing || scopes.length === 0) return current ?? 'derive';
  return scopes.map(scopeAccess).reduce(maxAccess);
}

export interface CredentialFormOptions {
  /** The credential being edited. */
  current?: Credential;
  /** Ids other credentials already use. */
  taken: readonly string[];
  /** Defaults for a new credential. */
  defaults?: Partial<Credential>;
  /** init: where the secret lives is asked for, not optional. */
  requireSecretRef?: boolean;
}

export async function askCredential(options: CredentialFormOptions): Promise<Entry> {
  const current = options.current ?? options.defaults ?? {};
  const editing = options.current !== undefined;
  const optional = (message: string, value: string | undefined, check?: Check) => optionalText(message, value, check, false, editing);
  const entry: Entry = {};
  entry['id'] = await askText(QUESTIONS.credentialId(options.taken, current.id));
  const id = entry['id'] as string;
  entry['kind'] = await askSelect('What kind of credential is it?', names(CREDENTIAL_KINDS), current.kind ?? 'api-token');
  set(entry, 'description', await optional('What is it for?', current.description));
  if (options.requireSecretRef) {
    entry['secretRef'] = await askText(QUESTIONS.secretRef(current.secretRef ?? `env:${envNameFor(id)}`, true));
  } else {
    const answer = await askText(QUESTIONS.secretRef(current.secretRef, false));
    set(entry, 'secretRef', answer === '' || answer === CLEAR ? undefined : answer);
  }
  const scopes = await optional(
    'Scopes it grants, comma-separated (e.g. tickets:read)',
    current.scopes?.join(', '),
    checkList(checkNoSecret(), { what: 'scope' }),
  );
  set(entry, 'scopes', scopes === undefined ? undefined : parseList(scopes));
  const access = await askSelect<Access | 'derive'>(
    'Its highest access',
    [{ value: 'derive', name: 'derive it from the scopes and the tools that use it' }, ...ACCESS.map((a) => ({ value: a, name: a }))],
    accessDefault(scopes === undefined ? [] : parseList(scopes), current.access, editing),
  );
  set(entry, 'access', access === 'derive' ? undefined : access);
  set(entry, 'owner', await optional('Who issues and can revoke it? (a team)', current.owner));
  const revocable = await askSelect<'yes' | 'no' | 'unknown'>(
    'Can it be revoked on its own, without cutting off other systems?',
    [
      { value: 'yes', name: 'yes: it is the agent’s own credential' },
      { value: 'no', name: 'no: revoking it takes other systems down too' },
      { value: 'unknown', name: 'not known yet' },
    ],
    current.independentlyRevocable === undefined ? (options.current ? 'unknown' : 'yes') : current.independentlyRevocable ? 'yes' : 'no',
  );
  set(entry, 'independentlyRevocable', revocable === 'unknown' ? undefined : revocable === 'yes');
  const runAnswer = await askText(QUESTIONS.revokeCommand(current.revoke?.run ? formatArgv(current.revoke.run) : undefined, editing));
  const run = runAnswer === '' || runAnswer === CLEAR ? undefined : runAnswer;
  const runbook = await optional('Runbook that says how to revoke it (a path or URL)', current.revoke?.runbook);
  if (run !== undefined || runbook !== undefined) {
    const revoke: Entry = {};
    set(revoke, 'run', run === undefined ? undefined : parseArgv(run));
    set(revoke, 'runbook', runbook);
    entry['revoke'] = revoke;
  }
  return entry;
}

export interface ToolFormOptions {
  current?: Tool;
  taken: readonly string[];
  manifest: Pick<Manifest, 'inventory'>;
  defaults?: Partial<Tool>;
}

export async function askTool(options: ToolFormOptions): Promise<Entry> {
  const current = options.current ?? options.defaults ?? {};
  const entry: Entry = {};
  entry['id'] = await askText(QUESTIONS.toolId(options.taken, current.id));
  entry['kind'] = await askSelect('What kind of tool is it?', names(TOOL_KINDS), current.kind ?? 'mcp-server');
  set(
    entry,
    'description',
    await optionalText('What does the agent use it for?', current.description, checkNoSecret(), false, options.current !== undefined),
  );
  set(
    entry,
    'endpoint',
    await optionalText('Where is it? (a URL, host or path)', current.endpoint, checkNoSecret(), false, options.current !== undefined),
  );
  const credentials = options.manifest.inventory.credentials.map((c) => c.id);
  const none = '\u0000none';
  const credential = await askSelect<string>(
    'Which credential does the agent use for it?',
    [...credentials.map((id) => ({ value: id, name: id })), { value: none, name: 'none: it needs no credential' }],
    current.credential !== undefined && credentials.includes(current.credential)
      ? current.credential
      : options.current
        ? none
        : (credentials[0] ?? none),
  );
  set(entry, 'credential', credential === none ? undefined : credential);
  entry['access'] = await askSelect(
    'What can the agent do through it?',
    names(ACCESS, (a) => (a === 'read' ? 'only read' : a === 'write' ? 'create or change' : 'administer, delete, change permissions')),
    current.access ?? 'read',
  );
  entry['dataClasses'] = await askToolDataClasses(
    current.dataClasses,
    options.manifest.inventory.dataClasses.map((d) => d.id),
    options.current !== undefined,
  );
  if (entry['dataClasses'] === undefined) delete entry['dataClasses'];
  return entry;
}

async function askToolDataClasses(
  current: string[] | undefined,
  declared: readonly string[],
  editing: boolean,
): Promise<string[] | undefined> {
  const known = await askSelect<'known' | 'none' | 'unknown'>(
    'Which data classes can the agent reach through it?',
    [
      { value: 'known', name: 'I will list them' },
      { value: 'none', name: 'none: it reaches no data class' },
      { value: 'unknown', name: 'not known yet (an inventory gap)' },
    ],
    current === undefined ? (editing ? 'unknown' : 'known') : current.length === 0 ? 'none' : 'known',
  );
  if (known === 'none') return [];
  if (known === 'unknown') return undefined;
  const picked = declared.length
    ? await askCheckbox(
        'Pick the declared data classes it reaches (space to pick, enter when done)',
        declared.map((id) => ({ value: id, name: id, checked: current?.includes(id) ?? false })),
      )
    : [];
  const others = (current ?? []).filter((id) => !declared.includes(id));
  const more = await askText({
    message: `${declared.length ? 'Other' : 'The'} data classes it reaches, comma-separated ids${declared.length ? ' (optional; declare them in the data classes section)' : ''}`,
    ...(others.length ? { default: others.join(', ') } : {}),
    check: (value) =>
      value.trim() === ''
        ? picked.length || declared.length
          ? true
          : 'enter at least one id, or choose "none" or "not known yet"'
        : checkList(checkId(), { what: 'data class' })(value),
  });
  return [...new Set([...picked, ...parseList(more)])];
}

/**
 * Whether a data class is sensitive (AR112: output must be inspected for it): as the built-in
 * list says (undefined), or yes or no.
 */
export async function askSensitive(id: string, current: boolean | undefined): Promise<boolean | undefined> {
  const builtIn = SENSITIVE_DATA_CLASSES.has(id);
  const sensitive = await askSelect<'default' | 'yes' | 'no'>(
    `Is ${id} sensitive (output must be inspected for it)?`,
    [
      {
        value: 'default',
        name: `as the built-in list says: ${builtIn ? 'sensitive' : 'not sensitive'} (pii, financial, credentials and health are)`,
      },
      { value: 'yes', name: 'yes, sensitive' },
      { value: 'no', name: 'no, not sensitive' },
    ],
    current === undefined ? 'default' : current ? 'yes' : 'no',
  );
  return sensitive === 'default' ? undefined : sensitive === 'yes';
}

export interface DataClassFormOptions {
  current?: DataClass;
  taken: readonly string[];
  /** A suggested id for a new class (one a tool names but nobody declared). */
  suggestedId?: string;
}

export async function askDataClass(options: DataClassFormOptions): Promise<Entry> {
  const current = options.current;
  const entry: Entry = {};
  const idDefault = current?.id ?? options.suggestedId;
  entry['id'] = await askText({
    message: 'Data class id (e.g. pii, financial, internal-docs)',
    ...(idDefault ? { default: idDefault } : {}),
    check: checkId({ taken: options.taken, what: 'data class' }),
  });
  const id = entry['id'] as string;
  entry['access'] = await askSelect<DataClass['access']>(
    'Does the agent read it, write it, or both?',
    [
      { value: 'read', name: 'read' },
      { value: 'write', name: 'write' },
      { value: 'read-write', name: 'read and write' },
    ],
    current?.access ?? 'read',
  );
  set(entry, 'sensitive', await askSensitive(id, current?.sensitive));
  set(entry, 'description', await optionalText('What falls in this class?', current?.description));
  return entry;
}

export interface TriggerFormOptions {
  current?: Trigger;
  /** Ids other triggers use. */
  taken: readonly string[];
  defaults?: Partial<Trigger>;
}

export async function askTrigger(options: TriggerFormOptions): Promise<Entry> {
  const editing = options.current !== undefined;
  const preset = options.current ?? options.defaults ?? {};
  const entry: Entry = {};
  const kind = await askSelect(
    'How is the agent invoked?',
    names(TRIGGER_KINDS, (k) => TRIGGER_DESCRIPTIONS[k]),
    preset.kind ?? 'webhook',
  );
  // A new trigger's suggested id and description belong to the kind they were written for: an
  // agent trigger does not default to "user-request". The owner carries over.
  const current: Partial<Trigger> = editing || kind === preset.kind ? preset : { ...(preset.owner ? { owner: preset.owner } : {}) };
  const optional = (message: string, value: string | undefined) => optionalText(message, value, checkNoSecret(), false, editing);
  const id = await askText({
    message: 'Trigger id (optional, so reviews can follow it)',
    ...(current.id ? { default: current.id } : {}),
    check: checkId({ taken: options.taken, what: 'trigger', optional: true }),
  });
  set(entry, 'id', id === '' ? undefined : id);
  entry['kind'] = kind;
  const sourceRequired = kind === 'webhook' || kind === 'agent' || kind === 'queue';
  const sourceMessage =
    kind === 'agent'
      ? 'Which agent calls it? (its id)'
      : kind === 'schedule'
        ? 'What runs the schedule?'
        : 'What fires it? (e.g. zendesk:ticket.created)';
  if (sourceRequired) {
    entry['source'] = await askText({
      message: sourceMessage,
      ...(current.source ? { default: current.source } : {}),
      check: all(checkRequired('what fires it'), checkNoSecret()),
    });
  } else if (kind !== 'schedule') {
    set(entry, 'source', await optional(sourceMessage, current.source));
  }
  if (kind === 'schedule') {
    entry['cron'] = await askText(QUESTIONS.cron(current.cron));
  }
  if (kind === 'agent') {
    entry['owner'] = await askText(QUESTIONS.agentTriggerOwner(current.owner));
  } else {
    set(entry, 'owner', await optional('Who owns the triggering system? (a team)', current.owner));
  }
  set(entry, 'description', await optional('What does the trigger do?', current.description));
  return entry;
}

export interface CostFormOptions {
  current?: CostEnvelope;
  /** The manifest, whose criteria may compare with a field (which then cannot be cleared). */
  manifest?: Manifest;
  /** init: every field is asked for. */
  required?: boolean;
  /** Defaults for a new envelope. */
  defaults?: CostEnvelope;
}

export async function askCostEnvelope(options: CostFormOptions): Promise<CostEnvelope> {
  const refs = options.manifest ? costFieldReferences(options.manifest) : new Map<string, never[]>();
  const source = options.current ?? options.defaults ?? {};
  const envelope: CostEnvelope = {};
  for (const field of COST_FIELDS) {
    const users = refs.get(field) ?? [];
    const value = source[field];
    const optional = !options.required && users.length === 0;
    const answer = await askText(
      QUESTIONS.costField(
        field,
        value,
        users.map((u) => u.where),
        optional,
      ),
    );
    if (answer !== '' && answer !== CLEAR) envelope[field] = Number(answer);
  }
  return envelope;
}
