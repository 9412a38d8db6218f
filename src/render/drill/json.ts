import type { DrillReport } from '../../drill/types.js';
import type { Delivery } from '../../notify/deliver.js';
import { toJson } from '../format.js';
import { notificationsField } from '../notifications.js';

/**
 * The drill report as JSON output: the same document as drills/<id>.report.json; on standard
 * output, with the notification sinks told of a failed drill.
 */
export function renderDrillJson(report: DrillReport, notifications?: readonly Delivery[]): string {
  return toJson({ ...report, ...notificationsField(notifications) });
}
