import { pointer } from '../json/pointer.js';
import type { CostEnvelope, Manifest } from '../manifest/types.js';
import type { CostField, ListSection } from './sections.js';
import { COST_FIELDS, ENTRY_LABELS, triggerLabel } from './sections.js';

/**
 * The edit operations the inventory walkthrough applies. They work on the raw document (the
 * parsed file, keys in source order) and return a new one, so a rewrite keeps the file's key
 * order and shows in a diff as the lines that changed. Pure.
 */

type JsonObject = Record<string, unknown>;
/** The manifest as parsed from its file, keys in source order. */
export type ManifestDocument = JsonObject;

export type InventoryEdit =
  | { op: 'add'; section: ListSection; entry: JsonObject }
  | { op: 'replace'; section: ListSection; index: number; entry: JsonObject }
  | { op: 'remove'; section: ListSection; index: number }
  | { op: 'set-cost-envelope'; envelope: CostEnvelope | undefined };

/** Something elsewhere in the manifest that refers to an inventory entry. */
export interface EntryReference {
  /** In words: `stage "limited-beta"`, `tool "zendesk"`, `rollback step "revoke-zendesk-ro"`. */
  where: string;
  pointer: string;
  /**
   * True when removing the entry would leave this reference dangling and the walkthrough cannot
   * fix it for the operator (a tool using a credential, a rollback step revoking it, a criterion
   * comparing with a cost field); false when removal also removes the reference (a stage's list).
   */
  blocking: boolean;
}

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * `next` with the key order of `previous`: keys both have stay where they were, keys only
 * `next` has are appended in its order, keys only `previous` has are dropped. Recurses into
 * objects, so an edited `revoke` keeps its order too.
 */
export function keepKeyOrder(previous: unknown, next: unknown): unknown {
  if (!isObject(previous) || !isObject(next)) return next;
  const result: JsonObject = {};
  for (const key of Object.keys(previous)) if (Object.hasOwn(next, key)) result[key] = keepKeyOrder(previous[key], next[key]);
  for (const key of Object.keys(next)) if (!Object.hasOwn(result, key)) result[key] = next[key];
  return result;
}

function list(document: ManifestDocument, section: ListSection): unknown[] {
  const inventory = document['inventory'];
  if (!isObject(inventory)) throw new Error('the document has no inventory object');
  const entries = inventory[section];
  if (!Array.isArray(entries)) throw new Error(`inventory.${section} is not a list`);
  return entries;
}

