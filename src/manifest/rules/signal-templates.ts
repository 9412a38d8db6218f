import { pointer } from '../../json/pointer.js';
import { TemplateError, fillPlaceholders, placeholderValues, requestBody } from '../placeholders.js';
import { TOKEN_COST } from '../token-cost.js';
import type { Manifest } from '../types.js';
import type { Finding } from './rule.js';

/** Any window will do: the check is about the template's shape, not its values. */
const SAMPLE = placeholderValues({ startMs: Date.UTC(2026, 0, 1), endMs: Date.UTC(2026, 0, 8) });

function templateProblem(fill: () => unknown): string | undefined {
  try {
    fill();
    return undefined;
  } catch (error) {
    if (error instanceof TemplateError) return error.message;
    throw error;
  }
}

/**
 * AR132: what a signal asks of its source can be asked. An http signal's path, attributionPath and
 * body hold only placeholders that exist; an attributionPath names the attribution it shows; its body is JSON once they are replaced, and goes with "method": "POST";
 * it says where the number is (pointer, or timesPointer with valuesPointer). A query that uses
 * $tokenCost has prices to use. The gate would fail on each of these (exit 2): validate says so first.
 */
export function checkSignalTemplates(manifest: Manifest): Finding[] {
  const findings: Finding[] = [];
  for (const [name, signal] of Object.entries(manifest.metrics?.signals ?? {})) {
    if (!signal) continue;
    const at = (...keys: string[]): string => pointer('metrics', 'signals', name, ...keys);
    const type = manifest.metrics?.sources?.[signal.source]?.type;
    if (type === 'prometheus' && signal.query?.match(TOKEN_COST) && Object.keys(manifest.metrics?.tokenPrices ?? {}).length === 0)
      findings.push({
        rule: 'AR132',
        pointer: at('query'),
        message: `signal ${name} uses $tokenCost, but metrics.tokenPrices states no prices`,
        hint: 'add metrics.tokenPrices: {"<model>": {"input": <USD per million tokens>, "output": <USD per million tokens>}}',
      });
    if (type !== 'http') continue;
    if (signal.path !== undefined) {
      const problem = templateProblem(() =>
        fillPlaceholders(signal.path as string, SAMPLE, encodeURIComponent, `the path of signal ${name}`),
      );
      if (problem) findings.push({ rule: 'AR132', pointer: at('path'), message: problem });
    }
    if (signal.attributionPath !== undefined) {
      const problem = templateProblem(() =>
        fillPlaceholders(signal.attributionPath as string, SAMPLE, encodeURIComponent, `the attributionPath of signal ${name}`),
      );
      if (problem) findings.push({ rule: 'AR132', pointer: at('attributionPath'), message: problem });
      if (signal.attribution === undefined)
        findings.push({
          rule: 'AR132',
          pointer: at('attributionPath'),
          message: `signal ${name} has an "attributionPath" but no "attribution": signals check would not know which label to look for`,
          hint: 'add "attribution": "<the label or field the grouped answer carries>", or remove attributionPath',
        });
    }
    if (signal.body !== undefined) {
      if (signal.method !== 'POST')
        findings.push({
          rule: 'AR132',
          pointer: at('body'),
          message: `signal ${name} has a "body" but no "method": "POST"; a GET sends no body`,
          hint: 'add "method": "POST", or remove the body',
        });
      const problem = templateProblem(() => requestBody(signal.body as string | Record<string, unknown>, SAMPLE, name));
      if (problem) findings.push({ rule: 'AR132', pointer: at('body'), message: problem });
    }
    const times = signal.timesPointer !== undefined;
    const values = signal.valuesPointer !== undefined;
    if (times !== values)
      findings.push({
        rule: 'AR132',
        pointer: at(times ? 'timesPointer' : 'valuesPointer'),
        message: `signal ${name} has ${times ? 'timesPointer without valuesPointer' : 'valuesPointer without timesPointer'}; the two go together`,
      });
    else if (signal.pointer === undefined && !times)
      findings.push({
        rule: 'AR132',
        pointer: at(),
        message: `signal ${name} does not say where the number is in the answer: no "pointer" (nor "timesPointer" and "valuesPointer")`,
        hint: 'add "pointer": "/data/value" (an RFC 6901 JSON pointer into the answer)',
      });
  }
  return findings;
}
