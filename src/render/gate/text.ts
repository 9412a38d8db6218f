import { safeData } from '../safe-text.js';
import type { CheckResult, GateReport, Verdict } from '../../gate/types.js';
import { windowBasisText } from '../../gate/window.js';
import { formatSpan } from '../../time/duration.js';
import { formatTime } from '../../time/timestamp.js';
import type { Style } from '../style.js';
import { renderTable } from '../table.js';

/** The colour of a status or verdict. */
export function paintStatus(style: Style, status: string): string {
  switch (status) {
    case 'pass':
    case 'go':
      return style.green(status);
    case 'fail':
    case 'no-go':
      return style.red(status);
    case 'inconclusive':
      return style.yellow(status);
    case 'error':
      return style.magenta(status);
    default:
      return style.dim(status);
  }
}

function rows(checks: readonly CheckResult[], style: Style): string[][] {
  return checks.map((c) => [c.id, c.observedText, c.expected, paintStatus(style, c.status), c.reason]);
}

const VERDICT_WORD: Record<Verdict, string> = { go: 'GO', 'no-go': 'NO-GO', inconclusive: 'INCONCLUSIVE', error: 'ERROR' };

/** The header line: which stage, which window. */
export function windowLine(report: GateReport): string {
  const { window } = report;
  return `window ${formatTime(window.startMs)} to ${formatTime(window.endMs)} (${formatSpan(window.endMs - window.startMs)}, ${windowBasisText(window)})`;
}

/** `gate` for a person: the criteria table, the prerequisites table, the verdict and what to do next. */
export function renderGateText(report: GateReport, options: { style: Style; agent: string }): string {
  report = safeData(report);
  options = safeData(options);
  const { style } = options;
  const out: string[] = [];
  out.push(`${style.bold(`Gate for stage ${report.stage}`)} of ${options.agent}, ${windowLine(report)}`);
  out.push('');
  if (report.criteria.length > 0)
    out.push(renderTable(['criterion', 'observed', 'expected', 'status', 'reason'], rows(report.criteria, style)));
  else out.push('(the stage has no exit criteria)\n');
  out.push(renderTable(['prerequisite', 'observed', 'expected', 'status', 'reason'], rows(report.prerequisites, style)));
  const verdict = report.verdict;
  const word = VERDICT_WORD[verdict];
  const painted =
    verdict === 'go'
      ? style.green.bold(word)
      : verdict === 'no-go'
        ? style.red.bold(word)
        : verdict === 'inconclusive'
          ? style.yellow.bold(word)
          : style.magenta.bold(word);
  out.push(`Verdict: ${painted}  ${report.summary.replace(/^[a-z-]+: /, '')}`);
  out.push('');
  out.push('Next:');
  for (const step of report.next) out.push(`  - ${step}`);
  return `${out.join('\n')}\n`;
}
