import { join, dirname, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ExitCode, InputError, UsageError } from '../errors.js';
import { ProcessGroups } from '../drill/child-process.js';
import { containedPath, isManifestRelativeProgram } from '../drill/contained-path.js';
import { DrillJournal, drillFiles, newDrillId } from '../drill/journal.js';
import { manualSteps, planDrill, plannedCommands } from '../drill/plan.js';
import { resolveHeaders } from '../drill/probe.js';
import { redactDeep, secretValues } from '../drill/redact.js';
import { buildDrillReport, drillAuditDetails } from '../drill/report.js';
import type { DrillContext, ManualOutcome } from '../drill/runner.js';
import { runDrill } from '../drill/runner.js';
import type { DrillEvent, DrillPlan, DrillReport, PlannedStep } from '../drill/types.js';
import { writeFileAtomic } from '../manifest/write.js';
import type { Format } from '../render/format.js';
import { renderDrillJson } from '../render/drill/json.js';
import { renderDrillMarkdown } from '../render/drill/markdown.js';
import { renderDrillPlanJson, renderDrillPlanMarkdown, renderDrillPlanText } from '../render/drill/plan.js';
import type { PlanView } from '../render/drill/plan.js';
import { renderDrillText } from '../render/drill/text.js';
import { createStyle } from '../render/style.js';
import { resolveActor } from '../state/actor.js';
import { rollbackSha256 } from '../state/rollback-hash.js';
import { recordResult } from '../state/transaction.js';
import { notifySinks } from './notify-event.js';
import type { Io } from '../ui/io.js';
import { confirmManualStep } from '../ui/manual-step.js';
import { createDrillProgress } from '../ui/progress.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { openManifest } from './open-manifest.js';
import { checkedReason } from '../state/reason.js';

export const DRILL_FORMATS = ['text', 'json', 'markdown'] as const satisfies readonly Format[];
export type DrillFormat = (typeof DRILL_FORMATS)[number];

export interface DrillCommandOptions {
  manifest: string;
  format: DrillFormat;
  dryRun?: boolean;
  confirmManual?: boolean;
  /** false with --no-restore. */
  restore: boolean;
  actor?: string;
  reason?: string;
}

const TOOL = { name: TOOL_NAME, version: TOOL_VERSION };

/** Refuses a plan whose scripts resolve outside the manifest's folder, or whose probes lack a header's variable. */
async function checkPlan(plan: DrillPlan, folder: string, env: NodeJS.ProcessEnv, dryRun: boolean): Promise<void> {
  for (const command of plannedCommands(plan)) {
    const program = command.argv[0] ?? '';
    if (command.shell || !isManifestRelativeProgram(program)) continue;
    const contained = await containedPath(folder, program, `${command.where} runs`);
    if (!contained.ok)
      throw new InputError(
        contained.message,
        "keep the rollback scripts in the manifest's folder (e.g. ./scripts/), and no symbolic link out of it",
      );
  }
  if (dryRun) return;
  for (const probe of plan.probes) {
    const missing = probe.http ? resolveHeaders(probe.http.headers, env).missing : [];
    if (missing.length > 0) {
      throw new InputError(
        `probe "${probe.id}" sends a header from the environment variable ${missing.join(', ')}, which is not set`,
        `export ${missing[0]}=... before the drill`,
      );
    }
  }
}

/** The house rule: no prompt without a terminal, and the error names the flag that answers it. */
function refuseManualWithoutTerminal(steps: readonly PlannedStep[], actor: string | undefined): never {
  const names = steps.map((step) => `"${step.id}"`).join(', ');
  throw new UsageError(
    `the rollback has ${steps.length === 1 ? 'a manual step' : 'manual steps'} (${names}) and there is no terminal to confirm ${steps.length === 1 ? 'it' : 'them'} on; nothing was run`,
    `run the drill in a terminal, or pass --confirm-manual to record ${steps.length === 1 ? 'it' : 'them'} as confirmed${actor ? ` by ${actor}` : ''} without a prompt`,
  );
}

