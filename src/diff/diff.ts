import type { Change, ChangeText, DiffResult, Note, Section } from './model.js';
import { SECTIONS, countRisks } from './model.js';
import type { Assessment } from './risk.js';
import { assess, indexSide } from './risk.js';
import { findHiddenCharacter } from '../manifest/rules/hidden-characters.js';
import type { NamedFile } from './evidence.js';
import { EVIDENCE_REASON, evidenceNote, invalidatesEvidence, namedFileChanges } from './evidence.js';
import { redact, showRedacted, showRedactedPair } from './show.js';
import type { StateAudit, TrailFacts } from './trail.js';
import { checkStateAudit, drillCoverageNote, trailHistoryChange } from './trail.js';
import type { RawChange } from './walk.js';
import { walkManifests } from './walk.js';

/** One side of a diff: a parsed document (valid or not) and how to name it. */
export interface DiffSide {
  label: string;
  document: unknown;
  /** When the document does not validate: a short description of why (it is still diffed). */
  invalid?: string;
}

export interface DiffInput {
  base: DiffSide;
  head: DiffSide;
  /** The audit trail beside HEAD's manifest, to tell audited state changes from hand edits. */
  trail?: TrailFacts;
  /** The trail as it was at BASE (diff --git): HEAD's must extend it. */
  baseTrail?: TrailFacts;
  /** diff --git: the cases file and the prompt file at BASE and HEAD. */
  files?: { cases?: NamedFile; prompt?: NamedFile };
}

type Obj = Record<string, unknown>;

function obj(value: unknown): Obj | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Obj) : undefined;
}

/** An order change shows the ids in order, up to this many characters a side. */
const ORDER_SHOWN = 400;

/** Fields shown with their unit: "audience 5% → 10%". */
const FIELD_DISPLAY = new Map<string, { label: string; format: (value: unknown) => string }>([
  ['stages/[]/audience/percent', { label: 'audience', format: (v) => (typeof v === 'number' ? `${v}%` : showRedacted(v)) }],
  ['stages/[]/spendLimit/usdPerDay', { label: 'spend limit', format: (v) => (typeof v === 'number' ? `$${v}/day` : showRedacted(v)) }],
  [
    'stages/[]/spendLimit/tokensPerDay',
    { label: 'token limit', format: (v) => (typeof v === 'number' ? `${v} tokens/day` : showRedacted(v)) },
  ],
]);

/** What a whole item added or removed holds, in a few words: "api-token, access write, scopes [ledger:write]". */
const ITEM_FIELDS = new Map<string, readonly (readonly [label: string, key: string])[]>([
  [
    'inventory/credentials/[]',
    [
      ['', 'kind'],
      ['access', 'access'],
      ['scopes', 'scopes'],
    ],
  ],
  [
    'inventory/tools/[]',
    [
      ['', 'kind'],
      ['access', 'access'],
      ['credential', 'credential'],
      ['data classes', 'dataClasses'],
    ],
  ],
  [
    'inventory/dataClasses/[]',
    [
      ['access', 'access'],
      ['sensitive', 'sensitive'],
    ],
  ],
  [
    'inventory/triggers/[]',
    [
      ['', 'kind'],
      ['source', 'source'],
      ['cron', 'cron'],
    ],
  ],
  [
    'metrics/alerts/[]',
    [
      ['signal', 'signal'],
      ['max', 'max'],
      ['min', 'min'],
      ['for', 'for'],
      ['action', 'action'],
    ],
  ],
  [
    'metrics/sources/*',
    [
      ['', 'type'],
      ['url', 'url'],
      ['run', 'run'],
    ],
  ],
  [
    'metrics/signals/*',
    [
      ['source', 'source'],
      ['query', 'query'],
      ['path', 'path'],
    ],
  ],
  [
    'stages/[]',
    [
      ['audience', 'audience'],
      ['governance', 'governanceMode'],
      ['credentials', 'credentials'],
    ],
  ],
  [
    'stages/[]/exitCriteria/[]',
    [
      ['signal', 'signal'],
      ['max', 'max'],
      ['min', 'min'],
      ['within %', 'withinPercent'],
      ['of', 'of'],
      ['for', 'for'],
      ['drill', 'drill'],
      ['observe', 'observe'],
    ],
  ],
  [
    'rollback/steps/[]',
    [
      ['run', 'run'],
      ['manual', 'manual'],
      ['credential', 'credential'],
      ['timeout', 'timeout'],
    ],
  ],
  [
    'rollback/restore/[]',
    [
      ['run', 'run'],
      ['manual', 'manual'],
      ['timeout', 'timeout'],
    ],
  ],
  [
    'rollback/verify/[]',
    [
      ['run', 'run'],
      ['http', 'http'],
      ['expect', 'expect'],
    ],
  ],
  [
    'state/orgs/*',
    [
      ['enabled', 'enabled'],
      ['governance', 'governanceMode'],
    ],
  ],
]);

function itemDetail(logical: string, value: unknown): string | undefined {
  const item = obj(value);
  const fields = ITEM_FIELDS.get(logical);
  if (!item || !fields) return undefined;
  const parts: string[] = [];
  for (const [label, key] of fields) {
    if (item[key] === undefined) continue;
    const shown = showRedacted(item[key]);
    parts.push(label === '' ? shown : `${label} ${shown}`);
  }
  return parts.length > 0 ? parts.join(', ') : undefined;
}

