import type { DiffResult } from '../../diff/model.js';
import { changeText } from '../../diff/model.js';
import { toJson } from '../format.js';

/**
 * `diff --format json`: formatVersion 1; `summary` counts by risk; each change with its JSON
 * pointer `path`, `kind` (added/removed/changed), `before`, `after` (null when absent; a value
 * that looks like a secret is replaced), `risk`, `rule`, `reason`, and where it sits (`section`,
 * `subject`, `field`) with the line a person reads (`text`).
 */
export function renderDiffJson(result: DiffResult): string {
  return toJson({
    base: result.base,
    head: result.head,
    summary: result.summary,
    notes: result.notes,
    changes: result.changes.map((change) => ({
      path: change.path,
      kind: change.kind,
      before: change.before,
      after: change.after,
      risk: change.risk,
      rule: change.rule,
      reason: change.reason,
      section: change.section,
      subject: change.subject,
      field: change.field,
      text: changeText(change.parts),
      ...(change.invalidates ? { invalidates: change.invalidates } : {}),
    })),
  });
}