function objects(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

function renameIn(values: unknown, from: string, to: string): unknown {
  return Array.isArray(values) ? values.map((v) => (v === from ? to : v)) : values;
}

function withoutValue(values: unknown, id: string): unknown {
  return Array.isArray(values) ? values.filter((v) => v !== id) : values;
}

/** Renames a credential everywhere it is named: stages, tools, rollback steps. Mutates the clone it is given. */
function renameCredential(document: ManifestDocument, from: string, to: string): void {
  for (const stage of objects(document['stages']))
    if ('credentials' in stage) stage['credentials'] = renameIn(stage['credentials'], from, to);
  const inventory = document['inventory'] as JsonObject;
  for (const tool of objects(inventory['tools'])) if (tool['credential'] === from) tool['credential'] = to;
  const rollback = document['rollback'];
  if (isObject(rollback)) {
    for (const key of ['steps', 'restore'])
      for (const step of objects(rollback[key])) if (step['credential'] === from) step['credential'] = to;
  }
}

/** Renames a data class in the tools that reach it and in output inspection. */
function renameDataClass(document: ManifestDocument, from: string, to: string): void {
  const inventory = document['inventory'] as JsonObject;
  for (const tool of objects(inventory['tools'])) if ('dataClasses' in tool) tool['dataClasses'] = renameIn(tool['dataClasses'], from, to);
  const output = isObject(document['guardrails']) ? (document['guardrails'] as JsonObject)['output'] : undefined;
  if (isObject(output)) output['dataClasses'] = renameIn(output['dataClasses'], from, to);
}

/** Applies one edit and returns the new document; the one given is not changed. */
export function applyEdit(document: ManifestDocument, edit: InventoryEdit): ManifestDocument {
  const next = structuredClone(document);
  if (edit.op === 'set-cost-envelope') {
    const inventory = next['inventory'] as JsonObject;
    if (edit.envelope === undefined) delete inventory['costEnvelope'];
    else inventory['costEnvelope'] = keepKeyOrder(inventory['costEnvelope'], orderedEnvelope(edit.envelope));
    return next;
  }
  const entries = list(next, edit.section);
  if (edit.op === 'add') {
    entries.push(structuredClone(edit.entry));
    return next;
  }
  const previous = entries[edit.index];
  if (!isObject(previous)) throw new Error(`inventory.${edit.section} has no entry ${edit.index}`);
  const previousId = typeof previous['id'] === 'string' ? previous['id'] : undefined;
  if (edit.op === 'replace') {
    entries[edit.index] = keepKeyOrder(previous, structuredClone(edit.entry));
    const newId = edit.entry['id'];
    if (previousId !== undefined && typeof newId === 'string' && newId !== previousId) {
      if (edit.section === 'credentials') renameCredential(next, previousId, newId);
      if (edit.section === 'dataClasses') renameDataClass(next, previousId, newId);
    }
    return next;
  }
  entries.splice(edit.index, 1);
  if (previousId !== undefined && edit.section === 'credentials') {
    for (const stage of objects(next['stages']))
      if ('credentials' in stage) stage['credentials'] = withoutValue(stage['credentials'], previousId);
  }
  if (previousId !== undefined && edit.section === 'dataClasses') {
    const inventory = next['inventory'] as JsonObject;
    for (const tool of objects(inventory['tools']))
      if ('dataClasses' in tool) tool['dataClasses'] = withoutValue(tool['dataClasses'], previousId);
    const output = isObject(next['guardrails']) ? (next['guardrails'] as JsonObject)['output'] : undefined;
    if (isObject(output)) output['dataClasses'] = withoutValue(output['dataClasses'], previousId);
  }
  return next;
}

function orderedEnvelope(envelope: CostEnvelope): CostEnvelope {
  const ordered: CostEnvelope = {};
  for (const field of COST_FIELDS) if (envelope[field] !== undefined) ordered[field] = envelope[field];
  return ordered;
}

/** What refers to an inventory entry elsewhere in the manifest. Pure. */
export function entryReferences(manifest: Manifest, section: ListSection, index: number): EntryReference[] {
  const refs: EntryReference[] = [];
  if (section === 'credentials') {
    const id = manifest.inventory.credentials[index]?.id;
    if (id === undefined) return refs;
    manifest.inventory.tools.forEach((tool, t) => {
      if (tool.credential === id)
        refs.push({ where: `tool "${tool.id}"`, pointer: pointer('inventory', 'tools', t, 'credential'), blocking: true });
    });
    manifest.stages.forEach((stage, s) => {
      const k = (stage.credentials ?? []).indexOf(id);
      if (k >= 0) refs.push({ where: `stage "${stage.id}"`, pointer: pointer('stages', s, 'credentials', k), blocking: false });
    });
    for (const key of ['steps', 'restore'] as const) {
      (manifest.rollback?.[key] ?? []).forEach((step, i) => {
        if (step.credential === id) {
          refs.push({
            where: `rollback ${key === 'steps' ? 'step' : 'restore step'} "${step.id}"`,
            pointer: pointer('rollback', key, i, 'credential'),
            blocking: true,
          });
        }
      });
    }
  }
  if (section === 'dataClasses') {
    const id = manifest.inventory.dataClasses[index]?.id;
    if (id === undefined) return refs;
    manifest.inventory.tools.forEach((tool, t) => {
      const k = (tool.dataClasses ?? []).indexOf(id);
      if (k >= 0) refs.push({ where: `tool "${tool.id}"`, pointer: pointer('inventory', 'tools', t, 'dataClasses', k), blocking: false });
    });
    const k = (manifest.guardrails?.output?.dataClasses ?? []).indexOf(id);
    if (k >= 0) refs.push({ where: 'output inspection', pointer: pointer('guardrails', 'output', 'dataClasses', k), blocking: false });
  }
  return refs;
}

/** The exit criteria that compare with a cost-envelope field (`of`), which must therefore stay. Pure. */
export function costFieldReferences(manifest: Manifest): Map<CostField, EntryReference[]> {
  const refs = new Map<CostField, EntryReference[]>();
  manifest.stages.forEach((stage, s) => {
    (stage.exitCriteria ?? []).forEach((criterion, k) => {
      const field = COST_FIELDS.find((f) => criterion.of === `inventory.costEnvelope.${f}`);
      if (!field) return;
      const list = refs.get(field) ?? [];
      list.push({
        where: `criterion "${criterion.id}" of stage "${stage.id}"`,
        pointer: pointer('stages', s, 'exitCriteria', k, 'of'),
        blocking: true,
      });
      refs.set(field, list);
    });
  });
  return refs;
}

/** How an entry is named in the walkthrough: `credential "zendesk-ro"`. */
export function entryName(manifest: Manifest, section: ListSection, index: number): string {
  if (section === 'triggers') {
    const trigger = manifest.inventory.triggers[index];
    return trigger ? `trigger "${triggerLabel(trigger, index)}"` : 'trigger';
  }
  const entry = manifest.inventory[section][index];
  return entry ? `${ENTRY_LABELS[section]} "${entry.id}"` : ENTRY_LABELS[section];
}
