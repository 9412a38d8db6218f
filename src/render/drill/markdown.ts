import { formatElapsed } from '../../time/duration.js';
import { formatTime } from '../../time/timestamp.js';
import { safeData } from '../safe-text.js';
import type { DrillReport, StepRecord } from '../../drill/types.js';
import { md, mdCode, mdFence, mdHtml, mdProse, mdText } from '../markdown.js';
import { renderMarkdownTable } from '../table.js';
import { probeDetail, stepDetail, stillRevokedText, verdictLine } from './text.js';

function outputs(title: string, steps: readonly StepRecord[]): string {
  const withOutput = steps.filter((step) => step.output);
  if (withOutput.length === 0) return '';
  let out = `\n### ${title}\n`;
  for (const step of withOutput) {
    out += `\n<details${step.status === 'passed' ? '' : ' open'}><summary><code>${mdHtml(step.id).markdown}</code>: ${mdHtml(step.status).markdown}</summary>\n\n${mdFence(step.output ?? '').markdown}\n\n</details>\n`;
  }
  return out;
}

/** The drill report as markdown, for a pull request or the drills/ folder. Pure. */
export function renderDrillMarkdown(report: DrillReport): string {
  report = safeData(report);
  let out = `# Rollback drill of ${mdCode(report.agent).markdown}: ${report.passed ? '✅' : '❌'} ${mdText(verdictLine(report)).markdown}\n\n`;
  out += renderMarkdownTable(
    ['', ''],
    [
      ['drill', mdCode(report.drillId)],
      ['manifest', md`${mdCode(report.manifest)} (sha256 ${mdCode(report.manifestSha256)})`],
      ['rollback section', md`sha256 ${mdCode(report.rollbackSha256)}`],
      ['started', formatTime(report.startedAt)],
      ['finished', formatTime(report.finishedAt)],
      ['run by', `${report.actor.name} (${report.actor.source})`],
      ['tool', `${report.tool.name} ${report.tool.version}`],
      [
        'options',
        `${report.options.confirmManual ? '--confirm-manual' : 'manual steps confirmed at the terminal'}; ${report.options.restore ? 'restore on' : '--no-restore'}`,
      ],
      ['journal', mdCode(report.files.journal)],
    ],
  );
  if (report.reasons.length > 0 || report.restore.status === 'failed') {
    out += '\n## Why it did not pass\n\n';
    for (const reason of report.reasons) out += `- ${mdProse(reason).markdown}\n`;
    if (report.restore.status === 'failed') out += '- the restore failed: the drill environment was not put back\n';
  }
  out += '\n## Steps\n\n';
  out += renderMarkdownTable(
    ['#', 'step', 'kind', 'status', 'duration', 'window left', 'detail'],
    report.steps.map((step, i) => [
      String(i + 1),
      mdCode(step.id),
      step.kind,
      step.status,
      step.status === 'skipped' ? '-' : formatElapsed(step.durationMs),
      step.windowLeftMs === undefined ? '-' : formatElapsed(step.windowLeftMs),
      stepDetail(step),
    ]),
  );
  if (report.probes.length > 0) {
    out += '\n## Verification\n\n';
    out += renderMarkdownTable(
      ['probe', 'status', 'attempts', 'passed at', 'expect', 'detail'],
      report.probes.map((probe) => [
        mdCode(probe.id),
        probe.passed ? 'passed' : probe.interrupted ? 'interrupted' : 'failed',
        String(probe.attempts.length),
        probe.passedAtMs === undefined ? '-' : formatElapsed(probe.passedAtMs),
        mdCode(probe.expect),
        probeDetail(probe),
      ]),
    );
  }
  out += `\n## Restore: ${mdText(report.restore.status).markdown}\n\n`;
  if (report.restore.reason) out += `${mdProse(report.restore.reason).markdown}\n`;
  const revoked = stillRevokedText(report);
  if (revoked) out += `${report.restore.reason ? '\n' : ''}⚠ ${mdProse(revoked).markdown}\n\n`;
  if (report.restore.steps.length > 0) {
    out += renderMarkdownTable(
      ['restore step', 'status', 'duration', 'detail'],
      report.restore.steps.map((step) => [mdCode(step.id), step.status, formatElapsed(step.durationMs), stepDetail(step)]),
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
  if (all) out += `\n## Output\n${all}`;
  return out;
}
