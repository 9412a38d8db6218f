import type { Plan, StagePlan } from '../../plan/types.js';
import { safeData } from '../safe-text.js';
import { renderBlastRadiusMarkdown } from '../inventory/blast-radius.js';
import { mdCode, mdFence, mdProse, mdText } from '../markdown.js';
import { renderMarkdownTable, tableLines } from '../table.js';
import { formatTime } from '../../time/timestamp.js';
import { lastSignalsCheckText } from '../signals/last-check.js';
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

function code(text: string): string {
  return mdCode(text).markdown;
}

function text(value: string): string {
  return mdText(value).markdown;
}

function stageSection(stage: StagePlan, plan: Plan): string[] {
  const out = [`#### ${stage.index + 1}. ${code(stage.id)} (${text(positionText(stage, plan.state))})`, ''];
  if (stage.description) out.push(`> ${text(stage.description)}`, '');
  const rows: [string, string][] = [['audience', stage.audience.text || 'not described']];
  if (stage.dataAccess) rows.push(['data access', was(stage.dataAccess, plan.stages[stage.index - 1]?.dataAccess, stage.index)]);
  const spend = spendText(stage);
  if (spend) rows.push(['spend limit', spend]);
  rows.push(['governance', governanceText(stage, plan.stages[stage.index - 1])]);
  const minimum = minimumText(stage, plan.sampleSignal);
  if (minimum) rows.push(['minimum', minimum]);
  out.push(renderMarkdownTable(['', ''], rows));
  out.push('Credentials (`+` added, `-` dropped since the stage before):', '');
  const lines = tableLines(
    stage.credentials.map((credential) => [`${changeMark(credential)} ${credentialCells(credential)[0]}`, credentialCells(credential)[1]]),
  );
  out.push(mdFence(lines.length === 0 ? '  (none)' : lines.join('\n'), 'diff').markdown, '');
  if (stage.exitCriteria.length) {
    out.push('Exit criteria:', '');
    for (const c of stage.exitCriteria)
      out.push(`- ${code(c.id)}: ${mdProse(c.text).markdown}${c.observe ? ' _(observe only: reported, does not decide)_' : ''}`);
  } else {
    out.push('Exit criteria: none');
  }
  out.push('');
  return out;
}

/** `plan --format markdown`: for a pull request or a wiki page. */
export function renderPlanMarkdown(plan: Plan): string {
  plan = safeData(plan);
  const { agent } = plan;
  const out: string[] = [`## Rollout plan: ${code(agent.id)} (${text(agent.name)})`, ''];
  const about = [
    `Owner **${text(agent.owner)}**${agent.contact ? ` (${text(agent.contact)})` : ''}`,
    agent.model ? `model ${code(agent.model)}` : '',
    code(plan.manifest),
  ];
  out.push(about.filter(Boolean).join(' · '), '');
  out.push(
    `**Validation:** ${plan.findings.errors > 0 ? '❌' : plan.findings.warnings > 0 ? '⚠️' : '✅'} ${text(findingsSummary(plan))}`,
    '',
  );
  for (const d of plan.findings.diagnostics) out.push(`- ${d.severity} ${code(d.rule)} line ${d.line}: ${mdProse(d.message).markdown}`);
  if (plan.findings.diagnostics.length) out.push('');
  out.push(`**Where it stands:** ${mdProse(stateText(plan.state)).markdown}`, '');
  const orgs = orgsText(plan.state);
  if (orgs) out.push(`**Orgs:** ${mdProse(orgs).markdown}`, '');
  if (plan.state.paused) out.push(`**Paused** since ${text(formatTime(plan.state.paused.at))}: ${text(plan.state.paused.reason)}`, '');
  out.push(`**Last gate:** ${mdProse(lastGateText(plan.state)).markdown}`, '');
  if (plan.state.lastSignalsCheck)
    out.push(`**Last signals check:** ${mdProse(lastSignalsCheckText(plan.state.lastSignalsCheck)).markdown}`, '');

  out.push(`### ${plan.blockedBy.length ? '❌' : '✅'} ${mdProse(blockedHeading(plan)).markdown}`, '');
  for (const blocker of plan.blockedBy) out.push(`- ${mdProse(blockerText(blocker)).markdown}: ${code(blocker.hint)}`);
  if (plan.blockedBy.length) out.push('');

  out.push(`### Stages`, '');
  for (const stage of plan.stages) out.push(...stageSection(stage, plan));

  out.push('### Guardrails', '', renderMarkdownTable(['', ''], guardrailRows(plan.guardrails)));

  if (plan.rollback) {
    const { rollback } = plan;
    out.push(`### Rollback within ${text(rollback.window)}`, '');
    rollback.steps.forEach((step, i) => out.push(`${i + 1}. ${code(step.id)}: ${mdProse(rollbackStepText(step)).markdown}`));
    out.push('');
    out.push(`Verify: ${rollback.verify.length ? rollback.verify.map((p) => code(p.id)).join(', ') : 'no probes'}`, '');
    if (rollback.restore.length) out.push(`Restore: ${rollback.restore.map(code).join(', ')}`, '');
    out.push(`Drill: ${mdProse(drillText(rollback)).markdown}`, '');
  } else {
    out.push('### Rollback', '', 'None declared.', '');
  }

  if (plan.alerts.length > 0) {
    out.push(
      '### Alerts',
      '',
      renderMarkdownTable(
        ['alert', 'signal', 'fires when', 'then'],
        plan.alerts.map((a) => [mdCode(a.name), mdCode(a.signal), a.threshold, ALERT_ACTION_TEXT[a.action]]),
      ),
    );
  }

  out.push(
    `### Signals: ${text(coverageSummary(plan.signalCoverage))}`,
    '',
    renderMarkdownTable(
      ['', 'category', 'signal'],
      coverageRows(plan.signalCoverage).map((row) => [row.ok ? '✅' : row.required ? '❌' : '➖', row.measure, row.text]),
    ),
  );

  out.push('### Blast radius', '', renderBlastRadiusMarkdown(plan.blastRadius));
  return out.join('\n');
}
