import type { Manifest } from '../manifest/types.js';
import type { StageBlastRadius } from './blast-radius.js';
import { blastRadius } from './blast-radius.js';
import type { InventoryReport } from './completeness.js';
import { inventoryReport } from './completeness.js';
import type { SignalCoverage } from '../manifest/signal-coverage.js';
import { signalCoverage } from '../manifest/signal-coverage.js';

/** What `inventory --check` reports: completeness per section, every gap, and the blast radius per stage. */
export interface InventoryCheck extends Omit<InventoryReport, 'complete'> {
  manifest: string;
  agent: { id: string; name: string };
  /** The verdict of `inventory --check` (its exit code): no gap in the five sections, and the signal coverage complete. */
  complete: boolean;
  /** The five sections' own verdict: no gap in any of them (the gate's inventory-complete prerequisite reads the same). */
  sectionsComplete: boolean;
  blastRadius: StageBlastRadius[];
  /** The signal coverage the practice requires before leaving the first stage; counted like a section, outside the gate's prerequisite. */
  signals: SignalCoverage;
}

/** `inventory --check` over one manifest. Pure. */
export function checkInventory(manifest: Manifest, path: string): InventoryCheck {
  const { complete: sectionsComplete, ...report } = inventoryReport(manifest);
  const signals = signalCoverage(manifest);
  return {
    manifest: path,
    agent: { id: manifest.agent.id, name: manifest.agent.name },
    complete: sectionsComplete && signals.complete,
    sectionsComplete,
    ...report,
    blastRadius: blastRadius(manifest),
    signals,
  };
}
