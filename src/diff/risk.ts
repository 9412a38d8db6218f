import type { Access, Credential, DataClass, Tool } from '../manifest/types.js';
import { canRead, credentialAccess, isSensitive, scopeAccess } from '../manifest/access.js';
import { parseDuration } from '../time/duration.js';
import type { Risk } from './model.js';
import type { RawChange } from './walk.js';
import { showName, showValue } from './show.js';

/**
 * The risk rules: each change gets a level and a reason, from the rules documented in
 * docs/diff-risks.md (the ids here are the ids there). Pure.
 */

export interface Assessment {
  risk: Risk;
  rule: string;
  reason: string;
}

type Obj = Record<string, unknown>;

function obj(value: unknown): Obj | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Obj) : undefined;
}
function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
/** A duration in ms; a value that is not a duration counts as absent (fail closed: a dropped bound). */
function ms(value: unknown): number | undefined {
  return typeof value === 'string' ? parseDuration(value) : undefined;
}

/** One side of the diff, indexed once so that rules look things up in constant time. */
export interface SideIndex {
  doc: Obj;
  credentials: Map<string, Obj>;
  toolsByCredential: Map<string, Obj[]>;
  dataClasses: Map<string, Obj>;
  stageOrder: string[];
  stages: Map<string, Obj>;
  state: Obj;
}

export function indexSide(document: unknown): SideIndex {
  const doc = obj(document) ?? {};
  const inventory = obj(doc['inventory']) ?? {};
  const credentials = new Map<string, Obj>();
  for (const item of list(inventory['credentials'])) {
    const credential = obj(item);
    const id = text(credential?.['id']);
    if (credential && id !== undefined && !credentials.has(id)) credentials.set(id, credential);
  }
  const toolsByCredential = new Map<string, Obj[]>();
  for (const item of list(inventory['tools'])) {
    const tool = obj(item);
    const credential = text(tool?.['credential']);
    if (tool && credential !== undefined) {
      const using = toolsByCredential.get(credential);
      if (using) using.push(tool);
      else toolsByCredential.set(credential, [tool]);
    }
  }
  const dataClasses = new Map<string, Obj>();
  for (const item of list(inventory['dataClasses'])) {
    const dataClass = obj(item);
    const id = text(dataClass?.['id']);
    if (dataClass && id !== undefined && !dataClasses.has(id)) dataClasses.set(id, dataClass);
  }
  const stageOrder: string[] = [];
  const stages = new Map<string, Obj>();
  for (const item of list(doc['stages'])) {
    const stage = obj(item);
    const id = text(stage?.['id']);
    if (stage && id !== undefined && !stages.has(id)) {
      stages.set(id, stage);
      stageOrder.push(id);
    }
  }
  return { doc, credentials, toolsByCredential, dataClasses, stageOrder, stages, state: obj(doc['state']) ?? {} };
}

export interface RiskContext {
  base: SideIndex;
  head: SideIndex;
}

const ACCESS_RANK: Record<Access, number> = { read: 0, write: 1, admin: 2 };
const isAccess = (value: unknown): value is Access => value === 'read' || value === 'write' || value === 'admin';

/** What a credential lets the agent do (src/manifest/access.ts), on a possibly invalid document. */
function accessOf(credential: Obj | undefined, side: SideIndex): Access {
  if (!credential) return 'read';
  const id = text(credential['id']) ?? '';
  const safe = {
    id,
    kind: 'other',
    ...(isAccess(credential['access']) ? { access: credential['access'] } : {}),
    scopes: list(credential['scopes']).filter((scope): scope is string => typeof scope === 'string'),
  } as Credential;
  const tools = (side.toolsByCredential.get(id) ?? [])
    .filter((tool) => isAccess(tool['access']))
    .map((tool) => ({ id: text(tool['id']) ?? '', kind: 'other', credential: id, access: tool['access'] }) as Tool);
  return credentialAccess(safe, tools);
}

function dataClassOf(id: string, ...sides: SideIndex[]): DataClass {
  for (const side of sides) {
    const found = side.dataClasses.get(id);
    if (found)
      return {
        id,
        access: (found['access'] as DataClass['access']) ?? 'read',
        ...(typeof found['sensitive'] === 'boolean' ? { sensitive: found['sensitive'] } : {}),
      };
  }
  return { id, access: 'read' };
}

function dataClassCanWrite(dataClass: Obj | undefined): boolean {
  const access = dataClass?.['access'];
  return access === 'write' || access === 'read-write';
}

const high = (rule: string, reason: string): Assessment => ({ risk: 'high', rule, reason });
const medium = (rule: string, reason: string): Assessment => ({ risk: 'medium', rule, reason });
const low = (rule: string, reason: string): Assessment => ({ risk: 'low', rule, reason });

