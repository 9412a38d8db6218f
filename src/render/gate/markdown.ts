import type { RecordedInputs } from '../../gate/inputs.js';
import type { CheckResult, GateReport } from '../../gate/types.js';
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

function rows(checks: readonly CheckResult[]): string[][] {
  return checks.map((c) => [`\`${c.id}\``, c.observedText, c.expected, ICON[c.status] ?? c.status, c.reason]);
}

/** `gate --format markdown`: for a pull request or a change ticket. */
export function renderGateMarkdown(report: GateReport, inputs: RecordedInputs, options: { agent: string }): string {
  const out: string[] = [];
  out.push(`### Gate: \`${report.stage}\` of \`${options.agent}\`: ${VERDICT[report.verdict]}`);
  out.push('');
  out.push(report.summary);
  out.push('');
  out.push(`${windowLine(report).replace(/^window/, 'Window:')}`);
  out.push('');
  if (report.criteria.length > 0)
    out.push(renderMarkdownTable(['criterion', 'observed', 'expected', 'status', 'reason'], rows(report.criteria)));
  out.push(renderMarkdownTable(['prerequisite', 'observed', 'expected', 'status', 'reason'], rows(report.prerequisites)));
  out.push('**Next**');
  out.push('');
  for (const step of report.next) out.push(`- ${step}`);
  out.push('');
  out.push(
    `<sub>${inputs.tool.name} ${inputs.tool.version}, manifest sha256 \`${inputs.manifest.sha256.slice(0, 12)}\`, evaluated ${inputs.evaluatedAt}</sub>`,
  );
  return `${out.join('\n')}\n`;
}
