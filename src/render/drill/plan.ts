import { durationText } from '../../time/duration.js';
import { plural } from '../../text/plural.js';
import { safeData } from '../safe-text.js';
import { probeTarget } from '../../drill/plan.js';
import type { DrillPlan, PlannedProbe, PlannedStep } from '../../drill/types.js';
import type { Style } from '../style.js';
import { mdCode, mdTextOf } from '../markdown.js';
import { renderMarkdownTable, renderTable } from '../table.js';
import { toJson } from '../format.js';

export interface PlanView {
  agent: string;
  manifest: string;
  plan: DrillPlan;
  restore: boolean;
  confirmManual: boolean;
}

const SHORT_INSTRUCTION = 60;

function what(step: PlannedStep, full: boolean): string {
  if (step.kind === 'manual') {
    const text = step.instruction ?? '';
    return !full && text.length > SHORT_INSTRUCTION ? `"${text.slice(0, SHORT_INSTRUCTION - 1)}…" (below)` : `"${text}"`;
  }
  const command = (step.command ?? []).join(' ');
  const env = Object.keys(step.env);
  return `${command}${step.shell ? ' (through a shell)' : ''}${env.length > 0 ? ` (env: ${env.join(', ')})` : ''}`;
}

function timeout(step: PlannedStep): string {
  if (step.kind === 'manual') return step.phase === 'rollback' ? 'counts against the window' : '-';
  return step.timeoutSource === 'manifest' ? durationText(step.timeoutMs) : `${durationText(step.timeoutMs)} (the window; no timeout set)`;
}

function attempts(probe: PlannedProbe): string {
  const each = `${durationText(probe.timeoutMs)} each`;
  return probe.retries === 0 ? `1 attempt, ${each}` : `${probe.retries + 1} attempts ${durationText(probe.intervalMs)} apart, ${each}`;
}

function stepRows(steps: readonly PlannedStep[], full = false): string[][] {
  return steps.map((step) => [String(step.index), step.id, step.kind, what(step, full), timeout(step)]);
}

function probeRows(probes: readonly PlannedProbe[]): string[][] {
  return probes.map((probe) => [String(probe.index), probe.id, probeTarget(probe), probe.expectText, attempts(probe)]);
}

function manualNote(view: PlanView): string {
  const manual = [...view.plan.steps, ...(view.restore ? view.plan.restore : [])].filter((s) => s.kind === 'manual').length;
  if (manual === 0) return '';
  return view.confirmManual
    ? `${plural(manual, 'manual step')} would be recorded as confirmed by --confirm-manual.\n`
    : `${plural(manual, 'manual step')} would wait for the operator to confirm at the terminal (or pass --confirm-manual).\n`;
}

/** `drill --dry-run` for a terminal: what would run, in order, with timeouts and the window. Pure. */
export function renderDrillPlanText(view: PlanView, style: Style): string {
  view = safeData(view);
  const { plan } = view;
  let out = `${style.bold(`Drill plan for ${view.agent}`)} (${view.manifest}): dry run, nothing is run and nothing is written.\n`;
  out += `Window: ${plan.window}, from the first step's start to the last probe passing.\n`;
  out += `Commands run in ${plan.cwd}, without a shell unless a step says "shell": true.\n`;
  out += `\nSteps, in order (the first failure stops the rest):\n`;
  out += renderTable(['#', 'step', 'kind', 'runs', 'timeout'], stepRows(plan.steps));
  out += `\nVerification (after the steps):\n`;
  out +=
    plan.probes.length > 0
      ? renderTable(['#', 'probe', 'checks', 'expect', 'attempts'], probeRows(plan.probes))
      : '  none: only the steps are timed\n';
  if (plan.restore.length === 0) out += `\nRestore: none declared.\n`;
  else if (!view.restore) out += `\nRestore: ${plural(plan.restore.length, 'step')}, skipped (--no-restore).\n`;
  else {
    out += `\nRestore (after the verdict, even after a failure or Ctrl-C):\n`;
    out += renderTable(['#', 'step', 'kind', 'runs', 'timeout'], stepRows(plan.restore));
  }
  const long = [...plan.steps, ...(view.restore ? plan.restore : [])].filter(
    (s) => s.kind === 'manual' && (s.instruction ?? '').length > SHORT_INSTRUCTION,
  );
  if (long.length > 0) {
    out += `\nManual instructions:\n`;
    for (const step of long) out += `  ${step.id}: ${step.instruction ?? ''}\n`;
  }
  const note = manualNote(view);
  return note ? `${out}\n${note}` : out;
}

export function renderDrillPlanMarkdown(view: PlanView): string {
  view = safeData(view);
  const { plan } = view;
  let md = `# Drill plan for ${mdCode(view.agent).markdown} (dry run)\n\nWindow **${mdTextOf(plan.window)}**, from the first step's start to the last probe passing.\n\n## Steps\n\n`;
  md += renderMarkdownTable(['#', 'step', 'kind', 'runs', 'timeout'], stepRows(plan.steps, true));
  md += `\n## Verification\n\n`;
  md += plan.probes.length > 0 ? renderMarkdownTable(['#', 'probe', 'checks', 'expect', 'attempts'], probeRows(plan.probes)) : 'None.\n';
  md += `\n## Restore${view.restore ? '' : ' (skipped: --no-restore)'}\n\n`;
  md +=
    plan.restore.length > 0
      ? renderMarkdownTable(['#', 'step', 'kind', 'runs', 'timeout'], stepRows(plan.restore, true))
      : 'None declared.\n';
  const note = manualNote(view);
  return note ? `${md}\n${note}` : md;
}

export function renderDrillPlanJson(view: PlanView): string {
  return toJson({
    dryRun: true,
    agent: view.agent,
    manifest: view.manifest,
    restore: view.restore,
    confirmManual: view.confirmManual,
    plan: view.plan,
  });
}
