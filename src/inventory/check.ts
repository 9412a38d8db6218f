import type { Manifest } from '../manifest/types.js';
import type { StageBlastRadius } from './blast-radius.js';
import { blastRadius } from './blast-radius.js';
import type { InventoryReport } from './completeness.js';
import { inventoryReport } from './completeness.js';

/** What `inventory --check` reports: completeness per section, every gap, and the blast radius per stage. */
export interface InventoryCheck extends InventoryReport {
  manifest: string;
  agent: { id: string; name: string };
  blastRadius: StageBlastRadius[];
}

/** `inventory --check` over one manifest. Pure. */
export function checkInventory(manifest: Manifest, path: string): InventoryCheck {
  return {
    manifest: path,
    agent: { id: manifest.agent.id, name: manifest.agent.name },
    ...inventoryReport(manifest),
    blastRadius: blastRadius(manifest),
  };
}
