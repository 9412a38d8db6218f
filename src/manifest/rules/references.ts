import { resolveDottedPath } from '../dotted-path.js';
import type { Manifest } from '../types.js';
import type { Finding } from './rule.js';
import { pointer } from '../../json/pointer.js';

/** AR101: every reference resolves, and AR105: stages hold only inventory credentials. */
export function checkReferences(manifest: Manifest): Finding[] {
  const findings: Finding[] = [];
  const credentials = new Set(manifest.inventory.credentials.map((c) => c.id));
  const signals = manifest.metrics?.signals ?? {};
  const sources = manifest.metrics?.sources ?? {};
  const stages = new Set(manifest.stages.map((s) => s.id));
  const unresolved = (at: string, message: string, hint: string): void => {
    findings.push({ rule: 'AR101', pointer: at, message, hint });
  };
  const signalHint = (name: string): string =>
    Object.keys(signals).length === 0
      ? `declare metrics.signals.${name} with its source and query`
      : `declare metrics.signals.${name}, or use one of: ${Object.keys(signals).join(', ')}`;

  manifest.inventory.tools.forEach((tool, i) => {
    if (tool.credential !== undefined && !credentials.has(tool.credential)) {
      unresolved(
        pointer('inventory', 'tools', i, 'credential'),
        `tool "${tool.id}" uses credential "${tool.credential}", which inventory.credentials does not declare`,
        'declare the credential in inventory.credentials, or fix the id',
      );
    }
  });
  for (const [name, signal] of Object.entries(signals)) {
    if (!signal) continue;
    if (!Object.hasOwn(sources, signal.source)) {
      unresolved(
        pointer('metrics', 'signals', name, 'source'),
        `signal "${name}" reads from source "${signal.source}", which metrics.sources does not declare`,
        `declare metrics.sources.${signal.source} (type prometheus, http or command)`,
      );
    }
  }
  const sampleSignal = manifest.metrics?.sampleSignal;
  if (sampleSignal !== undefined && !Object.hasOwn(signals, sampleSignal)) {
    unresolved(
      pointer('metrics', 'sampleSignal'),
      `metrics.sampleSignal names "${sampleSignal}", which is not a signal`,
      signalHint(sampleSignal),
    );
  }
  (manifest.metrics?.alerts ?? []).forEach((alert, i) => {
    if (!Object.hasOwn(signals, alert.signal)) {
      unresolved(
        pointer('metrics', 'alerts', i, 'signal'),
        `an alert watches signal "${alert.signal}", which is not declared`,
        signalHint(alert.signal),
      );
    }
  });
  manifest.stages.forEach((stage, s) => {
    (stage.credentials ?? []).forEach((id, c) => {
      if (!credentials.has(id)) {
        findings.push({
          rule: 'AR105',
          pointer: pointer('stages', s, 'credentials', c),
          message: `stage "${stage.id}" holds credential "${id}", which inventory.credentials does not declare`,
        });
      }
    });
    (stage.exitCriteria ?? []).forEach((criterion, k) => {
      if (criterion.signal !== undefined && !Object.hasOwn(signals, criterion.signal)) {
        unresolved(
          pointer('stages', s, 'exitCriteria', k, 'signal'),
          `criterion "${criterion.id}" of stage "${stage.id}" reads signal "${criterion.signal}", which is not declared`,
          signalHint(criterion.signal),
        );
      }
      if (criterion.of !== undefined) {
        const target = resolveDottedPath(manifest, criterion.of);
        if (target === undefined) {
          unresolved(
            pointer('stages', s, 'exitCriteria', k, 'of'),
            `criterion "${criterion.id}" compares with "${criterion.of}", which is not in the manifest`,
            'point "of" at a number in this manifest, e.g. inventory.costEnvelope.usdPerInvocation',
          );
        } else if (typeof target !== 'number' || !Number.isFinite(target)) {
          unresolved(
            pointer('stages', s, 'exitCriteria', k, 'of'),
            `criterion "${criterion.id}" compares with "${criterion.of}", which is not a number`,
            'point "of" at a number in this manifest, e.g. inventory.costEnvelope.usdPerInvocation',
          );
        }
      }
    });
  });
  if (!stages.has(manifest.state.stage)) {
    unresolved(
      pointer('state', 'stage'),
      `state.stage is "${manifest.state.stage}", which is not one of the stages`,
      `use one of: ${[...stages].join(', ')}`,
    );
  }
  const rollback = manifest.rollback;
  for (const list of ['steps', 'restore'] as const) {
    (rollback?.[list] ?? []).forEach((step, i) => {
      if (step.credential !== undefined && !credentials.has(step.credential)) {
        unresolved(
          pointer('rollback', list, i, 'credential'),
          `${list === 'steps' ? 'rollback step' : 'restore step'} "${step.id}" names credential "${step.credential}", which inventory.credentials does not declare`,
          'declare the credential in inventory.credentials, or fix the id',
        );
      }
    });
  }
  return findings;
}
