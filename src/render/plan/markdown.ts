import type { Plan, StagePlan } from '../../plan/model.js';
import { renderBlastRadiusMarkdown } from '../inventory/blast-radius.js';
import { markdownCell, renderMarkdownTable } from '../table.js';
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
} from './parts.js';

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

function stageSection(stage: StagePlan, plan: Plan): string[] {
  const out = [`#### ${stage.index + 1}. ${code(stage.id)} (${positionText(stage, plan.state)})`, ''];
  if (stage.description) out.push(`> ${markdownCell(stage.description)}`, '');
  const rows: [string, string][] = [['audience', stage.audience.text || 'not described']];
  if (stage.dataAccess) rows.push(['data access', was(stage.dataAccess, plan.stages[stage.index - 1]?.dataAccess, stage.index)]);
  const spend = spendText(stage);
  if (spend) rows.push(['spend limit', spend]);
  rows.push(['governance', governanceText(stage, plan.stages[stage.index - 1])]);
  const minimum = minimumText(stage, plan.sampleSignal);
  if (minimum) rows.push(['minimum', minimum]);
  out.push(renderMarkdownTable(['', ''], rows));
  out.push('Credentials (`+` added, `-` dropped since the stage before):', '', '```diff');
  if (stage.credentials.length === 0) out.push('  (none)');
  const idWidth = Math.max(0, ...stage.credentials.map((c) => c.id.length));
  for (const credential of stage.credentials) out.push(`${changeMark(credential)} ${credentialText(credential, idWidth)}`);
  out.push('```', '');
  if (stage.exitCriteria.length) {
    out.push('Exit criteria:', '');
    for (const c of stage.exitCriteria)
      out.push(`- ${code(c.id)}: ${markdownCell(c.text)}${c.observe ? ' _(observe only: reported, does not decide)_' : ''}`);
  } else {
    out.push('Exit criteria: none');
  }
  out.push('');
  return out;
}

/** `plan --format markdown`: for a pull request or a wiki page. */
export function renderPlanMarkdown(plan: Plan): string {
  const { agent } = plan;
  const out: string[] = [`## Rollout plan: ${code(agent.id)} (${markdownCell(agent.name)})`, ''];
  const about = [
    `Owner **${markdownCell(agent.owner)}**${agent.contact ? ` (${markdownCell(agent.contact)})` : ''}`,
    agent.model ? `model ${code(agent.model)}` : '',
    code(plan.manifest),
  ];
  out.push(about.filter(Boolean).join(' · '), '');
  out.push(`**Validation:** ${plan.findings.errors > 0 ? '❌' : plan.findings.warnings > 0 ? '⚠️' : '✅'} ${findingsSummary(plan)}`, '');
  for (const d of plan.findings.diagnostics) out.push(`- ${d.severity} ${code(d.rule)} line ${d.line}: ${markdownCell(d.message)}`);
  if (plan.findings.diagnostics.length) out.push('');
  out.push(`**Where it stands:** ${stateText(plan.state)}`, '');
  const orgs = orgsText(plan.state);
  if (orgs) out.push(`**Orgs:** ${orgs}`, '');
  if (plan.state.paused) out.push(`**Paused** since ${plan.state.paused.at}: ${markdownCell(plan.state.paused.reason)}`, '');
  out.push(`**Last gate:** ${lastGateText(plan.state)}`, '');

  out.push(`### ${plan.blockedBy.length ? '❌' : '✅'} ${blockedHeading(plan)}`, '');
  for (const blocker of plan.blockedBy) out.push(`- ${markdownCell(blockerText(blocker))}: ${code(blocker.hint)}`);
  if (plan.blockedBy.length) out.push('');

  out.push(`### Stages`, '');
  for (const stage of plan.stages) out.push(...stageSection(stage, plan));

  out.push('### Guardrails', '', renderMarkdownTable(['', ''], guardrailRows(plan.guardrails)));

  if (plan.rollback) {
    const { rollback } = plan;
    out.push(`### Rollback within ${rollback.window}`, '');
    rollback.steps.forEach((step, i) => out.push(`${i + 1}. ${code(step.id)}: ${markdownCell(rollbackStepText(step))}`));
    out.push('');
    out.push(`Verify: ${rollback.verify.length ? rollback.verify.map((p) => code(p.id)).join(', ') : 'no probes'}`, '');
    if (rollback.restore.length) out.push(`Restore: ${rollback.restore.map(code).join(', ')}`, '');
    out.push(`Drill: ${drillText(rollback)}`, '');
  } else {
    out.push('### Rollback', '', 'None declared.', '');
  }

  if (plan.alerts.length > 0) {
    out.push(
      '### Alerts',
      '',
      renderMarkdownTable(
        ['alert', 'signal', 'fires when', 'then'],
        plan.alerts.map((a) => [code(a.name), code(a.signal), markdownCell(a.threshold), ALERT_ACTION_TEXT[a.action]]),
      ),
    );
  }

  out.push('### Blast radius', '', renderBlastRadiusMarkdown(plan.blastRadius));
  return out.join('\n');
}
