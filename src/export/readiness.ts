import type { Diagnostic } from '../manifest/diagnostic.js';
import type { Manifest } from '../manifest/types.js';

/**
 * Whether a manifest that matched the schema may be exported. Fail closed: a manifest with
 * validation errors is not pushed to the runtime, with one exception for the flags: a manifest
 * whose kill switch is off is exported anyway (with a warning), because an export that switches
 * an agent off must never be held up by an unrelated finding.
 */
export type ExportReadiness = { kind: 'ready' } | { kind: 'refused'; message: string } | { kind: 'warned'; message: string };

export function exportReadiness(
  path: string,
  diagnostics: readonly Diagnostic[],
  manifest: Manifest,
  options: { killSwitchExempt: boolean },
): ExportReadiness {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const first = errors[0];
  if (!first) return { kind: 'ready' };
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  const where = `${path}:${first.line}:${first.column}: ${first.rule} ${first.message}${more}`;
  if (options.killSwitchExempt && !manifest.state.enabled) {
    return { kind: 'warned', message: `${where}; exported anyway because its kill switch is off` };
  }
  return { kind: 'refused', message: `${path} has validation errors, so it is not exported: ${where}` };
}
