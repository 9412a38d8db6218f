import type { Manifest } from '../types.js';
import type { Finding } from './rule.js';
import { pointer } from '../../json/pointer.js';

function duplicates(list: readonly { id?: string }[] | undefined, where: (string | number)[], what: string): Finding[] {
  const seen = new Map<string, number>();
  const findings: Finding[] = [];
  (list ?? []).forEach((item, i) => {
    if (item.id === undefined) return;
    const first = seen.get(item.id);
    if (first === undefined) {
      seen.set(item.id, i);
      return;
    }
    findings.push({
      rule: 'AR102',
      pointer: pointer(...where, i, 'id'),
      message: `${what} id "${item.id}" is used twice (entries ${first + 1} and ${i + 1})`,
      hint: 'give each entry its own id, or merge the two',
    });
  });
  return findings;
}

/** AR102: ids are unique within each list. */
export function checkUniqueIds(manifest: Manifest): Finding[] {
  const { inventory, rollback } = manifest;
  return [
    ...duplicates(inventory.credentials, ['inventory', 'credentials'], 'credential'),
    ...duplicates(inventory.tools, ['inventory', 'tools'], 'tool'),
    ...duplicates(inventory.dataClasses, ['inventory', 'dataClasses'], 'data class'),
    ...duplicates(inventory.triggers, ['inventory', 'triggers'], 'trigger'),
    ...duplicates(manifest.metrics?.alerts, ['metrics', 'alerts'], 'alert'),
    ...duplicates(manifest.stages, ['stages'], 'stage'),
    ...manifest.stages.flatMap((stage, s) =>
      duplicates(stage.exitCriteria, ['stages', s, 'exitCriteria'], `stage "${stage.id}": criterion`),
    ),
    ...duplicates(rollback?.steps, ['rollback', 'steps'], 'rollback step'),
    ...duplicates(rollback?.verify, ['rollback', 'verify'], 'probe'),
    ...duplicates(rollback?.restore, ['rollback', 'restore'], 'restore step'),
    ...duplicates(manifest.notify?.sinks, ['notify', 'sinks'], 'notification sink'),
  ];
}
