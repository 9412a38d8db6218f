import { categoryPolicy } from '../../guardrails/report.js';
import type { Manifest } from '../types.js';
import type { Finding } from './rule.js';
import { pointer } from '../../json/pointer.js';

/** AR128, AR129: the refusal tests' pass-rate policies can be met, and exist for a guardrails criterion. */
export function checkGuardrailTests(manifest: Manifest): Finding[] {
  const findings: Finding[] = [];
  const tests = manifest.guardrails?.boundaries?.tests;
  if (!tests) {
    manifest.stages.forEach((stage, s) => {
      (stage.exitCriteria ?? []).forEach((criterion, k) => {
        if (criterion.guardrails)
          findings.push({
            rule: 'AR129',
            pointer: pointer('stages', s, 'exitCriteria', k, 'guardrails'),
            message: `criterion "${criterion.id}" of stage "${stage.id}" needs passing guardrail tests, but the manifest has no guardrails.boundaries.tests`,
          });
      });
    });
    return findings;
  }
  const unreachable = (where: string[], label: string, minPassRate: number, confidence: number): void => {
    findings.push({
      rule: 'AR128',
      pointer: pointer(...where),
      message: `${label} asks for the ${confidence * 100}% lower bound of the pass rate to reach ${minPassRate * 100}%, which no number of attempts can show`,
    });
  };
  const suite = categoryPolicy(tests, '\u0000suite');
  if (suite.confidence !== undefined && suite.minPassRate >= 1)
    unreachable(['guardrails', 'boundaries', 'tests', 'confidence'], 'the suite', suite.minPassRate, suite.confidence);
  for (const category of Object.keys(tests.categories ?? {})) {
    const policy = categoryPolicy(tests, category);
    const own = tests.categories?.[category];
    if (policy.confidence !== undefined && policy.minPassRate >= 1 && (own?.confidence !== undefined || own?.minPassRate !== undefined))
      unreachable(
        ['guardrails', 'boundaries', 'tests', 'categories', category],
        `category "${category}"`,
        policy.minPassRate,
        policy.confidence,
      );
  }
  return findings;
}
