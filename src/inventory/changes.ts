import { sameJson } from '../json/same-json.js';
import type { Manifest } from '../manifest/types.js';
import type { InventorySection, ListSection } from './sections.js';
import { LIST_SECTIONS, triggerLabel } from './sections.js';

/** One change the walkthrough made, for its summary and the audit entry. */
export interface InventoryChange {
  /** An inventory section, or a section a change cascaded into (stages, guardrails, rollback). */
  section: InventorySection | 'stages' | 'guardrails' | 'rollback';
  change: 'added' | 'changed' | 'removed';
  /** The entry (credential id, trigger label...); absent for the cost envelope or a cascaded section. */
  subject?: string;
}

function keyed(manifest: Manifest, section: ListSection): Map<string, unknown> {
  const map = new Map<string, unknown>();
  if (section === 'triggers') manifest.inventory.triggers.forEach((trigger, i) => map.set(triggerLabel(trigger, i), trigger));
  else for (const entry of manifest.inventory[section]) map.set(entry.id, entry);
  return map;
}

/** What changed between two versions of a manifest, as the inventory walkthrough sees it. Pure. */
export function inventoryChanges(before: Manifest, after: Manifest): InventoryChange[] {
  const changes: InventoryChange[] = [];
  for (const section of LIST_SECTIONS) {
    const old = keyed(before, section);
    const now = keyed(after, section);
    for (const [subject, entry] of now) {
      if (!old.has(subject)) changes.push({ section, change: 'added', subject });
      else if (!sameJson(old.get(subject), entry)) changes.push({ section, change: 'changed', subject });
    }
    for (const subject of old.keys()) if (!now.has(subject)) changes.push({ section, change: 'removed', subject });
  }
  const oldEnvelope = before.inventory.costEnvelope;
  const newEnvelope = after.inventory.costEnvelope;
  if (!sameJson(oldEnvelope, newEnvelope)) {
    changes.push({
      section: 'costEnvelope',
      change: oldEnvelope === undefined ? 'added' : newEnvelope === undefined ? 'removed' : 'changed',
    });
  }
  for (const section of ['stages', 'guardrails', 'rollback'] as const) {
    if (!sameJson(before[section], after[section])) changes.push({ section, change: 'changed' });
  }
  return changes;
}

/** The sections a list of changes touched, in order, for the audit entry's details. */
export function changedSections(changes: readonly InventoryChange[]): string[] {
  return [...new Set(changes.map((c) => c.section))];
}
