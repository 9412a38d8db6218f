import type { Manifest } from '../manifest/types.js';
import type { InventoryGap } from './gaps.js';
import { findInventoryGaps } from './gaps.js';
import type { InventorySection } from './sections.js';
import { COST_FIELDS, INVENTORY_SECTIONS, SECTION_LABELS, triggerLabel } from './sections.js';

/** How complete one inventory section is. */
export interface SectionCompleteness {
  section: InventorySection;
  label: string;
  /** What is counted: the section's entries, or the cost envelope's fields. */
  unit: 'entries' | 'fields';
  /** Entries in the section (for the cost envelope: the fields it should hold, 4). */
  items: number;
  /** Entries with no gap (for the cost envelope: the fields it holds). */
  completeItems: number;
  /** 0 to 100. */
  percent: number;
  complete: boolean;
  gaps: InventoryGap[];
}

/** The inventory's completeness: `inventory --check`, and the gate's "complete inventory" prerequisite. */
export interface InventoryReport {
  /** True when no section has a gap. */
  complete: boolean;
  sections: SectionCompleteness[];
  gaps: InventoryGap[];
}

function entrySubjects(manifest: Manifest, section: Exclude<InventorySection, 'costEnvelope'>): string[] {
  const { inventory } = manifest;
  switch (section) {
    case 'credentials':
      return inventory.credentials.map((c) => c.id);
    case 'tools':
      return inventory.tools.map((t) => t.id);
    case 'dataClasses':
      return inventory.dataClasses.map((d) => d.id);
    case 'triggers':
      return inventory.triggers.map((t, i) => triggerLabel(t, i));
  }
}

/** The completeness of each of the five sections and every gap. Pure. */
export function inventoryReport(manifest: Manifest): InventoryReport {
  const gaps = findInventoryGaps(manifest);
  const sections = INVENTORY_SECTIONS.map((section): SectionCompleteness => {
    const sectionGaps = gaps.filter((g) => g.section === section);
    let items: number;
    let completeItems: number;
    if (section === 'costEnvelope') {
      const envelope = manifest.inventory.costEnvelope;
      items = COST_FIELDS.length;
      completeItems = envelope ? COST_FIELDS.filter((f) => envelope[f] !== undefined).length : 0;
    } else {
      const subjects = entrySubjects(manifest, section);
      const withGaps = new Set(sectionGaps.flatMap((g) => (g.subject !== undefined ? [g.subject] : [])));
      items = subjects.length;
      completeItems = subjects.filter((s) => !withGaps.has(s)).length;
    }
    const complete = sectionGaps.length === 0;
    const percent = items === 0 ? (complete ? 100 : 0) : Math.floor((completeItems / items) * 100);
    return {
      section,
      label: SECTION_LABELS[section],
      unit: section === 'costEnvelope' ? 'fields' : 'entries',
      items,
      completeItems,
      percent: complete ? 100 : Math.min(percent, 99),
      complete,
      gaps: sectionGaps,
    };
  });
  return { complete: gaps.length === 0, sections, gaps };
}
