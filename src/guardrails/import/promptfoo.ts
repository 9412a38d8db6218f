import { locate, parseJson } from '../../manifest/json-parse.js';
import type { Attack, RedTeamFile, Skipped } from './attack.js';

type Obj = Record<string, unknown>;
const obj = (value: unknown): Obj | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Obj) : undefined;
const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * Reads the output of `promptfoo eval -o results.json` (or `promptfoo redteam run`):
 * `results.results[]`, each with `vars` (the input under the prompt's variable),
 * `testCase.metadata.pluginId` (or `metadata.pluginId`), optionally `strategyId`,
 * `response.output` and `success`. The variable is `config.redteam.injectVar` when the file
 * names one, else the only variable of the result (`var` overrides both). Pure.
 */
export function readPromptfoo(source: string, options: { variable?: string } = {}): RedTeamFile {
  const parsed = parseJson(source);
  if (!parsed.ok) {
    const { position, message } = parsed.error;
    return { ok: false, line: position.line, message: `not a promptfoo results file: ${message}` };
  }
  const root = obj(parsed.value);
  const results = obj(root?.['results'])?.['results'];
  if (!root || !Array.isArray(results)) {
    return {
      ok: false,
      line: 1,
      message: 'not a promptfoo results file: there is no "results": {"results": [...]} (write one with `promptfoo eval -o results.json`)',
    };
  }
  const injectVar = options.variable ?? text(obj(obj(root['config'])?.['redteam'])?.['injectVar']);
  const lineOf = (index: number): number => locate(parsed.locations, `/results/results/${index}`).value.line;
  const attacks: Attack[] = [];
  const skipped: Skipped[] = [];
  for (const [index, item] of results.entries()) {
    const result = obj(item);
    if (!result) return { ok: false, line: lineOf(index), message: `results.results[${index}] is not an object` };
    const testCase = obj(result['testCase']);
    const vars = obj(result['vars']) ?? obj(testCase?.['vars']) ?? {};
    const metadata = { ...obj(result['metadata']), ...obj(testCase?.['metadata']) };
    const plugin = text(metadata['pluginId']);
    const names = Object.keys(vars);
    const name = injectVar ?? (names.length === 1 ? names[0] : undefined);
    const input = name === undefined ? undefined : text(vars[name]);
    if (!plugin) {
      skipped.push({ line: lineOf(index), reason: 'no pluginId: not a red-team result' });
      continue;
    }
    if (input === undefined) {
      skipped.push({
        line: lineOf(index),
        reason:
          name === undefined
            ? `the input is under one of ${names.length} variables (${names.join(', ') || 'none'}); name it with --var`
            : `no text under the variable "${name}"`,
      });
      continue;
    }
    const strategy = text(metadata['strategyId']);
    attacks.push({ input, plugin, ...(strategy ? { strategy } : {}), line: lineOf(index) });
  }
  return { ok: true, attacks, skipped };
}