type Direction = 'looser' | 'tighter' | 'same';

/**
 * Whether a bound moved the loose way. A bound that is dropped is loosened; a new bound tightens.
 * `looseWhen` says which way loosens: a `max` is looser when higher, a `min` when lower.
 */
function bound(before: number | undefined, after: number | undefined, looseWhen: 'higher' | 'lower'): Direction {
  if (before === after) return 'same';
  if (after === undefined) return 'looser';
  if (before === undefined) return 'tighter';
  return after > before === (looseWhen === 'higher') ? 'looser' : 'tighter';
}

function judged(direction: Direction, rule: string, loose: () => Assessment, tight: string): Assessment {
  if (direction === 'looser') return loose();
  return low(rule, direction === 'same' ? 'no effective change' : tight);
}

const INPUT_STRENGTH: Record<string, number> = { block: 3, redact: 2, log: 1, off: 0 };
const OUTPUT_STRENGTH: Record<string, number> = { block: 3, redact: 2, log: 1 };
const DATA_ACCESS_RANK: Record<string, number> = { none: 0, synthetic: 1, staging: 2, 'read-only-replica': 3, production: 4 };
const ALERT_ACTION_RANK: Record<string, number> = { disable: 4, pause: 3, page: 2, notify: 1 };
const SEVERITY_RANK: Record<string, number> = { critical: 3, warning: 2, info: 1 };

function rank(table: Record<string, number>, value: unknown): number {
  return typeof value === 'string' && value in table ? (table[value] as number) : -1;
}

type Rule = (c: RawChange, ctx: RiskContext) => Assessment | undefined;

// --- inventory ------------------------------------------------------------------------------

const credentialAdded: Rule = (c, ctx) => {
  if (c.kind === 'removed') return low('credential-removed', 'a credential removed: the agent holds less');
  const credential = obj(c.after);
  return high(
    'credential-added',
    `a new credential with ${accessOf(credential, ctx.head)} access: the agent holds more than before; check its scopes, its owner and how it is revoked`,
  );
};

const scopeChanged: Rule = (c) => {
  if (c.kind === 'removed') return low('scope-removed', 'a scope removed: the credential can do less');
  const scope = text(c.after) ?? '';
  const access = scopeAccess(scope);
  if (access !== 'read')
    return high('scope-write', `scope ${showValue(scope)} grants ${access} access: the agent can change things it could only read before`);
  return medium('scope-read', `a new read scope: the credential sees more (${showValue(scope)})`);
};

const credentialAccess_: Rule = (c, ctx) => {
  const before = accessOf(obj(c.scope.base), ctx.base);
  const after = accessOf(obj(c.scope.head), ctx.head);
  if (ACCESS_RANK[after] > ACCESS_RANK[before])
    return high('credential-access', `the credential can now ${after === 'admin' ? 'administer' : 'write'} (it could ${before} before)`);
  return low(
    'credential-access',
    ACCESS_RANK[after] < ACCESS_RANK[before] ? `less access: ${before} → ${after}` : `the effective access stays ${after}`,
  );
};

const secretRef: Rule = () =>
  medium('secret-ref', "the credential is read from a different secret: check it is the agent's own, least-privilege credential");

const revocable: Rule = (c) =>
  c.after === true
    ? low('independently-revocable', 'the credential can now be revoked on its own')
    : high(
        'independently-revocable',
        'the credential can no longer be revoked on its own: a rollback would also cut off the systems that share it, or skip it',
      );

const revokeProcedure: Rule = (c) => {
  if (c.kind === 'added') return low('revoke-procedure', 'a revocation procedure added');
  const remaining = obj(obj(c.scope.head)?.['revoke']);
  const none = remaining === undefined || (remaining['run'] === undefined && remaining['runbook'] === undefined);
  if (c.kind === 'removed' && none)
    return high('revoke-procedure', 'the credential has no revocation procedure any more: a rollback cannot revoke it');
  return medium('revoke-procedure', 'the revocation procedure changed: a drill should prove it still works');
};

const toolAdded: Rule = (c, ctx) => {
  if (c.kind === 'removed') return low('tool-removed', 'a tool removed: the agent reaches less');
  const tool = obj(c.after) ?? {};
  const access = isAccess(tool['access']) ? tool['access'] : 'read';
  if (access !== 'read') return high('tool-added', `a new tool with ${access} access: the agent can change things in another system`);
  const sensitive = list(tool['dataClasses']).filter(
    (id): id is string => typeof id === 'string' && isSensitive(dataClassOf(id, ctx.head)),
  );
  if (sensitive.length > 0) return high('tool-added', `a new tool that reaches sensitive data (${sensitive.map(showName).join(', ')})`);
  return medium('tool-added', 'a new tool: the agent can reach another system (read access)');
};

