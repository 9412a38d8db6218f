import { safeData } from '../safe-text.js';
import type { RecordedInputs } from '../../gate/inputs.js';
import type { CheckResult, GateReport } from '../../gate/types.js';
import type { Markdown } from '../markdown.js';
import { md, mdCode, mdProse, mdText } from '../markdown.js';
import { renderMarkdownTable } from '../table.js';
import { windowLine } from './text.js';

const ICON: Record<string, string> = {
  pass: '✅ pass',
  fail: '❌ fail',
  inconclusive: '⏳ inconclusive',
  error: '⚠️ error',
  observe: '👁 observe',
};
const VERDICT: Record<GateReport['verdict'], string> = {
  go: '✅ GO',
  'no-go': '❌ NO-GO',
  inconclusive: '⏳ INCONCLUSIVE',
  error: '⚠️ ERROR',
};

function rows(checks: readonly CheckResult[]): (Markdown | string)[][] {
  return checks.map((c) => [mdCode(c.id), c.observedText, c.expected, ICON[c.status] ?? c.status, mdProse(c.reason)]);
}

/** `gate --format markdown`: for a pull request or a change ticket. */
export function renderGateMarkdown(report: GateReport, inputs: RecordedInputs, options: { agent: string }): string {
  report = safeData(report);
  inputs = safeData(inputs);
  options = safeData(options);
  const out: string[] = [];
  out.push(md`### Gate: ${mdCode(report.stage)} of ${mdCode(options.agent)}: ${VERDICT[report.verdict]}`.markdown);
  out.push('');
  out.push(mdProse(report.summary).markdown);
  out.push('');
  out.push(mdText(windowLine(report).replace(/^window/, 'Window:')).markdown);
  out.push('');
  if (report.criteria.length > 0)
    out.push(renderMarkdownTable(['criterion', 'observed', 'expected', 'status', 'reason'], rows(report.criteria)));
  out.push(renderMarkdownTable(['prerequisite', 'observed', 'expected', 'status', 'reason'], rows(report.prerequisites)));
  out.push('**Next**');
  out.push('');
  for (const step of report.next) out.push(`- ${mdProse(step).markdown}`);
  out.push('');
  out.push(
    md`<sub>${inputs.tool.name} ${inputs.tool.version}, manifest sha256 ${mdCode(inputs.manifest.sha256.slice(0, 12))}, evaluated ${inputs.evaluatedAt}</sub>`
      .markdown,
  );
  return `${out.join('\n')}\n`;
}
