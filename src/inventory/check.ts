import type { Manifest } from '../manifest/types.js';
import type { StageBlastRadius } from './blast-radius.js';
import { blastRadius } from './blast-radius.js';
import type { InventoryReport } from './completeness.js';
import { inventoryReport } from './completeness.js';
import type { SignalCoverage } from '../manifest/signal-coverage.js';
import { signalCoverage } from '../manifest/signal-coverage.js';

/** What `inventory --check` reports: completeness per section, every gap, and the blast radius per stage. */
export interface InventoryCheck extends InventoryReport {
  manifest: string;
  agent: { id: string; name: string };
  blastRadius: StageBlastRadius[];
  /** The signal coverage the practice requires before leaving the first stage; counted like a section, outside the gate's prerequisite. */
  signals: SignalCoverage;
}

/** Whether `inventory --check` passes: no gap in the five sections, and the signal coverage complete. */
export function checkPasses(check: InventoryCheck): boolean {
  return check.complete && check.signals.complete;
}

/** `inventory --check` over one manifest. Pure. */
export function checkInventory(manifest: Manifest, path: string): InventoryCheck {
  return {
    manifest: path,
    agent: { id: manifest.agent.id, name: manifest.agent.name },
    ...inventoryReport(manifest),
    blastRadius: blastRadius(manifest),
    signals: signalCoverage(manifest),
  };
}