const toolAccess: Rule = (c) => {
  const before = isAccess(c.before) ? ACCESS_RANK[c.before] : -1;
  const after = isAccess(c.after) ? ACCESS_RANK[c.after] : 3;
  if (after > before && after >= ACCESS_RANK.write)
    return high('tool-access', `the tool's access rose to ${showValue(c.after)}: the agent can change things it could only read before`);
  return low('tool-access', after < before ? 'less access' : 'no more access than before');
};

const toolCredential: Rule = () =>
  medium('tool-credential', "the tool authenticates with a different credential: check that credential's scopes");
const toolEndpoint: Rule = () =>
  medium('tool-endpoint', 'the tool points at a different system: the agent reaches something else under the same name');

const toolDataClass: Rule = (c, ctx) => {
  if (c.shape === 'field') {
    if (c.kind === 'removed')
      return medium('tool-data-classes', "the tool's data classes are unknown now (the list was left out): an inventory gap");
    if (c.kind === 'added') return low('tool-data-classes', "the tool's data classes are declared now");
  }
  if (c.kind === 'removed') return low('tool-data-classes', 'the tool reaches one data class less');
  const id = text(c.after) ?? '';
  if (isSensitive(dataClassOf(id, ctx.head, ctx.base)))
    return high('tool-data-classes', `the tool now reaches sensitive data class ${showName(id)}`);
  return medium('tool-data-classes', `the tool now reaches data class ${showName(id)}`);
};

const dataClassAdded: Rule = (c, ctx) => {
  if (c.kind === 'removed') return low('data-class-removed', 'a data class removed: the agent reaches less data');
  const dataClass = obj(c.after) ?? {};
  const id = text(dataClass['id']) ?? '';
  const sensitive = isSensitive(dataClassOf(id, ctx.head));
  return high(
    'data-class-added',
    `a new ${sensitive ? 'sensitive ' : ''}data class (${showValue(dataClass['access'])}): the agent reaches data it could not before; check output inspection covers it`,
  );
};

const dataClassAccess: Rule = (c, ctx) => {
  const before = obj(c.scope.base);
  const after = obj(c.scope.head);
  const id = text(after?.['id']) ?? '';
  const sensitive = isSensitive(dataClassOf(id, ctx.head));
  const newlyRead = !canRead((before ?? {}) as unknown as DataClass) && canRead((after ?? {}) as unknown as DataClass);
  const newlyWrite = !dataClassCanWrite(before) && dataClassCanWrite(after);
  const what = newlyWrite ? 'writable' : 'readable';
  if ((newlyRead || newlyWrite) && sensitive) return high('data-class-access', `sensitive data class ${showName(id)} is newly ${what}`);
  if (newlyRead || newlyWrite) return medium('data-class-access', `data class ${showName(id)} is newly ${what}`);
  return low('data-class-access', 'less access to the data class');
};

const dataClassSensitive: Rule = (c, ctx) => {
  const id = text(obj(c.scope.head)?.['id']) ?? '';
  const before = isSensitive({ ...dataClassOf(id, ctx.base), id } as DataClass);
  const after = isSensitive({ ...dataClassOf(id, ctx.head), id } as DataClass);
  if (before && !after)
    return high(
      'data-class-sensitive',
      `data class ${showName(id)} is no longer treated as sensitive: output inspection stops being required for it`,
    );
  return low('data-class-sensitive', after && !before ? 'the data class is treated as sensitive now' : 'no effective change');
};

const triggerItem: Rule = (c) =>
  c.kind === 'removed'
    ? low('trigger-removed', 'a trigger removed: one way less to invoke the agent')
    : medium('trigger-added', 'a new way to invoke the agent: check who owns the source and the volume it brings');

const triggerChanged: Rule = () =>
  medium('trigger-changed', 'the agent is invoked by something else or on another schedule: check the volume and the cost envelope');

const costEstimate: Rule = (c) =>
  judged(
    bound(num(c.before), num(c.after), 'higher'),
    'cost-estimate',
    () => medium('cost-estimate', 'a higher or missing cost estimate loosens the cost criteria and spend checks measured against it'),
    'a lower estimate tightens the cost criteria measured against it',
  );

// --- guardrails -----------------------------------------------------------------------------

const inputGuardrail: Rule = (c) => {
  const before = rank(INPUT_STRENGTH, c.before === undefined ? 'off' : c.before);
  const after = rank(INPUT_STRENGTH, c.after === undefined ? 'off' : c.after);
  if (after < before) return high('input-guardrail', `input guardrail ${c.field.split('.').at(-1) ?? ''} weakened`);
  return low('input-guardrail', 'input guardrail strengthened or unchanged');
};

