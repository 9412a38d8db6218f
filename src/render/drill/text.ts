import { formatElapsed } from '../../time/duration.js';
import { plural } from '../../text/plural.js';
import { safeData } from '../safe-text.js';
import type { DrillReport, ProbeRecord, StepRecord } from '../../drill/types.js';
import type { Style } from '../style.js';
import { renderTable } from '../table.js';

/** How many lines of a failed step's output the text report shows (the report files hold it all). */
const OUTPUT_LINES = 12;

export function stepStatusText(step: StepRecord): string {
  return step.status;
}

/** What a step did, in one cell: the command, or the manual step's confirmation. */
export function stepDetail(step: StepRecord): string {
  if (step.kind === 'manual') {
    if (step.confirmation) {
      const note = step.confirmation.note ? `: "${step.confirmation.note}"` : '';
      return `confirmed by ${step.confirmation.by} (${step.confirmation.via === 'terminal' ? 'at the terminal' : '--confirm-manual'})${note}`;
    }
    return step.reason ?? '';
  }
  const command = (step.command ?? []).join(' ');
  return step.status === 'passed' ? command : `${command}: ${step.reason ?? step.status}`;
}

export function probeDetail(probe: ProbeRecord): string {
  const last = probe.attempts.at(-1);
  if (probe.passed) return `${last?.observed ?? ''} (${probe.target})`;
  return `${probe.reason ?? 'failed'} (${probe.target})`;
}

function colourStatus(status: string, style: Style): string {
  if (status === 'passed') return style.green(status);
  if (status === 'skipped' || status === 'none') return style.dim(status);
  return style.red(status);
}

function outputExcerpt(output: string | undefined): string {
  if (!output) return '';
  const lines = output.split('\n');
  const shown = lines.slice(-OUTPUT_LINES);
  const cut = lines.length - shown.length;
  return `${cut > 0 ? `      | … ${plural(cut, 'earlier line')} in the report files\n` : ''}${shown.map((l) => `      | ${l}`).join('\n')}\n`;
}

/** The credentials the drill left revoked (AR130), in one clause; undefined when there are none. */
export function stillRevokedText(report: DrillReport): string | undefined {
  const ids = report.restore.stillRevoked ?? [];
  if (ids.length === 0) return undefined;
  const names = ids.map((id) => `"${id}"`);
  const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  return ids.length === 1
    ? `credential ${list} is still revoked: no restore step issues it again (AR130)`
    : `credentials ${list} are still revoked: no restore step issues them again (AR130)`;
}

/** The verdict in one line: `PASSED in 2.3s of its 10m window (9m57s to spare)`. */
export function verdictLine(report: DrillReport): string {
  const verdict = report.interrupted ? 'INTERRUPTED' : report.passed ? 'PASSED' : 'FAILED';
  const margin = report.marginMs >= 0 ? `${formatElapsed(report.marginMs)} to spare` : `over by ${formatElapsed(-report.marginMs)}`;
  return `${verdict} in ${formatElapsed(report.elapsedMs)} of its ${report.window} window (${margin})`;
}

/** The drill report for a terminal. Pure. */
export function renderDrillText(report: DrillReport, style: Style): string {
  report = safeData(report);
  const out: string[] = [];
  const verdict = verdictLine(report);
  const coloured = report.passed ? style.green(verdict) : style.red(verdict);
  out.push(`${style.bold(`Rollback drill of ${report.agent}`)}: ${coloured}\n`);
  out.push(
    style.dim(
      `  ${report.manifest} (sha256 ${report.manifestSha256.slice(0, 12)}), rollback section ${report.rollbackSha256.slice(0, 12)}, ` +
        `${report.tool.name} ${report.tool.version}, run by ${report.actor.name} (${report.actor.source})\n`,
    ),
  );
  out.push('\nSteps\n');
  out.push(
    renderTable(
      ['#', 'step', 'kind', 'status', 'duration', 'window left', 'detail'],
      report.steps.map((step, i) => [
        String(i + 1),
        step.id,
        step.kind,
        colourStatus(step.status, style),
        step.status === 'skipped' ? '-' : formatElapsed(step.durationMs),
        step.windowLeftMs === undefined
          ? '-'
          : step.windowLeftMs >= 0
            ? formatElapsed(step.windowLeftMs)
            : style.red(formatElapsed(step.windowLeftMs)),
        stepDetail(step),
      ]),
    ),
  );
  if (report.probes.length > 0) {
    out.push('\nVerification\n');
    out.push(
      renderTable(
        ['probe', 'status', 'attempts', 'passed at', 'detail'],
        report.probes.map((probe) => [
          probe.id,
          colourStatus(probe.passed ? 'passed' : probe.interrupted ? 'interrupted' : 'failed', style),
          String(probe.attempts.length),
          probe.passedAtMs === undefined ? '-' : formatElapsed(probe.passedAtMs),
          probeDetail(probe),
        ]),
      ),
    );
  }
  const revoked = stillRevokedText(report);
  out.push(
    `\nRestore: ${colourStatus(report.restore.status, style)}${report.restore.reason ? ` (${report.restore.reason})` : ''}` +
      `${revoked ? `${report.restore.status === 'passed' ? ', but ' : '; '}${style.yellow(revoked)}` : ''}\n`,
  );
  if (report.restore.steps.length > 0) {
    out.push(
      renderTable(
        ['restore step', 'status', 'duration', 'detail'],
        report.restore.steps.map((step) => [step.id, colourStatus(step.status, style), formatElapsed(step.durationMs), stepDetail(step)]),
      ),
    );
  }
  const failed = [...report.steps, ...report.restore.steps].filter((s) => s.status !== 'passed' && s.status !== 'skipped' && s.output);
  const failedProbes = report.probes.filter((p) => !p.passed && p.attempts.at(-1)?.output);
  if (report.reasons.length > 0 || failed.length > 0 || failedProbes.length > 0) {
    out.push('\nWhy\n');
    for (const reason of report.reasons) out.push(`  ${style.red('✖')} ${reason}\n`);
    if (report.restore.status === 'failed') out.push(`  ${style.red('✖')} the restore failed: the drill environment was not put back\n`);
    for (const step of failed)
      out.push(`    output of ${step.phase === 'restore' ? 'restore step' : 'step'} "${step.id}":\n${outputExcerpt(step.output)}`);
    for (const probe of failedProbes)
      out.push(`    output of probe "${probe.id}" (last attempt):\n${outputExcerpt(probe.attempts.at(-1)?.output)}`);
  }
  out.push(`\nJournal: ${report.files.journal}\nReport:  ${report.files.report}, ${report.files.markdown}\n`);
  return out.join('');
}
