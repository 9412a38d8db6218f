import { safeData } from '../safe-text.js';
import type { ValidationReport } from '../../manifest/report.js';
import { ruleMeta } from '../../manifest/rules/catalog.js';
import type { RuleId } from '../../manifest/rules/catalog.js';

/** Workflow-command escaping: https://github.com/actions/toolkit (core/src/command.ts). */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** `validate --format github`: one `::error` / `::warning` workflow command per finding. */
export function renderValidationGithub(report: ValidationReport): string {
  report = safeData(report);
  const lines: string[] = [];
  for (const file of report.files) {
    for (const d of file.diagnostics) {
      const title = `${d.rule} ${ruleMeta(d.rule as RuleId).name}`;
      const properties = `file=${escapeProperty(file.file)},line=${d.line},col=${d.column},title=${escapeProperty(title)}`;
      lines.push(`::${d.severity} ${properties}::${escapeData(`${d.message}\nhint: ${d.hint}`)}`);
    }
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