const outputDataClass: Rule = (c, ctx) => {
  if (c.kind === 'added') return low('output-inspection', 'output inspection looks for one more data class');
  const id = text(c.before) ?? '';
  if (isSensitive(dataClassOf(id, ctx.head, ctx.base)))
    return high('output-inspection', `responses are no longer inspected for sensitive data class ${showName(id)}`);
  return medium('output-inspection', `responses are no longer inspected for data class ${showName(id)}`);
};

const outputAction: Rule = (c) => {
  if (rank(OUTPUT_STRENGTH, c.after) < rank(OUTPUT_STRENGTH, c.before))
    return high('output-inspection', 'output inspection weakened: a matching response is no longer stopped');
  return low('output-inspection', 'output inspection strengthened');
};

const guardrailSection: Rule = (c) => {
  if (c.kind === 'added') return low('guardrails-added', 'guardrails added');
  return high(
    'guardrails-removed',
    `${c.subject === 'guardrails' && c.field === '' ? 'all guardrails' : c.field || c.subject} removed: nothing inspects what the agent takes in or sends out`,
  );
};

const refuse: Rule = (c) =>
  c.kind === 'removed'
    ? medium('boundary-removed', `the agent no longer has to refuse ${showValue(c.before)}`)
    : low('boundary-added', 'one more thing the agent must refuse');

const guardrailTests: Rule = (c) => {
  if (c.field === '') {
    return c.kind === 'removed'
      ? high('guardrails-removed', 'the behaviour boundaries and their refusal tests are gone')
      : low('guardrails-added', 'behaviour boundaries added');
  }
  if (c.kind === 'removed' && c.field === 'tests')
    return high('guardrail-tests', 'the refusal tests are gone: nothing proves the boundaries fire');
  if (c.kind === 'added' && c.field === 'tests') return low('guardrail-tests', 'refusal tests added');
  const last = c.field.split('.').at(-1);
  if (last === 'timeout' || last === 'concurrency' || last === 'description') return low('guardrail-tests', 'how the refusal tests run');
  if (last === 'minPassRate' || last === 'confidence' || last === 'maxOverRefusal') {
    // A lower minimum or confidence, or a higher over-refusal cap, passes the tests on worse evidence.
    const direction = last === 'maxOverRefusal' ? 'higher' : 'lower';
    // minPassRate left out is 1, the strictest.
    const value = (v: unknown): number | undefined => num(v) ?? (last === 'minPassRate' && c.shape === 'field' ? 1 : undefined);
    return judged(
      bound(value(c.before), value(c.after), direction),
      'threshold',
      () =>
        high(
          'threshold',
          `${last} ${direction === 'lower' ? 'lowered or dropped' : 'raised or dropped'}: the refusal tests pass on worse evidence`,
        ),
      `${last} tightened`,
    );
  }
  return medium('guardrail-tests', 'the refusal tests changed (cases, or how the agent is asked): check they still cover every boundary');
};

// --- metrics --------------------------------------------------------------------------------

const sourceChanged: Rule = (c) => {
  if (c.shape === 'item') {
    return c.kind === 'added'
      ? low('metric-source', 'a new metric source')
      : medium('metric-source', 'a metric source removed: signals read from it cannot be measured');
  }
  const last = c.field.split('.')[0];
  if (last === 'timeout' || last === 'headers') return low('metric-source', 'how the source is reached');
  return medium('metric-source', 'gate evidence now comes from somewhere else: a criterion may pass on different numbers');
};

const signalChanged: Rule = (c) => {
  if (c.shape === 'item') {
    return c.kind === 'added'
      ? low('signal', 'a new signal')
      : medium('signal', 'a signal removed: criteria and alerts on it cannot be evaluated');
  }
  const last = c.field.split('.')[0];
  if (last === 'unit' || last === 'description') return low('signal', 'how the signal is labelled');
  return medium('signal', 'the measurement changed: criteria and alerts on this signal now see different numbers');
};

const sampleSignal: Rule = () => medium('sample-signal', 'minSamples now counts a different signal');

const alertItem: Rule = (c) => {
  if (c.kind === 'added') {
    const action = (c.after as { action?: unknown } | undefined)?.action;
    return action === 'disable'
      ? medium('alert-added', 'a new alert that switches the agent off by itself when it fires (agent-rollout guard): check its threshold')
      : low('alert-added', 'a new alert');
  }
  return high('alert-removed', 'an alert removed: nothing pauses the rollout or pages on this signal between gates');
};

const alertThreshold: Rule = (c) => {
  const which = c.field;
  const direction =
    which === 'max'
      ? bound(num(c.before), num(c.after), 'higher')
      : which === 'min'
        ? bound(num(c.before), num(c.after), 'lower')
        : // An alert's 'for': a longer one fires later; adding one delays it, dropping it fires at once.
          bound(ms(c.before) ?? 0, ms(c.after) ?? (c.after === undefined ? 0 : Infinity), 'higher');
  return judged(
    direction,
    'alert-threshold',
    () => high('alert-threshold', 'the alert fires later or on worse values'),
    'the alert fires sooner',
  );
};

