import { canRead, isSensitive } from '../access.js';
import type { Manifest } from '../types.js';
import type { Finding } from './rule.js';
import { pointer } from '../../json/pointer.js';

/** AR111: data classes are declared; AR112: sensitive classes the agent reads are inspected on output. */
export function checkDataClasses(manifest: Manifest): Finding[] {
  const findings: Finding[] = [];
  const declared = new Set(manifest.inventory.dataClasses.map((d) => d.id));
  const undeclared = (at: string, id: string, user: string): void => {
    findings.push({
      rule: 'AR111',
      pointer: at,
      message: `${user} names data class "${id}", which inventory.dataClasses does not declare`,
      hint: `add { "id": "${id}", "access": "read" } (or write, read-write) to inventory.dataClasses`,
    });
  };
  manifest.inventory.tools.forEach((tool, t) => {
    (tool.dataClasses ?? []).forEach((id, k) => {
      if (!declared.has(id)) undeclared(pointer('inventory', 'tools', t, 'dataClasses', k), id, `tool "${tool.id}"`);
    });
  });
  const output = manifest.guardrails?.output;
  (output?.dataClasses ?? []).forEach((id, k) => {
    if (!declared.has(id)) undeclared(pointer('guardrails', 'output', 'dataClasses', k), id, 'output inspection');
  });
  const inspected = new Set(output?.dataClasses ?? []);
  manifest.inventory.dataClasses.forEach((dataClass, d) => {
    if (isSensitive(dataClass) && canRead(dataClass) && !inspected.has(dataClass.id)) {
      findings.push({
        rule: 'AR112',
        pointer: pointer('inventory', 'dataClasses', d),
        message: `the agent can read sensitive data class "${dataClass.id}", but output inspection does not cover it`,
        hint: output
          ? `add "${dataClass.id}" to guardrails.output.dataClasses`
          : `add "guardrails": { "output": { "dataClasses": ["${dataClass.id}"], "action": "block" } }`,
      });
    }
  });
  return findings;
}
