import type { Plan, StagePlan } from '../../plan/types.js';
import { safeData } from '../safe-text.js';
import { renderBlastRadiusText } from '../inventory/blast-radius.js';
import type { Style } from '../style.js';
import { tableLines } from '../table.js';
import { plural } from '../../text/plural.js';
import {
  ALERT_ACTION_TEXT,
  blockedHeading,
  changeMark,
  blockerText,
  coverageRows,
  coverageSummary,
  credentialCells,
  drillText,
  findingsSummary,
  governanceText,
  guardrailRows,
  lastGateText,
  minimumText,
  orgsText,
  positionText,
  rollbackStepText,
  spendText,
  was,
  stateText,
} from './parts.js';
import { formatTime } from '../../time/timestamp.js';
import { lastSignalsCheckText } from '../signals/last-check.js';

/** The width of a stage's label column, the same in every stage. */
const LABEL = 14;

function stageLines(stage: StagePlan, plan: Plan, style: Style): string[] {
  const marker = stage.position === 'passed' ? style.green('✔') : stage.position === 'current' ? style.cyan('●') : '○';
  const lines = [`${marker} ${stage.index + 1}. ${style.bold(stage.id)}  ${style.dim(positionText(stage, plan.state))}`];
  if (stage.description) lines.push(`     ${style.dim(stage.description)}`);
  const rows: [string, string][] = [];
  const row = (label: string, value: string): void => void rows.push([label, value]);
  /** A block of aligned lines under one label. */
  const block = (label: string, values: readonly string[]): void => values.forEach((value, i) => row(i === 0 ? label : '', value));
  row('audience', stage.audience.text || 'not described');
  if (stage.credentials.length === 0) row('credentials', 'none');
  const credentialRows = stage.credentials.map((credential) => {
    const mark = changeMark(credential);
    const paint = (text: string): string => (mark === '-' ? style.red(text) : mark === '+' ? style.green(text) : text);
    const [id, rest] = credentialCells(credential);
    return [`${mark === '+' ? style.green('+') : mark === '-' ? style.red('-') : ' '} ${paint(id)}`, paint(rest)];
  });
  block('credentials', tableLines(credentialRows));
  if (stage.dataAccess) row('data access', was(stage.dataAccess, plan.stages[stage.index - 1]?.dataAccess, stage.index));
  const spend = spendText(stage);
  if (spend) row('spend limit', stage.spendCheck && stage.spendCheck !== 'within' ? style.yellow(spend) : spend);
  row(
    'governance',
    stage.governanceMode === 'observe'
      ? style.yellow(governanceText(stage, plan.stages[stage.index - 1]))
      : governanceText(stage, plan.stages[stage.index - 1]),
  );
  const minimum = minimumText(stage, plan.sampleSignal);
  if (minimum) row('minimum', minimum);
  if (stage.exitCriteria.length === 0) row('exit criteria', 'none');
  block(
    'exit criteria',
    tableLines(
      stage.exitCriteria.map((criterion) => [
        criterion.id,
        `${criterion.text}${criterion.observe ? style.dim(' (observe only: reported, does not decide)') : ''}`,
      ]),
    ),
  );
  return [...lines, ...tableLines(rows, { indent: '     ', gap: 1, minWidths: [LABEL] })];
}