const alertAction: Rule = (c) => {
  if (c.field === 'action' && rank(ALERT_ACTION_RANK, c.after) < rank(ALERT_ACTION_RANK, c.before)) {
    return medium('alert-action', 'a weaker response when the alert fires');
  }
  if (c.field === 'severity' && rank(SEVERITY_RANK, c.after) < rank(SEVERITY_RANK, c.before)) {
    return medium('alert-action', 'a lower severity');
  }
  if (c.field === 'signal') return medium('alert-action', 'the alert watches a different signal');
  if (c.field === 'action' && c.after === 'disable')
    return medium('alert-action', 'the alert now switches the agent off by itself when it fires (agent-rollout guard)');
  return low('alert-action', 'a stronger or equal response');
};

// --- notifications ----------------------------------------------------------------------------

const notifySection: Rule = (c) =>
  c.kind === 'removed'
    ? medium('notify', 'notifications removed: nobody is told when the rollout is paused, switched off or advanced')
    : low('notify', 'notifications added');

const notifySink: Rule = (c) =>
  c.kind === 'removed'
    ? medium('notify', 'a notification sink removed: it is no longer told of rollout events')
    : low('notify', 'a new notification sink');

const notifySinkField: Rule = (c) => {
  if (c.field === 'url' || c.field === '') return medium('notify', 'notifications now go somewhere else');
  if (c.field === 'events' && c.kind !== 'added')
    return medium('notify', 'the sink is told of different events: check none it needs was dropped');
  return low('notify', 'how a sink is reached or what it gets');
};

// --- stages ---------------------------------------------------------------------------------

const stageItem: Rule = (c) =>
  c.kind === 'added'
    ? medium('stage-added', 'a new stage: review its audience, privileges and exit criteria')
    : high('stage-removed', 'the stage and its exit criteria are gone: the rollout no longer passes that gate');

const stageOrder: Rule = () =>
  medium('stage-order', 'the stage order changed: advance moves to a different next stage, gated by different criteria');

const audience: Rule = (c) => {
  const field = c.field;
  if (c.shape === 'element') {
    return c.kind === 'added'
      ? medium('audience', `the audience widened: ${showValue(c.after)} gets the agent`)
      : low('audience', 'the audience narrowed');
  }
  if (field === 'audience.percent' || field === 'audience.invocationsPerDay') {
    const before = num(c.before);
    const after = num(c.after);
    if (after !== undefined && (before === undefined || after > before)) return medium('audience', 'the audience widened');
    return low('audience', 'the audience narrowed');
  }
  return medium('audience', 'the audience changed');
};

const stageCredential: Rule = (c, ctx) => {
  if (c.kind === 'removed') return low('stage-credential', 'the stage holds one credential less');
  const id = text(c.after) ?? '';
  const access = accessOf(ctx.head.credentials.get(id) ?? ctx.base.credentials.get(id), ctx.head);
  if (access !== 'read') return high('stage-credential', `the stage now holds ${showName(id)}, a credential with ${access} access`);
  return medium('stage-credential', `the stage now holds one more credential (${showName(id)}, read access)`);
};

const dataAccess: Rule = (c) => {
  const before = rank(DATA_ACCESS_RANK, c.before);
  const after = c.after === undefined ? (DATA_ACCESS_RANK['production'] as number) : rank(DATA_ACCESS_RANK, c.after);
  if (after > before) {
    return c.after === 'production'
      ? high('data-access', 'the stage now works on production data')
      : medium('data-access', 'closer to production data');
  }
  return low('data-access', 'further from production data');
};

const spendLimit: Rule = (c) => {
  if (c.field === 'spendLimit') {
    return c.kind === 'removed'
      ? medium('spend-limit', 'the stage has no spend limit any more')
      : c.kind === 'added'
        ? low('spend-limit', 'a spend limit added')
        : medium('spend-limit', 'the spend limit changed');
  }
  return judged(
    bound(num(c.before), num(c.after), 'higher'),
    'spend-limit',
    () => medium('spend-limit', 'the spend limit was raised or dropped'),
    'the spend limit was lowered',
  );
};

const governance: Rule = (c) => {
  if (c.before === 'enforce' && c.after !== 'enforce')
    return high('governance', 'enforce → observe: policy violations are logged, no longer blocked');
  return low('governance', 'enforce mode: policy violations are blocked');
};

const minDuration: Rule = (c) =>
  judged(
    bound(ms(c.before), ms(c.after), 'lower'),
    'threshold',
    () => high('threshold', 'minDuration lowered: the stage can be left sooner, on less evidence'),
    'minDuration raised',
  );

