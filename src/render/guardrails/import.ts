import { safeData } from '../safe-text.js';
import type { ImportResult } from '../../guardrails/import/attack.js';
import type { Style } from '../style.js';

function oneLine(input: string): string {
  const flat = input.replace(/\s+/g, ' ').trim();
  return flat.length > 120 ? `${flat.slice(0, 119)}…` : flat;
}

/** What `guardrails import` did, or would do with --dry-run. Pure. */
export function renderImportText(result: ImportResult, style: Style): string {
  result = safeData(result);
  const verb = result.dryRun ? 'Would add' : 'Added';
  let out = `${style.bold(`${verb} ${result.added.length} ${result.added.length === 1 ? 'case' : 'cases'}`)} from ${result.from} ${result.file} to ${result.cases}`;
  out += ` (${result.duplicates.length} already there, ${result.skipped.length} skipped)\n`;
  for (const c of result.added) out += `  + ${c.id} [${c.category}] expect ${c.expect}: ${oneLine(c.input)}\n`;
  if (result.duplicates.length > 0) {
    out += `\nAlready in the cases (same input), not added\n`;
    for (const d of result.duplicates) out += `  = line ${d.line}: same input as ${d.of}\n`;
  }
  if (result.skipped.length > 0) {
    out += `\nSkipped\n`;
    for (const s of result.skipped) out += `  - line ${s.line}: ${s.reason}\n`;
  }
  if (result.added.length > 0)
    out += result.dryRun
      ? `\nNothing was written (--dry-run).\n`
      : `\nThe cases file changed: earlier guardrail test runs no longer count. Run \`agent-rollout guardrails test\`.\n`;
  return out;
}
