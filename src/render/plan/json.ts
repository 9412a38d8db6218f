import type { Plan } from '../../plan/types.js';
import { diagnosticJson } from '../diagnostic-json.js';
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
      diagnostics: plan.findings.diagnostics.map(diagnosticJson),
    },
  });
}