const minSamples: Rule = (c) =>
  judged(
    bound(num(c.before), num(c.after), 'lower'),
    'threshold',
    () => high('threshold', 'minSamples lowered: the gate decides on fewer invocations'),
    'minSamples raised',
  );

const criterionItem: Rule = (c) =>
  c.kind === 'added'
    ? low('criterion-added', 'a new exit criterion: one more thing the gate checks')
    : high('criterion-removed', 'an exit criterion removed: the gate no longer checks it');

const criterionField: Rule = (c) => {
  const field = c.field;
  const loosened = (what: string): Assessment => high('threshold', `${what}: the gate passes on worse evidence`);
  switch (field) {
    case 'max':
      return judged(
        bound(num(c.before), num(c.after), 'higher'),
        'threshold',
        () => loosened(c.after === undefined ? 'the max bound dropped' : 'max raised'),
        'max lowered',
      );
    case 'min':
      return judged(
        bound(num(c.before), num(c.after), 'lower'),
        'threshold',
        () => loosened(c.after === undefined ? 'the min bound dropped' : 'min lowered'),
        'min raised',
      );
    case 'withinPercent':
      return judged(
        bound(num(c.before), num(c.after), 'higher'),
        'threshold',
        () => loosened('the tolerance widened'),
        'the tolerance narrowed',
      );
    case 'for':
      return judged(
        bound(ms(c.before), ms(c.after), 'lower'),
        'threshold',
        () => loosened('the sustained window shortened'),
        'the sustained window lengthened',
      );
    case 'drill':
    case 'drill.passedWithin':
    case 'guardrails':
    case 'guardrails.passedWithin': {
      const whole = field === 'drill' || field === 'guardrails';
      const before = ms(whole ? obj(c.before)?.['passedWithin'] : c.before);
      const after = ms(whole ? obj(c.after)?.['passedWithin'] : c.after);
      const what = field.startsWith('drill') ? 'drill' : 'guardrail test run';
      return judged(
        bound(before, after, 'higher'),
        'threshold',
        () => high('threshold', `an older ${what} is accepted, or none`),
        `a more recent ${what} is required`,
      );
    }
    case 'observe':
      return c.after === true
        ? high('criterion-observe', 'the criterion is set to observe: it is reported but no longer decides the verdict')
        : low('criterion-observe', 'the criterion decides the verdict again');
    case 'signal':
    case 'of':
      return medium('criterion-measure', 'the criterion measures something else');
    default:
      return undefined;
  }
};

// --- rollback -------------------------------------------------------------------------------

const rollbackSection: Rule = (c) => {
  if (c.field !== '') return undefined;
  return c.kind === 'removed'
    ? high('rollback-removed', 'no rollback section: nothing defines how the agent is switched off or its credentials revoked')
    : low('rollback-added', 'a rollback section added');
};

const rollbackWindow: Rule = (c) =>
  judged(
    bound(ms(c.before), ms(c.after), 'higher'),
    'rollback-window',
    () => high('rollback-window', 'the rollback window lengthened: the agent may run longer after the decision to stop it'),
    'the rollback window shortened',
  );

const rollbackStepItem: Rule = (c) =>
  c.kind === 'added'
    ? low('rollback-step-added', 'a new rollback step')
    : high(
        'rollback-step-removed',
        'a rollback step removed: the rollback does less (a kill switch, a revocation, an announcement is gone)',
      );

const rollbackProbeItem: Rule = (c) =>
  c.kind === 'added'
    ? low('rollback-probe-added', 'a new verification probe')
    : high('rollback-probe-removed', 'a verification probe removed: the drill no longer proves that part of the rollback worked');

const restoreItem: Rule = (c) =>
  c.kind === 'added'
    ? low('restore-step', 'a new restore step')
    : medium('restore-step', 'a restore step removed: a drill may leave the environment switched off or revoked');

const rollbackStepField: Rule = (c) => {
  const first = c.field.split('.')[0];
  if (first === 'timeout') {
    return judged(
      bound(ms(c.before), ms(c.after), 'higher'),
      'rollback-step-changed',
      () => medium('rollback-step-changed', 'the step may take longer'),
      'a shorter timeout',
    );
  }
  if (first === 'run' || first === 'shell' || first === 'credential' || first === 'manual' || first === 'http' || first === 'expect') {
    return medium(
      'rollback-step-changed',
      `the ${c.logical.startsWith('rollback/verify') ? 'probe checks' : 'step does'} something else now (${c.field}): drill it`,
    );
  }
  return undefined;
};

const rollbackOrder: Rule = () =>
  low('rollback-order', 'the drill runs these in a different order: the rollback section changed, so a new drill is needed');

