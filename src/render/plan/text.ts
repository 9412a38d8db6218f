import type { Plan, StagePlan } from '../../plan/model.js';
import { renderBlastRadiusText } from '../inventory/blast-radius.js';
import type { Style } from '../style.js';
import {
  ALERT_ACTION_TEXT,
  blockedHeading,
  changeMark,
  blockerText,
  credentialText,
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
  time,
} from './parts.js';

const LABEL = 14;

function row(label: string, value: string): string {
  return `     ${label.padEnd(LABEL)} ${value}`;
}

function continuation(value: string): string {
  return `     ${''.padEnd(LABEL)} ${value}`;
}

function stageLines(stage: StagePlan, plan: Plan, style: Style): string[] {
  const marker = stage.position === 'passed' ? style.green('✔') : stage.position === 'current' ? style.cyan('●') : '○';
  const lines = [`${marker} ${stage.index + 1}. ${style.bold(stage.id)}  ${style.dim(positionText(stage, plan.state))}`];
  if (stage.description) lines.push(`     ${style.dim(stage.description)}`);
  lines.push(row('audience', stage.audience.text || 'not described'));
  if (stage.credentials.length === 0) lines.push(row('credentials', 'none'));
  const idWidth = Math.max(0, ...stage.credentials.map((c) => c.id.length));
  stage.credentials.forEach((credential, i) => {
    const mark = changeMark(credential);
    const sign = mark === '+' ? style.green('+') : mark === '-' ? style.red('-') : ' ';
    const plain = credentialText(credential, idWidth);
    const text = mark === '-' ? style.red(plain) : mark === '+' ? style.green(plain) : plain;
    lines.push(i === 0 ? row('credentials', `${sign} ${text}`) : continuation(`${sign} ${text}`));
  });
  if (stage.dataAccess) lines.push(row('data access', was(stage.dataAccess, plan.stages[stage.index - 1]?.dataAccess, stage.index)));
  const spend = spendText(stage);
  if (spend) lines.push(row('spend limit', stage.spendCheck && stage.spendCheck !== 'within' ? style.yellow(spend) : spend));
  lines.push(
    row(
      'governance',
      stage.governanceMode === 'observe'
        ? style.yellow(governanceText(stage, plan.stages[stage.index - 1]))
        : governanceText(stage, plan.stages[stage.index - 1]),
    ),
  );
  const minimum = minimumText(stage, plan.sampleSignal);
  if (minimum) lines.push(row('minimum', minimum));
  if (stage.exitCriteria.length === 0) lines.push(row('exit criteria', 'none'));
  const width = Math.max(0, ...stage.exitCriteria.map((c) => c.id.length));
  stage.exitCriteria.forEach((criterion, i) => {
    const text = `${criterion.id.padEnd(width)}  ${criterion.text}${criterion.observe ? style.dim(' (observe only: reported, does not decide)') : ''}`;
    lines.push(i === 0 ? row('exit criteria', text) : continuation(text));
  });
  return lines;
}

/** `plan` for a person, like `terraform plan`: findings, stages, guardrails, rollback, state, blast radius, what blocks the next step. */
export function renderPlanText(plan: Plan, style: Style): string {
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
  for (const [label, value] of guardrailRows(plan.guardrails)) out.push(`  ${label.padEnd(8)} ${value}`);
  out.push('');

  if (plan.rollback) {
    const { rollback } = plan;
    out.push(style.bold(`Rollback within ${rollback.window}`));
    const width = Math.max(...rollback.steps.map((s) => s.id.length));
    rollback.steps.forEach((step, i) => out.push(`  ${String(i + 1).padStart(2)}. ${step.id.padEnd(width)}  ${rollbackStepText(step)}`));
    out.push(`  verify   ${rollback.verify.length ? rollback.verify.map((p) => p.id).join(', ') : style.yellow('no probes')}`);
    if (rollback.restore.length) out.push(`  restore  ${rollback.restore.join(', ')}`);
    out.push(`  drill    ${rollback.lastDrill?.passed ? drillText(rollback) : style.yellow(drillText(rollback))}`);
  } else {
    out.push(`${style.bold('Rollback')} ${style.red('none declared')}`);
  }
  out.push('');

  if (plan.alerts.length > 0) {
    out.push(style.bold('Alerts'));
    const width = Math.max(...plan.alerts.map((a) => a.name.length));
    for (const alert of plan.alerts)
      out.push(`  ${alert.name.padEnd(width)}  ${alert.signal} ${alert.threshold}: ${ALERT_ACTION_TEXT[alert.action]}`);
    out.push('');
  }

  out.push(style.bold('Where it stands'));
  out.push(`  ${plan.state.enabled ? stateText(plan.state) : style.red(stateText(plan.state))}`);
  const orgs = orgsText(plan.state);
  if (orgs) out.push(`  orgs       ${orgs}`);
  if (plan.state.paused) {
    const { paused } = plan.state;
    out.push(`  ${style.red(`paused     since ${time(paused.at)}${paused.by ? ` by ${paused.by}` : ''}: ${paused.reason}`)}`);
  }
  out.push(`  last gate  ${lastGateText(plan.state)}`);
  out.push(`  inventory  ${plan.inventory.complete ? 'complete' : style.yellow(`${plan.inventory.gaps} gap(s)`)}`, '');

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
