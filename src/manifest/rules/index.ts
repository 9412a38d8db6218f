import type { Manifest } from '../types.js';
import { checkDataClasses } from './data-classes.js';
import { checkGuardrailTests } from './guardrail-tests.js';
import { checkUniqueIds } from './ids.js';
import { checkGuard } from './guard.js';
import { checkLeastPrivilege } from './least-privilege.js';
import { checkReferences } from './references.js';
import { checkRevocation } from './revocation.js';
import { checkRollback } from './rollback.js';
import type { Finding, Rule } from './rule.js';
import { checkSignalCoverage } from './signal-coverage.js';
import { checkSignalTemplates } from './signal-templates.js';
import { checkSpendLimits } from './spend.js';
import { checkStages } from './stages.js';
import { checkUrlCredentials } from './url-credentials.js';

/** The semantic rules that need a schema-valid manifest (AR103 runs on the raw document). */
export const SEMANTIC_RULES: readonly Rule[] = [
  checkReferences,
  checkUniqueIds,
  checkLeastPrivilege,
  checkStages,
  checkDataClasses,
  checkRevocation,
  checkSpendLimits,
  checkRollback,
  checkUrlCredentials,
  checkGuardrailTests,
  checkGuard,
  checkSignalCoverage,
  checkSignalTemplates,
];

/** Runs every semantic rule over a schema-valid manifest. */
export function runSemanticRules(manifest: Manifest): Finding[] {
  return SEMANTIC_RULES.flatMap((rule) => rule(manifest));
}
