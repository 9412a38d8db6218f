import type { Manifest } from '../types.js';
import type { Finding } from './rule.js';
import { pointer } from '../../json/pointer.js';

/**
 * The credentials a rollback step revokes (names in `credential`) that no restore step names:
 * after a drill they stay revoked. In the order the steps name them, each once.
 */
export function unrestoredCredentials(
  steps: readonly { credential?: string | undefined }[],
  restore: readonly { credential?: string | undefined }[],
): string[] {
  const restored = new Set(restore.map((step) => step.credential));
  const revoked = steps.map((step) => step.credential).filter((id): id is string => id !== undefined);
  return [...new Set(revoked)].filter((id) => !restored.has(id));
}

/**
 * AR117, AR118, AR119, AR130: the rollback exists, fits its window, is there for drill criteria,
 * and its restore puts back every credential its steps revoke.
 */
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
  const unrestored = new Set(unrestoredCredentials(rollback.steps, rollback.restore ?? []));
  rollback.steps.forEach((step, i) => {
    if (step.credential === undefined || !unrestored.has(step.credential)) return;
    unrestored.delete(step.credential);
    findings.push({
      rule: 'AR130',
      pointer: pointer('rollback', 'steps', i, 'credential'),
      message: `rollback step "${step.id}" revokes credential "${step.credential}", but no restore step names it: a drill leaves it revoked`,
      hint: `add a step to rollback.restore with "credential": "${step.credential}" that issues it again (e.g. from a vault), or a "manual" one that says how`,
    });
  });
  return findings;
}
