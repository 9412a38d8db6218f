import { compareDiagnostics, diagnosticAt } from '../manifest/diagnostic.js';
import type { Diagnostic } from '../manifest/diagnostic.js';
import { locate } from '../manifest/json-parse.js';
import type { Locations } from '../manifest/json-parse.js';
import { ruleMeta } from '../manifest/rules/catalog.js';
import type { FileValidation } from '../manifest/validate.js';
import { parseCases } from './cases.js';

/** What validate read of the files the manifest names: the cases file's text, and problems reading it or the prompt. */
export interface NamedFiles {
  cases?: { path: string; text: string } | { path: string; problem: string };
  prompt?: { path: string; problem: string };
}

/**
 * validate's AR126 (each malformed line of the cases file, as `cases.jsonl:12: ...`) and AR127
 * (a cases or prompt file that cannot be read), placed on the manifest's field that names the
 * file; the validation no longer valid when one is an error. Pure.
 */
export function withCaseFindings(
  validation: FileValidation,
  locations: Locations,
  files: NamedFiles,
  options: { strict?: boolean } = {},
): FileValidation {
  const found: Diagnostic[] = [];
  const add = (id: 'AR126' | 'AR127', where: string, message: string): void => {
    const meta = ruleMeta(id);
    found.push(
      diagnosticAt(locate(locations, where).value, {
        rule: meta.id,
        severity: options.strict ? 'error' : meta.severity,
        message,
        hint: meta.help,
        pointer: where,
      }),
    );
  };
  const casesAt = '/guardrails/boundaries/tests/cases';
  if (files.cases && 'problem' in files.cases) add('AR127', casesAt, files.cases.problem);
  else if (files.cases) {
    const { problems } = parseCases(files.cases.text);
    for (const problem of problems.slice(0, 20)) add('AR126', casesAt, `${files.cases.path}:${problem.line}: ${problem.message}`);
    if (problems.length > 20) add('AR126', casesAt, `${files.cases.path}: and ${problems.length - 20} more lines that are not valid cases`);
  }
  if (files.prompt) add('AR127', '/agent/promptFile', files.prompt.problem);
  if (found.length === 0) return validation;
  const diagnostics = [...validation.diagnostics, ...found].sort(compareDiagnostics);
  return { ...validation, diagnostics, valid: validation.valid && !found.some((d) => d.severity === 'error') };
}