// --- state ----------------------------------------------------------------------------------

/** The global governance mode in force: state.governanceMode, else the current stage's. */
function globalMode(side: SideIndex): unknown {
  return side.state['governanceMode'] ?? side.stages.get(text(side.state['stage']) ?? '')?.['governanceMode'];
}

const killSwitch: Rule = (c) => {
  if (c.after === true && c.before !== true)
    return medium('kill-switch', 'the agent was switched back on everywhere (kill switch released)');
  return low('kill-switch', 'the agent was switched off everywhere (kill switch on)');
};

const stateStage: Rule = (c, ctx) => {
  const before = ctx.head.stageOrder.indexOf(text(c.before) ?? '');
  const after = ctx.head.stageOrder.indexOf(text(c.after) ?? '');
  if (after === -1) return medium('state-stage', `state.stage names a stage that stages does not declare (${showValue(c.after)})`);
  if (before === -1) return medium('state-stage', `the rollout moved to ${showName(String(c.after))} from a stage HEAD no longer declares`);
  if (after > before + 1) {
    const skipped = ctx.head.stageOrder
      .slice(before + 1, after)
      .map(showName)
      .join(', ');
    return medium('state-stage', `stage skipped: ${skipped} ${after - before - 1 === 1 ? 'was' : 'were'} never gated`);
  }
  if (after === before + 1) return low('state-stage', 'advanced one stage');
  return low('state-stage', 'rolled back');
};

const stateMode: Rule = (_c, ctx) => {
  const before = globalMode(ctx.base);
  const after = globalMode(ctx.head);
  if (before === 'enforce' && after !== 'enforce')
    return high(
      'governance',
      `global governance ${showValue(before)} → ${showValue(after)}: policy violations are logged, no longer blocked`,
    );
  return low('governance', `global governance ${showValue(before)} → ${showValue(after)}`);
};

const orgOverride: Rule = (c, ctx) => {
  const effective = (side: SideIndex, org: Obj | undefined): { enabled: unknown; mode: unknown } => ({
    enabled: org?.['enabled'] ?? side.state['enabled'],
    mode: org?.['governanceMode'] ?? globalMode(side),
  });
  const before = effective(ctx.base, obj(c.scope.base));
  const after = effective(ctx.head, obj(c.scope.head));
  // A field change is rated on what that field does; an override added or cleared on both.
  const mode = c.field !== 'enabled';
  const enabled = c.field !== 'governanceMode';
  if (mode && before.mode === 'enforce' && after.mode !== 'enforce')
    return high(
      'governance',
      `governance for the org ${showValue(before.mode)} → ${showValue(after.mode)}: policy violations are logged, no longer blocked`,
    );
  if (enabled && before.enabled !== true && after.enabled === true) return medium('org-enabled', 'the agent is turned on for this org');
  if (enabled && before.enabled === true && after.enabled !== true) return low('org-enabled', 'the agent is turned off for this org');
  return low('org-enabled', 'the org override changed with no effect on whether the agent runs there or how it is governed');
};

const statePaused: Rule = (c) =>
  c.after === undefined
    ? low('pause', 'the rollout was resumed: advancing is allowed again')
    : low('pause', 'the rollout was paused: advancing is blocked');

// --- agent ----------------------------------------------------------------------------------

const agentModel: Rule = () => medium('agent-model', 'a different model: behaviour changes; re-run the gate');
const agentVersion: Rule = () => medium('agent-version', 'a different version of the agent: behaviour may change; re-run the gate');
const agentPrompt: Rule = () =>
  medium('agent-prompt', 'the agent reads its system prompt from another file: behaviour changes; re-run the gate');
const agentId: Rule = () => medium('agent-id', 'the agent id changed: flags, alerts and metrics labelled with the old id stop matching');

