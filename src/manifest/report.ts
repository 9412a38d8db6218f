import type { FileValidation } from './validate.js';

/** `validate` over several files: each file's verdict and the totals. */
export interface ValidationReport {
  files: FileValidation[];
  summary: {
    files: number;
    valid: number;
    errors: number;
    warnings: number;
    /** Files that could not be read as a manifest at all, including `newer`. */
    unreadable: number;
    /** Of those, files whose version is newer than this tool reads: readable, but not by this version. */
    newer: number;
  };
}

/** The finding that a manifest's version is newer than this tool reads (AR003). */
export function isNewerVersion(d: { rule: string; message: string }): boolean {
  return d.rule === 'AR003' && d.message.includes('is newer than');
}

/** Totals over the files. */
export function summarize(files: FileValidation[]): ValidationReport {
  const diagnostics = files.flatMap((f) => f.diagnostics);
  return {
    files,
    summary: {
      files: files.length,
      valid: files.filter((f) => f.valid).length,
      errors: diagnostics.filter((d) => d.severity === 'error').length,
      warnings: diagnostics.filter((d) => d.severity === 'warning').length,
      unreadable: files.filter((f) => !f.usable).length,
      newer: files.filter((f) => !f.usable && f.diagnostics.some(isNewerVersion)).length,
    },
  };
}

/** Only the errors, for --quiet. */
export function onlyErrors(report: ValidationReport): ValidationReport {
  return summarize(report.files.map((f) => ({ ...f, diagnostics: f.diagnostics.filter((d) => d.severity === 'error') })));
}
