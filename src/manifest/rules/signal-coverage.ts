import { coverageGapText, signalCoverage } from '../signal-coverage.js';
import type { Manifest } from '../types.js';
import type { Finding } from './rule.js';
import { pointer } from '../../json/pointer.js';

/**
 * AR131: every category the practice requires before leaving the first stage has a signal that
 * measures it and names its attribution. A warning, never an error: manifests written before
 * `measures` existed stay valid, and the gate does not refuse on it.
 */
export function checkSignalCoverage(manifest: Manifest): Finding[] {
  const at = manifest.metrics?.signals ? pointer('metrics', 'signals') : manifest.metrics ? pointer('metrics') : '';
  return signalCoverage(manifest)
    .measures.filter((m) => m.required && m.status !== 'covered')
    .map((m) => {
      const first = m.signals[0];
      return {
        rule: 'AR131' as const,
        pointer: m.status === 'unattributed' && first !== undefined ? pointer('metrics', 'signals', first, 'measures') : at,
        message: `${coverageGapText(m)}; the practice requires it, attributed, before leaving the first stage`,
      };
    });
}