/** Rules by logical path. */
const RULES = new Map<string, Rule>([
  ['inventory/credentials/[]', credentialAdded],
  ['inventory/credentials/[]/scopes', scopeChanged],
  ['inventory/credentials/[]/access', credentialAccess_],
  ['inventory/credentials/[]/secretRef', secretRef],
  ['inventory/credentials/[]/independentlyRevocable', revocable],
  ['inventory/credentials/[]/revoke', revokeProcedure],
  ['inventory/credentials/[]/revoke/run', revokeProcedure],
  ['inventory/credentials/[]/revoke/runbook', revokeProcedure],
  ['inventory/tools/[]', toolAdded],
  ['inventory/tools/[]/access', toolAccess],
  ['inventory/tools/[]/credential', toolCredential],
  ['inventory/tools/[]/endpoint', toolEndpoint],
  ['inventory/tools/[]/dataClasses', toolDataClass],
  ['inventory/dataClasses/[]', dataClassAdded],
  ['inventory/dataClasses/[]/access', dataClassAccess],
  ['inventory/dataClasses/[]/sensitive', dataClassSensitive],
  ['inventory/triggers/[]', triggerItem],
  ['inventory/triggers/[]/kind', triggerChanged],
  ['inventory/triggers/[]/source', triggerChanged],
  ['inventory/triggers/[]/cron', triggerChanged],
  ['inventory/costEnvelope/usdPerInvocation', costEstimate],
  ['inventory/costEnvelope/tokensPerInvocation', costEstimate],
  ['inventory/costEnvelope/apiCallsPerInvocation', costEstimate],
  ['inventory/costEnvelope/invocationsPerDay', costEstimate],
  ['guardrails', guardrailSection],
  ['guardrails/input', guardrailSection],
  ['guardrails/output', guardrailSection],
  ['guardrails/input/promptInjection', inputGuardrail],
  ['guardrails/input/credentials', inputGuardrail],
  ['guardrails/input/pii', inputGuardrail],
  ['guardrails/output/dataClasses', outputDataClass],
  ['guardrails/output/action', outputAction],
  ['guardrails/boundaries/refuse', refuse],
  ['guardrails/boundaries', guardrailTests],
  ['guardrails/boundaries/tests', guardrailTests],
  ['metrics/sampleSignal', sampleSignal],
  ['metrics/alerts/[]', alertItem],
  ['metrics/alerts/[]/max', alertThreshold],
  ['metrics/alerts/[]/min', alertThreshold],
  ['metrics/alerts/[]/for', alertThreshold],
  ['metrics/alerts/[]/action', alertAction],
  ['metrics/alerts/[]/severity', alertAction],
  ['metrics/alerts/[]/signal', alertAction],
  ['stages/[]', stageItem],
  ['stages', stageOrder],
  ['stages/[]/audience/orgs', audience],
  ['stages/[]/audience/users', audience],
  ['stages/[]/audience/percent', audience],
  ['stages/[]/audience/invocationsPerDay', audience],
  ['stages/[]/credentials', stageCredential],
  ['stages/[]/dataAccess', dataAccess],
  ['stages/[]/spendLimit', spendLimit],
  ['stages/[]/spendLimit/usdPerDay', spendLimit],
  ['stages/[]/spendLimit/tokensPerDay', spendLimit],
  ['stages/[]/governanceMode', governance],
  ['stages/[]/minDuration', minDuration],
  ['stages/[]/minSamples', minSamples],
  ['stages/[]/exitCriteria/[]', criterionItem],
  ['rollback', rollbackSection],
  ['rollback/window', rollbackWindow],
  ['rollback/steps/[]', rollbackStepItem],
  ['rollback/steps', rollbackOrder],
  ['rollback/restore', rollbackOrder],
  ['rollback/verify', rollbackOrder],
  ['rollback/verify/[]', rollbackProbeItem],
  ['rollback/restore/[]', restoreItem],
  ['state/enabled', killSwitch],
  ['state/stage', stateStage],
  ['state/governanceMode', stateMode],
  ['state/orgs/*', orgOverride],
  ['state/paused', statePaused],
  ['agent/model', agentModel],
  ['agent/version', agentVersion],
  ['agent/promptFile', agentPrompt],
  ['agent/id', agentId],
  ['notify', notifySection],
  ['notify/sinks/[]', notifySink],
]);

/** Rules for any field under a prefix, tried after an exact path finds nothing. */
const PREFIX_RULES: readonly [string, Rule][] = [
  ['stages/[]/exitCriteria/[]/', criterionField],
  ['rollback/steps/[]/', rollbackStepField],
  ['rollback/verify/[]/', rollbackStepField],
  ['rollback/restore/[]/', rollbackStepField],
  ['guardrails/boundaries/tests/', guardrailTests],
  ['inventory/credentials/[]/revoke/', revokeProcedure],
  ['metrics/sources/*', sourceChanged],
  ['metrics/signals/*', signalChanged],
  ['state/orgs/*/', orgOverride],
  ['notify/sinks/[]/', notifySinkField],
];

const DESCRIPTIVE = new Set(['description', 'name', 'owner', 'contact', 'unit']);

/** The risk of one change: its rule, else low (descriptive text, or no rule covers the field). */
export function assess(change: RawChange, ctx: RiskContext): Assessment {
  const exact = RULES.get(change.logical);
  const result = exact?.(change, ctx) ?? PREFIX_RULES.find(([prefix]) => change.logical.startsWith(prefix))?.[1](change, ctx);
  if (result) return result;
  const last = change.logical.split('/').at(-1) ?? '';
  if (DESCRIPTIVE.has(last)) return low('descriptive', `${last} only: no effect on what the agent can do`);
  return low('unrated', 'no risk rule covers this field: review it as usual');
}
