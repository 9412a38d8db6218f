import type { Diagnostic } from '../manifest/diagnostic.js';
import { ruleMeta } from '../manifest/rules/catalog.js';
import type { RuleId } from '../manifest/rules/catalog.js';

/** A diagnostic as JSON output shows it (validate's and plan's): the rule's name beside its id. */
export function diagnosticJson(d: Diagnostic): Record<string, unknown> {
  return {
    rule: d.rule,
    name: ruleMeta(d.rule as RuleId)?.name,
    severity: d.severity,
    message: d.message,
    hint: d.hint,
    pointer: d.pointer,
    line: d.line,
    column: d.column,
  };
}
