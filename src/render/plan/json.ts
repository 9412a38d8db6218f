import type { Plan } from '../../plan/model.js';
import { ruleMeta } from '../../manifest/rules/catalog.js';
import type { RuleId } from '../../manifest/rules/catalog.js';
import { TOOL_NAME, TOOL_VERSION } from '../../version.js';
import { toJson } from '../format.js';

/** `plan --format json`: the plan model as it is, findings shaped like validate's diagnostics. */
export function renderPlanJson(plan: Plan): string {
  return toJson({
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    ...plan,
    findings: {
      errors: plan.findings.errors,
      warnings: plan.findings.warnings,
      diagnostics: plan.findings.diagnostics.map((d) => ({
        rule: d.rule,
        name: ruleMeta(d.rule as RuleId)?.name,
        severity: d.severity,
        message: d.message,
        hint: d.hint,
        pointer: d.pointer,
        line: d.line,
        column: d.column,
      })),
    },
  });
}
