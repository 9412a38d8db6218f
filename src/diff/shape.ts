/**
 * What the manifest's lists and maps are, for a diff: which lists hold objects with an identity
 * (matched by key, so a reordered list is no change), which hold a set of plain values, which
 * objects are maps of named things, and what to call each thing in a change line.
 *
 * Paths here are logical: object keys by name, any list item as `[]`, any map entry as `*`.
 */

type Item = Record<string, unknown>;

function asItem(value: unknown): Item | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Item) : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** An item's identity in its list, and how a change line names it. */
export interface ItemKey {
  key: string;
  name: string;
}

export interface KeyedList {
  kind: 'keyed';
  /** What one item is called: "credential", "stage". */
  noun: string;
  /** Whether the order of the items means something (stages, rollback steps). */
  ordered: boolean;
  identify(item: unknown): ItemKey | undefined;
}

export interface ValueSet {
  kind: 'set';
}

function byId(item: unknown): ItemKey | undefined {
  const id = str(asItem(item)?.['id']);
  return id === undefined ? undefined : { key: `id:${id}`, name: id };
}

/** Triggers: by id, else by kind and source (or cron, for a schedule). */
function triggerKey(item: unknown): ItemKey | undefined {
  const trigger = asItem(item);
  if (!trigger) return undefined;
  const id = byId(trigger);
  if (id) return id;
  const kind = str(trigger['kind']) ?? '?';
  const source = str(trigger['source']);
  if (source !== undefined) return { key: `source:${kind}\u0000${source}`, name: `${kind} ${source}` };
  const cron = str(trigger['cron']);
  if (cron !== undefined) return { key: `cron:${kind}\u0000${cron}`, name: `${kind} ${cron}` };
  return { key: `kind:${kind}`, name: kind };
}

/** Alerts: by id, else by signal. */
function alertKey(item: unknown): ItemKey | undefined {
  const alert = asItem(item);
  if (!alert) return undefined;
  const id = byId(alert);
  if (id) return id;
  const signal = str(alert['signal']);
  return signal === undefined ? undefined : { key: `signal:${signal}`, name: `on ${signal}` };
}

const keyed = (noun: string, identify: KeyedList['identify'], ordered = false): KeyedList => ({ kind: 'keyed', noun, ordered, identify });
const SET: ValueSet = { kind: 'set' };

/** Lists, by logical path. A list not named here is compared as a whole value (an argv, a status list). */
export const LISTS: ReadonlyMap<string, KeyedList | ValueSet> = new Map<string, KeyedList | ValueSet>([
  ['inventory/credentials', keyed('credential', byId)],
  ['inventory/tools', keyed('tool', byId)],
  ['inventory/dataClasses', keyed('data class', byId)],
  ['inventory/triggers', keyed('trigger', triggerKey)],
  ['metrics/alerts', keyed('alert', alertKey)],
  ['stages', keyed('stage', byId, true)],
  ['stages/[]/exitCriteria', keyed('criterion', byId)],
  ['rollback/steps', keyed('rollback step', byId, true)],
  ['rollback/verify', keyed('rollback probe', byId, true)],
  ['rollback/restore', keyed('restore step', byId, true)],
  ['notify/sinks', keyed('notification sink', byId)],
  ['notify/sinks/[]/events', SET],
  ['inventory/credentials/[]/scopes', SET],
  ['inventory/tools/[]/dataClasses', SET],
  ['stages/[]/credentials', SET],
  ['stages/[]/audience/orgs', SET],
  ['stages/[]/audience/users', SET],
  ['guardrails/output/dataClasses', SET],
  ['guardrails/boundaries/refuse', SET],
]);

/** Objects whose entries are named things, by logical path, and what one entry is called. */
export const MAPS: ReadonlyMap<string, string> = new Map([
  ['metrics/sources', 'source'],
  ['metrics/signals', 'signal'],
  ['state/orgs', 'org'],
]);

/** Objects that are a subject of their own (changes inside read "cost envelope: ..."). */
export const FIXED_SUBJECTS: ReadonlyMap<string, string> = new Map([
  ['agent', 'agent'],
  ['inventory', 'inventory'],
  ['inventory/costEnvelope', 'cost envelope'],
  ['guardrails', 'guardrails'],
  ['guardrails/input', 'input guardrails'],
  ['guardrails/output', 'output inspection'],
  ['guardrails/boundaries', 'boundaries'],
  ['metrics', 'metrics'],
  ['stages', 'stages'],
  ['rollback', 'rollback'],
  ['state', 'state'],
  ['notify', 'notifications'],
]);

/**
 * Every item of a keyed list with its key, unique within the list: an item that repeats a key
 * (an invalid manifest) or has none gets a numbered one, so nothing is lost.
 */
export function keyItems(list: readonly unknown[], shape: KeyedList): { key: string; name: string; item: unknown; index: number }[] {
  const seen = new Map<string, number>();
  return list.map((item, index) => {
    const identity = shape.identify(item) ?? { key: 'item', name: `#${index + 1}` };
    const count = (seen.get(identity.key) ?? 0) + 1;
    seen.set(identity.key, count);
    return count === 1
      ? { key: identity.key, name: identity.name, item, index }
      : { key: `${identity.key}#${count}`, name: `${identity.name} #${count}`, item, index };
  });
}
