import type { Manifest } from '../types.js';
import type { Finding } from './rule.js';
import { pointer } from '../../json/pointer.js';

/** AR113: every credential can be revoked; AR114: on its own. */
export function checkRevocation(manifest: Manifest): Finding[] {
  const findings: Finding[] = [];
  const revokedBySteps = new Set((manifest.rollback?.steps ?? []).flatMap((step) => (step.credential ? [step.credential] : [])));
  manifest.inventory.credentials.forEach((credential, i) => {
    if (!credential.revoke && !revokedBySteps.has(credential.id)) {
      findings.push({
        rule: 'AR113',
        pointer: pointer('inventory', 'credentials', i),
        message: `nothing says how credential "${credential.id}" is revoked`,
        hint: `add a rollback step with "credential": "${credential.id}", or give the credential "revoke": { "run": [...] } or "revoke": { "runbook": "..." }`,
      });
    }
    if (credential.independentlyRevocable === false) {
      findings.push({
        rule: 'AR114',
        pointer: pointer('inventory', 'credentials', i, 'independentlyRevocable'),
        message: `credential "${credential.id}" cannot be revoked without revoking something else`,
      });
    }
  });
  return findings;
}
