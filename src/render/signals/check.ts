import type { SignalsCheck } from '../../gate/signals-check.js';
import { formatNumber } from '../../plan/criterion-text.js';
import { plural } from '../../text/plural.js';
import { formatElapsed, formatSpan } from '../../time/duration.js';
import { formatTime } from '../../time/timestamp.js';
import { TOOL_NAME, TOOL_VERSION } from '../../version.js';
import { toJson } from '../format.js';
import { safeData } from '../safe-text.js';
import type { Style } from '../style.js';
import { renderTable } from '../table.js';

function attributionText(probe: SignalsCheck['probes'][number], style: Style): string {
  const a = probe.attribution;
  if (!a) return style.dim('not declared');
  if (a.present === true) return style.green(`✔ ${a.label}`);
  if (a.present === false) return style.red(`✖ ${a.label}${a.detail ? ` (${a.detail})` : ''}`);
  return style.yellow(`? ${a.label}${a.detail ? ` (${a.detail})` : ''}`);
}

/** The one line that says how the check came out, and the exit it gives. */
export function signalsOutcomeText(check: Pick<SignalsCheck, 'outcome' | 'missing' | 'failed' | 'needed'>): string {
  switch (check.outcome) {
    case 'ok':
      return `every signal the next gate needs returned data (${plural(check.needed.length, 'signal')})`;
    case 'missing':
      return `no data for ${check.missing.join(', ')}, which the next gate needs: it would be inconclusive`;
    case 'failed':
      return `the source of ${check.failed.join(', ')} failed: the next gate would be an error`;
  }
}

/** `signals check` for a person: one row per signal, then why, then the outcome. */
export function renderSignalsCheckText(check: SignalsCheck, style: Style): string {
  check = safeData(check);
  const { window } = check;
  const needed = new Set(check.needed);
  const out = [
    style.bold(
      `Signals of ${check.agent} over ${formatSpan(window.endMs - window.startMs)} (${formatTime(window.startMs)} to ${formatTime(window.endMs)}, ${window.basis})`,
    ),
    style.dim(`  needed by the gates of ${check.stage}${check.next ? ` and ${check.next}` : ''} (marked *)`),
    '',
  ];
  if (check.probes.length === 0) out.push('No signals in metrics.signals.');
  else
    out.push(
      renderTable(
        ['signal', 'source', 'data', 'value', 'series', 'attribution', 'query time'],
        check.probes.map((p) => [
          `${needed.has(p.signal) ? '*' : ' '} ${p.signal}`,
          `${p.source} (${p.type})`,
          p.status === 'data' ? style.green('✔ yes') : p.status === 'no-data' ? style.yellow('✖ no') : style.red('✖ error'),
          p.value === undefined ? '-' : formatNumber(p.value),
          String(p.series),
          attributionText(p, style),
          formatElapsed(p.queryMs),
        ]),
      ),
    );
  const reasons = check.probes.filter((p) => p.reason !== undefined);
  for (const p of reasons) out.push(`  ${p.status === 'error' ? style.red('!') : style.yellow('!')} ${p.signal}: ${p.reason}`);
  if (reasons.length) out.push('');
  const unknown = check.needed.filter((name) => !check.probes.some((p) => p.signal === name));
  for (const name of unknown)
    out.push(`  ${style.yellow('!')} ${name}: a criterion or alert reads it, but metrics.signals does not define it`);
  if (unknown.length) out.push('');
  const line = signalsOutcomeText(check);
  out.push(check.outcome === 'ok' ? style.green(`✔ ${line}`) : style.red(`✖ ${line}`));
  return `${out.join('\n')}\n`;
}

/** `signals check --format json`. */
export function renderSignalsCheckJson(check: SignalsCheck): string {
  const { window, ...rest } = check;
  return toJson({
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    ...rest,
    window: { start: new Date(window.startMs).toISOString(), end: new Date(window.endMs).toISOString(), basis: window.basis },
  });
}