/** Handles Ctrl-C (and SIGTERM, as CI sends it) while a drill runs; returns the function to call on an interrupt and a disposer. */
function interruptHandling(onFirst: () => void, onSecond: () => never): { interrupt: () => void; dispose: () => void } {
  let count = 0;
  const interrupt = (): void => {
    count++;
    if (count === 1) onFirst();
    else onSecond();
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  return {
    interrupt,
    dispose: () => {
      process.off('SIGINT', interrupt);
      process.off('SIGTERM', interrupt);
    },
  };
}

/** `agent-rollout drill`. */
export async function drillCommand(options: DrillCommandOptions, io: Io): Promise<number> {
  const reason = checkedReason(options.reason);
  const manifestPath = resolve(io.cwd, options.manifest);
  const { manifest, loaded } = await openManifest(manifestPath);
  const rollback = manifest.rollback;
  if (!rollback) {
    throw new InputError(
      `${options.manifest} has no rollback section to drill`,
      'add "rollback" with a window, steps, verify probes and restore steps (docs/manifest.md)',
    );
  }
  const folder = dirname(manifestPath);
  const { plan, problems } = planDrill(rollback, folder);
  if (problems.length > 0) {
    throw new InputError(
      `${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`,
      `fix the rollback section of ${options.manifest}`,
    );
  }
  await checkPlan(plan, folder, io.env, options.dryRun === true);
  const manifestLabel = relative(io.cwd, manifestPath) || manifestPath;

  if (options.dryRun) {
    const view: PlanView = {
      agent: manifest.agent.id,
      manifest: manifestLabel,
      plan,
      restore: options.restore,
      confirmManual: options.confirmManual === true,
    };
    const secrets = secretValues(manifest, io.env);
    const safe = redactDeep(view, secrets);
    const renderers: Record<DrillFormat, () => string> = {
      text: () => renderDrillPlanText(safe, createStyle(io.color)),
      json: () => renderDrillPlanJson(safe),
      markdown: () => renderDrillPlanMarkdown(safe),
    };
    io.out(renderers[options.format]());
    return ExitCode.ok;
  }

  const manual = manualSteps(plan, options.restore);
  if (manual.length > 0 && !options.confirmManual && !io.stdinIsTTY)
    refuseManualWithoutTerminal(manual, options.actor ?? io.env['AGENT_ROLLOUT_ACTOR']);

  const actor = await resolveActor({ ...(options.actor ? { flag: options.actor } : {}), env: io.env, cwd: folder });
  const secrets = secretValues(manifest, io.env);
  const rollbackHash = rollbackSha256(manifest) as string;
  const startedAt = new Date();
  const files = drillFiles(newDrillId(startedAt));
  let journal: DrillJournal;
  try {
    journal = DrillJournal.create(folder, files, () => performance.now());
  } catch (error) {
    throw new InputError(
      `cannot create the drill journal ${join(folder, files.journal)}: ${(error as Error).message}`,
      'the drill records beside the manifest, in drills/: make that folder writable',
    );
  }
  const progress = createDrillProgress(io, plan.windowMs);
  const controller = new AbortController();
  const groups = new ProcessGroups();
  const record = (event: DrillEvent): void => progress.show(journal.append(redactDeep(event, secrets)));

  const { interrupt, dispose } = interruptHandling(
    () => controller.abort(),
    () => {
      // A second Ctrl-C means "stop now": kill what runs, close the journal with a last line, and
      // exit without waiting for the restore or the report. Every journal line is already on disk.
      groups.killAll();
      progress.stop();
      journal.append({ event: 'aborted', reason: 'a second Ctrl-C: exited at once; the restore was cut short and no report was written' });
      journal.close();
      io.err(`\nExited at once (second Ctrl-C). The journal is ${join(folder, files.journal)}; the restore did not finish.\n`);
      // eslint-disable-next-line no-restricted-syntax -- the one place an immediate exit is the point (docs/drill.md, "Ctrl-C")
      process.exit(ExitCode.interrupted);
    },
  );

  const confirmManual = async (step: PlannedStep, signal: AbortSignal): Promise<ManualOutcome> => {
    if (options.confirmManual)
      return { kind: 'confirmed', confirmation: { by: actor.name, at: new Date().toISOString(), via: '--confirm-manual' } };
    if (!io.stdinIsTTY) return { kind: 'declined', reason: 'no terminal to confirm on (pass --confirm-manual)' };
    progress.pause();
    return confirmManualStep(io, {
      step,
      actor: actor.name,
      signal,
      ...(step.phase === 'rollback' ? { windowLeftMs: plan.windowMs - journal.elapsed() } : {}),
      onCtrlC: interrupt,
    });
  };

  let report: DrillReport;
  try {
    record({
      event: 'drill-started',
      drillId: files.id,
      manifest: manifestLabel,
      manifestSha256: loaded.sha256,
      rollbackSha256: rollbackHash,
      tool: TOOL,
      actor: { name: actor.name, source: actor.source },
      window: plan.window,
      windowMs: plan.windowMs,
      options: { confirmManual: options.confirmManual === true, restore: options.restore },
      steps: plan.steps.map((s) => s.id),
      probes: plan.probes.map((p) => p.id),
      restore: plan.restore.map((s) => s.id),
    });
    const context: DrillContext = {
      plan,
      env: io.env,
      secrets,
      signal: controller.signal,
      groups,
      restore: options.restore,
      elapsed: () => journal.elapsed(),
      record,
      confirmManual,
    };
    const outcome = await runDrill(context);
    report = redactDeep(
      buildDrillReport(
        {
          files,
          agent: manifest.agent.id,
          manifest: manifestLabel,
          manifestSha256: loaded.sha256,
          rollbackSha256: rollbackHash,
          tool: TOOL,
          actor: { name: actor.name, source: actor.source },
          startedAt: startedAt.toISOString(),
          finishedAt: new Date().toISOString(),
          window: plan.window,
          windowMs: plan.windowMs,
          options: { confirmManual: options.confirmManual === true, restore: options.restore },
        },
        outcome,
      ),
      secrets,
    );
    await writeFileAtomic(join(folder, files.report), renderDrillJson(report));
    await writeFileAtomic(join(folder, files.markdown), renderDrillMarkdown(report));
    await recordResult(manifestPath, {
      at: report.finishedAt,
      actor: actor.name,
      action: 'drill',
      reason: reason ?? null,
      details: drillAuditDetails(report),
      tool: TOOL,
    });
    record({
      event: 'drill-finished',
      passed: report.passed,
      interrupted: report.interrupted,
      restore: report.restore.status,
      report: files.report,
    });
  } catch (error) {
    groups.killAll();
    const message = error instanceof Error ? error.message : String(error);
    journal.append(redactDeep({ event: 'aborted', reason: `the drill stopped on an error: ${message}` }, secrets));
    throw error;
  } finally {
    dispose();
    progress.stop();
    journal.close();
  }

  const renderers: Record<DrillFormat, () => string> = {
    text: () => renderDrillText(report, createStyle(io.color)),
    json: () => renderDrillJson(report),
    markdown: () => renderDrillMarkdown(report),
  };
  io.out(renderers[options.format]());
  if (!report.passed) {
    await notifySinks(
      manifest,
      {
        events: ['drill'],
        agent: manifest.agent.id,
        manifest: manifestPath,
        at: report.finishedAt,
        actor: actor.name,
        summary: `the rollback drill failed${report.interrupted ? ' (interrupted)' : ''}: report ${files.report}`,
        reason: reason ?? null,
      },
      io,
    );
  }
  if (controller.signal.aborted) return ExitCode.interrupted;
  return report.passed && report.restore.status !== 'failed' ? ExitCode.ok : ExitCode.findings;
}
