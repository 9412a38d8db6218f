import type { DrillReport } from '../../drill/types.js';
import { toJson } from '../format.js';

/** The drill report as JSON output: the same document as drills/<id>.report.json. */
export function renderDrillJson(report: DrillReport): string {
  return toJson(report);
}
