import type { ValidationReport } from '../../manifest/report.js';
import { TOOL_NAME, TOOL_VERSION } from '../../version.js';
import { diagnosticJson } from '../diagnostic-json.js';
import { toJson } from '../format.js';

/** `validate --format json`: DESIGN.md's shape, files[] with valid and diagnostics[]. */
export function renderValidationJson(report: ValidationReport): string {
  return toJson({
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    valid: report.files.every((f) => f.valid),
    summary: report.summary,
    files: report.files.map((file) => ({
      file: file.file,
      valid: file.valid,
      readable: file.usable,
      diagnostics: file.diagnostics.map(diagnosticJson),
    })),
  });
}