/** How the change reads; `before` and `after` are the redacted values. */
function partsOf(raw: RawChange, before: unknown, after: unknown): ChangeText {
  switch (raw.shape) {
    case 'item': {
      const detail = itemDetail(raw.logical, raw.kind === 'added' ? after : before);
      return { label: '', op: raw.kind === 'added' ? 'added' : 'removed', ...(detail !== undefined ? { detail } : {}) };
    }
    case 'element':
      return raw.kind === 'added'
        ? { label: raw.field, op: '+', to: showRedacted(after) }
        : { label: raw.field, op: '-', from: showRedacted(before) };
    case 'order':
      return { label: raw.field, op: 'order', from: showRedacted(before, ORDER_SHOWN), to: showRedacted(after, ORDER_SHOWN) };
    case 'field': {
      // A whole section or object added or removed ("rollback: removed", "output inspection: added").
      if (raw.field === '' && raw.kind !== 'changed') return { label: '', op: raw.kind };
      const display = FIELD_DISPLAY.get(raw.logical);
      // Without a display of its own, a long value shows the part that changed (showRedactedPair).
      const pair = display ? undefined : showRedactedPair(before, after);
      const from = pair ? pair.before : display?.format(before);
      const to = pair ? pair.after : display?.format(after);
      return {
        label: display?.label ?? raw.field,
        op: '→',
        ...(before !== undefined && from !== undefined ? { from } : {}),
        ...(after !== undefined && to !== undefined ? { to } : {}),
      };
    }
  }
}

/** The hidden character a new value brings (one the old value did not hold already), described. */
function hiddenIn(after: unknown, before: unknown): string | undefined {
  const found = findHiddenCharacter(after);
  return found !== undefined && found !== findHiddenCharacter(before) ? found : undefined;
}

/** A change made by hand to `state` is high, whatever it changed. */
function unaudited(assessment: Assessment, audit: StateAudit): Assessment {
  return {
    risk: 'high',
    rule: 'state-unaudited',
    reason: `${assessment.reason}, by hand: no audit entry records it (${audit.reason})`,
  };
}

/**
 * The semantic, risk-annotated diff of two manifests. Lists are matched by key (a reordered
 * list is no change; a renamed id is a removal and an addition), every change carries a risk and
 * a reason (docs/diff-risks.md), and no value that looks like a secret is carried into the result.
 * Pure; linear in the size of the two documents.
 */
export function diffManifests(input: DiffInput): DiffResult {
  const raw = walkManifests(input.base.document, input.head.document);
  const ctx = { base: indexSide(input.base.document), head: indexSide(input.head.document) };
  const stateChanged = raw.some((change) => change.section === 'state');
  const audit = stateChanged ? checkStateAudit(obj(input.head.document)?.['state'], input.trail) : undefined;

  const changes: Change[] = raw.map((change) => {
    const before = redact(change.before, change.key);
    const after = redact(change.after, change.key);
    let assessment = assess(change, ctx);
    const hidden = change.kind === 'removed' ? undefined : hiddenIn(change.after, change.before);
    if (after.found > 0 && change.kind !== 'removed') {
      assessment = {
        risk: 'high',
        rule: 'literal-secret',
        reason:
          'the new value looks like a literal secret: a manifest holds references (secretRef), never secrets; rotate it, since it is now in the history',
      };
    } else if (hidden !== undefined) {
      assessment = {
        risk: 'high',
        rule: 'hidden-character',
        reason: `the new value holds ${hidden}: what a reviewer reads may differ from what runs ("Trojan source"); retype it`,
      };
    } else if (change.section === 'state' && audit && !audit.audited) {
      assessment = unaudited(assessment, audit);
    }
    const invalidates = invalidatesEvidence(change.logical);
    return {
      section: change.section,
      subject: change.subject,
      field: change.field,
      path: change.path,
      kind: change.kind,
      before: before.value ?? null,
      after: after.value ?? null,
      risk: assessment.risk,
      rule: assessment.rule,
      reason: invalidates ? `${assessment.reason}; ${EVIDENCE_REASON}` : assessment.reason,
      parts: partsOf(change, before.value, after.value),
      ...(invalidates ? { invalidates: 'guardrail-tests' as const } : {}),
    };
  });
  if (input.files) changes.push(...namedFileChanges(input.files));
  const history = trailHistoryChange(input.baseTrail, input.trail);
  if (history) changes.push(history);
  const order = new Map<Section, number>(SECTIONS.map((section, i) => [section, i]));
  changes.sort((a, b) => (order.get(a.section) ?? 0) - (order.get(b.section) ?? 0));

  const notes: Note[] = [];
  for (const [name, side] of [
    ['BASE', input.base],
    ['HEAD', input.head],
  ] as const) {
    if (side.invalid !== undefined) {
      notes.push({
        level: 'warning',
        text: `${name} (${side.label}) is not a valid manifest: ${side.invalid}. The diff covers what could be read; run \`agent-rollout validate\` on it.`,
      });
    }
  }
  if (audit && !audit.audited) {
    notes.push({
      level: 'warning',
      text: `The state changed without a matching audit entry: ${audit.reason}. \`agent-rollout audit verify\` reports the same drift.`,
    });
  }
  const drill = drillCoverageNote(input.base.document, input.head.document, input.trail);
  if (drill) notes.push(drill);
  const evidence = evidenceNote(changes);
  if (evidence) notes.push(evidence);

  return { base: input.base.label, head: input.head.label, changes, notes, summary: countRisks(changes) };
}
