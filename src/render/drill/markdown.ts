import { formatElapsed } from '../../time/duration.js';
import type { DrillReport, StepRecord } from '../../drill/types.js';
import { renderMarkdownTable } from '../table.js';
import { probeDetail, stepDetail, verdictLine } from './text.js';

/** A fenced block that no backtick run inside the text can close early. */
function fenced(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}text\n${text}\n${fence}\n`;
}

function outputs(title: string, steps: readonly StepRecord[]): string {
  const withOutput = steps.filter((step) => step.output);
  if (withOutput.length === 0) return '';
  let md = `\n### ${title}\n`;
  for (const step of withOutput) {
    md += `\n<details${step.status === 'passed' ? '' : ' open'}><summary><code>${step.id}</code>: ${step.status}</summary>\n\n${fenced(step.output ?? '')}\n</details>\n`;
  }
  return md;
}

/** The drill report as markdown, for a pull request or the drills/ folder. Pure. */
export function renderDrillMarkdown(report: DrillReport): string {
  let md = `# Rollback drill of \`${report.agent}\`: ${report.passed ? '✅' : '❌'} ${verdictLine(report)}\n\n`;
  md += renderMarkdownTable(
    ['', ''],
    [
      ['drill', `\`${report.drillId}\``],
      ['manifest', `\`${report.manifest}\` (sha256 \`${report.manifestSha256}\`)`],
      ['rollback section', `sha256 \`${report.rollbackSha256}\``],
      ['started', report.startedAt],
      ['finished', report.finishedAt],
      ['run by', `${report.actor.name} (${report.actor.source})`],
      ['tool', `${report.tool.name} ${report.tool.version}`],
      [
        'options',
        `${report.options.confirmManual ? '--confirm-manual' : 'manual steps confirmed at the terminal'}; ${report.options.restore ? 'restore on' : '--no-restore'}`,
      ],
      ['journal', `\`${report.files.journal}\``],
    ],
  );
  if (report.reasons.length > 0 || report.restore.status === 'failed') {
    md += '\n## Why it did not pass\n\n';
    for (const reason of report.reasons) md += `- ${reason}\n`;
    if (report.restore.status === 'failed') md += '- the restore failed: the drill environment was not put back\n';
  }
  md += '\n## Steps\n\n';
  md += renderMarkdownTable(
    ['#', 'step', 'kind', 'status', 'duration', 'window left', 'detail'],
    report.steps.map((step, i) => [
      String(i + 1),
      `\`${step.id}\``,
      step.kind,
      step.status,
      step.status === 'skipped' ? '-' : formatElapsed(step.durationMs),
      step.windowLeftMs === undefined ? '-' : formatElapsed(step.windowLeftMs),
      stepDetail(step),
    ]),
  );
  if (report.probes.length > 0) {
    md += '\n## Verification\n\n';
    md += renderMarkdownTable(
      ['probe', 'status', 'attempts', 'passed at', 'expect', 'detail'],
      report.probes.map((probe) => [
        `\`${probe.id}\``,
        probe.passed ? 'passed' : probe.interrupted ? 'interrupted' : 'failed',
        String(probe.attempts.length),
        probe.passedAtMs === undefined ? '-' : formatElapsed(probe.passedAtMs),
        `\`${probe.expect}\``,
        probeDetail(probe),
      ]),
    );
  }
  md += `\n## Restore: ${report.restore.status}\n\n`;
  if (report.restore.reason) md += `${report.restore.reason}\n`;
  if (report.restore.steps.length > 0) {
    md += renderMarkdownTable(
      ['restore step', 'status', 'duration', 'detail'],
      report.restore.steps.map((step) => [`\`${step.id}\``, step.status, formatElapsed(step.durationMs), stepDetail(step)]),
    );
  }
  const probeSteps: StepRecord[] = report.probes
    .filter((probe) => probe.attempts.at(-1)?.output)
    .map((probe) => ({
      phase: 'rollback',
      id: probe.id,
      kind: 'run',
      status: probe.passed ? 'passed' : 'failed',
      durationMs: probe.durationMs,
      output: probe.attempts.at(-1)?.output ?? '',
    }));
  const all =
    outputs('Output of the steps', report.steps) +
    outputs('Output of the probes (last attempt)', probeSteps) +
    outputs('Output of the restore', report.restore.steps);
  if (all) md += `\n## Output\n${all}`;
  return md;
}
