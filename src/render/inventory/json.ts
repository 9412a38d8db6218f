import type { InventoryCheck } from '../../inventory/check.js';
import { TOOL_NAME, TOOL_VERSION } from '../../version.js';
import { toJson } from '../format.js';

/**
 * `inventory --check --format json`: complete (the verdict, as the exit code says it), sectionsComplete (the five
 * sections' own), sections[] (with their gaps), gaps[], blastRadius[], signals (the coverage).
 */
export function renderInventoryJson(check: InventoryCheck): string {
  return toJson({
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    manifest: check.manifest,
    agent: check.agent,
    complete: check.complete,
    sectionsComplete: check.sectionsComplete,
    sections: check.sections.map(({ gaps, ...section }) => ({ ...section, gaps: gaps.length })),
    gaps: check.gaps,
    blastRadius: check.blastRadius,
    signals: check.signals,
  });
}