/** `plan` for a person, like `terraform plan`: findings, stages, guardrails, rollback, state, blast radius, what blocks the next step. */
export function renderPlanText(plan: Plan, style: Style): string {
  plan = safeData(plan);
  const { agent } = plan;
  const out: string[] = [];
  out.push(`${style.bold(`Plan for ${agent.id}`)}: ${agent.name}`);
  const about = [
    `owner ${agent.owner}${agent.contact ? ` (${agent.contact})` : ''}`,
    agent.model ? `model ${agent.model}` : '',
    plan.manifest,
  ].filter(Boolean);
  out.push(style.dim(`  ${about.join(' · ')}`), '');

  const findings = findingsSummary(plan);
  out.push(
    `${style.bold('Validation:')} ${plan.findings.errors > 0 ? style.red(`✖ ${findings}`) : plan.findings.warnings > 0 ? style.yellow(`⚠ ${findings}`) : style.green(`✔ ${findings}`)}`,
  );
  for (const d of plan.findings.diagnostics) {
    const severity = d.severity === 'error' ? style.red('error') : style.yellow('warning');
    out.push(`  ${plan.manifest}:${d.line}:${d.column} ${severity} ${style.dim(d.rule)} ${d.message}`);
  }
  out.push('');

  out.push(style.bold(`Stages (${plan.stages.length})`));
  for (const stage of plan.stages) out.push(...stageLines(stage, plan, style), '');

  out.push(style.bold('Guardrails'));
  out.push(...tableLines(guardrailRows(plan.guardrails), { indent: '  ', gap: 1, minWidths: [8] }));
  out.push('');

  if (plan.rollback) {
    const { rollback } = plan;
    out.push(style.bold(`Rollback within ${rollback.window}`));
    const steps = rollback.steps.map((step, i) => [`${i + 1 < 10 ? ' ' : ''}${i + 1}. ${step.id}`, rollbackStepText(step)]);
    out.push(...tableLines(steps, { indent: '  ' }));
    const facts: [string, string][] = [
      ['verify', rollback.verify.length ? rollback.verify.map((p) => p.id).join(', ') : style.yellow('no probes')],
    ];
    if (rollback.restore.length) facts.push(['restore', rollback.restore.join(', ')]);
    facts.push(['drill', rollback.lastDrill?.passed ? drillText(rollback) : style.yellow(drillText(rollback))]);
    out.push(...tableLines(facts, { indent: '  ', minWidths: [7] }));
  } else {
    out.push(`${style.bold('Rollback')} ${style.red('none declared')}`);
  }
  out.push('');

  if (plan.alerts.length > 0) {
    out.push(style.bold('Alerts'));
    out.push(
      ...tableLines(
        plan.alerts.map((alert) => [alert.name, `${alert.signal} ${alert.threshold}: ${ALERT_ACTION_TEXT[alert.action]}`]),
        { indent: '  ' },
      ),
    );
    out.push('');
  }

  out.push(`${style.bold('Signals')} ${style.dim(coverageSummary(plan.signalCoverage))}`);
  out.push(
    ...tableLines(
      coverageRows(plan.signalCoverage).map((row) => [
        `${row.ok ? style.green('✔') : row.required ? style.red('✖') : style.yellow('○')} ${row.measure}`,
        row.text,
      ]),
      { indent: '  ' },
    ),
    '',
  );

  out.push(style.bold('Where it stands'));
  out.push(`  ${plan.state.enabled ? stateText(plan.state) : style.red(stateText(plan.state))}`);
  const standing: [string, string][] = [];
  const orgs = orgsText(plan.state);
  if (orgs) standing.push(['orgs', orgs]);
  if (plan.state.paused) {
    const { paused } = plan.state;
    standing.push([
      style.red('paused'),
      style.red(`since ${formatTime(paused.at)}${paused.by ? ` by ${paused.by}` : ''}: ${paused.reason}`),
    ]);
  }
  standing.push(['last gate', lastGateText(plan.state)]);
  if (plan.state.lastSignalsCheck) standing.push(['signals check', lastSignalsCheckText(plan.state.lastSignalsCheck)]);
  standing.push(['inventory', plan.inventory.complete ? 'complete' : style.yellow(plural(plan.inventory.gaps, 'gap'))]);
  out.push(...tableLines(standing, { indent: '  ' }), '');

  out.push(style.bold('Blast radius'));
  out.push(...renderBlastRadiusText(plan.blastRadius, style), '');

  const heading = blockedHeading(plan);
  out.push(plan.blockedBy.length ? style.bold(style.red(heading)) : style.bold(style.green(heading)));
  for (const blocker of plan.blockedBy) {
    out.push(`  ${style.red('✖')} ${blockerText(blocker)}`);
    out.push(`      ${style.cyan('→')} ${blocker.hint}`);
  }
  return `${out.join('\n')}\n`;
}
