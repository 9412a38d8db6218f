import { canWrite, credentialAccess } from '../access.js';
import type { Manifest } from '../types.js';
import type { Finding } from './rule.js';
import { pointer } from '../../json/pointer.js';

/** AR106, AR107: the first stage stays off production data and holds no write or admin credential. */
export function checkLeastPrivilege(manifest: Manifest): Finding[] {
  const findings: Finding[] = [];
  const first = manifest.stages[0];
  if (!first) return findings;
  if (first.dataAccess === 'production') {
    findings.push({
      rule: 'AR106',
      pointer: pointer('stages', 0, 'dataAccess'),
      message: `the first stage, "${first.id}", works on production data`,
    });
  }
  const { credentials, tools } = manifest.inventory;
  (first.credentials ?? []).forEach((id, i) => {
    const credential = credentials.find((c) => c.id === id);
    if (!credential) return;
    const access = credentialAccess(credential, tools);
    if (canWrite(access)) {
      findings.push({
        rule: 'AR107',
        pointer: pointer('stages', 0, 'credentials', i),
        message: `the first stage, "${first.id}", holds credential "${id}" with ${access} access`,
      });
    }
  });
  return findings;
}
