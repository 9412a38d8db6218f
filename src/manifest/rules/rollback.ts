import type { Manifest } from '../types.js';
import type { Finding } from './rule.js';
import { pointer } from '../../json/pointer.js';

/** AR117, AR118, AR119: the rollback exists, fits its window, and is there for drill criteria. */
export function checkRollback(manifest: Manifest): Finding[] {
  const findings: Finding[] = [];
  const { rollback } = manifest;
  if (!rollback) {
    findings.push({ rule: 'AR119', pointer: '', message: 'the manifest has no rollback section' });
    manifest.stages.forEach((stage, s) => {
      (stage.exitCriteria ?? []).forEach((criterion, k) => {
        if (criterion.drill) {
          findings.push({
            rule: 'AR118',
            pointer: pointer('stages', s, 'exitCriteria', k, 'drill'),
            message: `criterion "${criterion.id}" of stage "${stage.id}" needs a rollback drill, but there is no rollback section to drill`,
          });
        }
      });
    });
    return findings;
  }
  for (const list of ['steps', 'restore'] as const) {
    (rollback[list] ?? []).forEach((step, i) => {
      if (step.run && step.timeout === undefined) {
        findings.push({
          rule: 'AR117',
          pointer: pointer('rollback', list, i),
          message: `rollback ${list === 'steps' ? 'step' : 'restore step'} "${step.id}" runs a command with no timeout`,
          hint: `add "timeout": "30s" (or what the command needs) so a hung command cannot eat the ${rollback.window} window`,
        });
      }
    });
  }
  return findings;
}
