import type { Diagnostic } from './diagnostic.js';
import { compareDiagnostics, diagnosticAt } from './diagnostic.js';
import { locate } from './json-parse.js';
import type { LoadedManifest } from './load.js';
import { ruleMeta } from './rules/catalog.js';
import { runSemanticRules } from './rules/index.js';
import { checkHiddenCharacters } from './rules/hidden-characters.js';
import { checkLiteralSecrets } from './rules/literal-secrets.js';
import type { Finding } from './rules/rule.js';
import type { SchemaValidator } from './schema-check.js';
import { checkSchema } from './schema-check.js';
import type { Manifest } from './types.js';

/** The verdict on one manifest file. */
export interface FileValidation {
  file: string;
  /** False when the file could not be read or parsed at all (exit 2). */
  usable: boolean;
  /** True when there is no finding of severity error. */
  valid: boolean;
  diagnostics: Diagnostic[];
  /** The typed manifest, when it matched the schema. */
  manifest?: Manifest;
}

export interface ValidateOptions {
  /** Treat warnings as errors. */
  strict?: boolean;
}

function toDiagnostic(loaded: LoadedManifest, finding: Finding): Diagnostic {
  const meta = ruleMeta(finding.rule);
  const diagnostic = diagnosticAt(locate(loaded.locations, finding.pointer).value, {
    rule: finding.rule,
    severity: finding.severity ?? meta.severity,
    message: finding.message,
    hint: finding.hint ?? meta.help,
    pointer: finding.pointer,
  });
  if (finding.rule === 'AR103') diagnostic.sensitive = true;
  return diagnostic;
}

/**
 * Everything `validate` checks on one loaded manifest: what loading found, literal secrets,
 * the schema, and (once the schema holds) the semantic rules. Pure.
 */
export function validateLoaded(loaded: LoadedManifest, validator: SchemaValidator, options: ValidateOptions = {}): FileValidation {
  const diagnostics = [...loaded.diagnostics];
  let manifest: Manifest | undefined;
  if (loaded.usable && loaded.value !== undefined) {
    const secrets = checkLiteralSecrets(loaded.value).map((f) => toDiagnostic(loaded, f));
    diagnostics.push(...secrets);
    diagnostics.push(...checkHiddenCharacters(loaded.value).map((f) => toDiagnostic(loaded, f)));
    const schemaFindings = checkSchema(validator, loaded.value, loaded.locations);
    // A token pasted into secretRef is one finding: AR103 (revoke it) says more than AR104 (not a reference).
    const secretPointers = new Set(secrets.map((d) => d.pointer));
    diagnostics.push(...schemaFindings.filter((d) => !(d.rule === 'AR104' && secretPointers.has(d.pointer))));
    if (schemaFindings.length === 0 && !loaded.diagnostics.some((d) => d.rule === 'AR003')) {
      manifest = loaded.value as unknown as Manifest;
      diagnostics.push(...runSemanticRules(manifest).map((f) => toDiagnostic(loaded, f)));
    }
  }
  // A source line that holds a secret is never shown, whichever finding points at it.
  const secretLines = new Set(diagnostics.filter((d) => d.rule === 'AR103').map((d) => d.line));
  for (const d of diagnostics) if (secretLines.has(d.line)) d.sensitive = true;
  const judged = options.strict
    ? diagnostics.map((d) => (d.severity === 'warning' ? { ...d, severity: 'error' as const } : d))
    : diagnostics;
  judged.sort(compareDiagnostics);
  const result: FileValidation = {
    file: loaded.path,
    usable: loaded.usable,
    valid: loaded.usable && !judged.some((d) => d.severity === 'error'),
    diagnostics: judged,
  };
  if (manifest) result.manifest = manifest;
  return result;
}
