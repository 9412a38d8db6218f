import { join, dirname, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CliError, ExitCode, InputError, UsageError } from '../errors.js';
import { ProcessGroups } from '../process/child-process.js';
import { containedPath, isManifestRelativeProgram } from '../drill/contained-path.js';
import { DRILLS_DIR, DrillJournal, drillFiles, newDrillId } from '../drill/journal.js';
import { manualSteps, planDrill, plannedCommands } from '../drill/plan.js';
import { resolveHeaders } from '../drill/probe.js';
import { redactDeep, secretValues } from '../drill/redact.js';
import { createRedactor } from '../manifest/redactor.js';
import { buildDrillReport, drillAuditDetails } from '../drill/report.js';
import type { DrillContext, ManualOutcome } from '../drill/runner.js';
import { runDrill } from '../drill/runner.js';
import type { DrillEvent, DrillPlan, DrillReport, PlannedStep } from '../drill/types.js';
import { refuseSymlink, writeFileAtomic } from '../files/atomic-write.js';
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
import { handleCtrlC } from '../ui/ctrl-c.js';
import { confirmManualStep } from '../ui/manual-step.js';
import { createDrillProgress } from '../ui/progress.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { openManifest } from './open-manifest.js';
import { checkedReason } from '../state/reason.js';
import type { DrillFormat } from './formats.js';

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

/** `agent-rollout drill`. */
export async function drillCommand(options: DrillCommandOptions, io: Io): Promise<number> {
  const reason = checkedReason(options.reason);
  const manifestPath = resolve(io.cwd, options.manifest);
  const { manifest, loaded } = await openManifest(manifestPath, io);
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
  // Before anything runs: the records must land beside the real manifest, inside its folder.
  await refuseSymlink(manifestPath, 'the manifest');
  const drillsDir = await containedPath(folder, DRILLS_DIR, `the drills folder`);
  if (!drillsDir.ok)
    throw new InputError(
      `${drillsDir.message}; nothing was run`,
      `make ${DRILLS_DIR}/ a folder inside the manifest's folder (not a symbolic link out of it)`,
    );

  const actor = await resolveActor({ ...(options.actor ? { flag: options.actor } : {}), env: io.env, cwd: folder });
  if (manual.length > 0 && !options.confirmManual && !io.stdinIsTTY)
    refuseManualWithoutTerminal(manual, actor.source === 'flag' || actor.source === 'env' ? actor.name : undefined);

  const secrets = secretValues(manifest, io.env);
  const rollbackHash = rollbackSha256(manifest) as string;
  const startedAt = new Date();
  const files = drillFiles(newDrillId(startedAt));
  let journal: DrillJournal;
  try {
    journal = DrillJournal.create(folder, files, () => performance.now());
  } catch (error) {
    const why = error instanceof CliError ? error.message.replace(/^cannot write [^:]*: /, '') : (error as Error).message;
    throw new InputError(
      `cannot create the drill journal ${join(folder, files.journal)}: ${why}; nothing was run`,
      'the drill records beside the manifest, in drills/: make that folder writable',
    );
  }
  const progress = createDrillProgress(io, plan.windowMs);
  const controller = new AbortController();
  const groups = new ProcessGroups();
  // Recording never stops the drill: the restore must run whatever happens to the bookkeeping.
  // The first failure (a full disk under the journal, an error of our own) is reported at the end.
  let bookkeeping: string | undefined;
  const record = (event: DrillEvent): void => {
    try {
      progress.show(journal.append(redactDeep(event, secrets)));
    } catch (error) {
      bookkeeping ??= `cannot record the drill's progress: ${error instanceof Error ? error.message : String(error)}`;
    }
  };

  const { interrupt, dispose } = handleCtrlC(io, {
    stop: () => controller.abort(),
    abandon: () => {
      // Exit without waiting for the restore or the report: every journal line is already on
      // disk; close it with a last line saying what was cut short.
      groups.killAll();
      progress.stop();
      journal.append({ event: 'aborted', reason: 'a second Ctrl-C: exited at once; the restore was cut short and no report was written' });
      journal.close();
      io.err(`\nExited at once (second Ctrl-C). The journal is ${join(folder, files.journal)}; the restore did not finish.\n`);
    },
  });

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
  } catch (error) {
    // Only an error of our own gets here (runDrill keeps going to the restore through anything
    // else); say so in one line, not a stack trace.
    groups.killAll();
    const message = error instanceof Error ? error.message : String(error);
    record({ event: 'aborted', reason: `the drill stopped on an error: ${message}` });
    dispose();
    progress.stop();
    journal.close();
    if (error instanceof CliError) throw error;
    throw new CliError(
      `the drill stopped on an error of agent-rollout's own: ${message.split('\n')[0] ?? ''} (a bug: please report it)`,
      ExitCode.failure,
      `the journal ${join(folder, files.journal)} records what ran`,
    );
  }
  try {
    await writeFileAtomic(join(folder, files.report), renderDrillJson(report));
    await writeFileAtomic(join(folder, files.markdown), renderDrillMarkdown(report));
    await recordResult(
      manifestPath,
      {
        at: report.finishedAt,
        actor: actor.name,
        action: 'drill',
        reason: reason ?? null,
        details: drillAuditDetails(report),
      },
      { io },
      createRedactor(secrets),
    );
    record({
      event: 'drill-finished',
      passed: report.passed,
      interrupted: report.interrupted,
      restore: report.restore.status,
      report: files.report,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    bookkeeping ??= message;
    record({ event: 'aborted', reason: `the drill's record could not be written: ${message}` });
  } finally {
    dispose();
    progress.stop();
    journal.close();
  }
  bookkeeping ??= journal.failure?.message;

  // A failed drill is told to the sinks before the output, which says how each delivery went.
  const notifications = report.passed
    ? []
    : await notifySinks(
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
  const renderers: Record<DrillFormat, () => string> = {
    text: () => renderDrillText(report, createStyle(io.color)),
    json: () => renderDrillJson(report, notifications),
    markdown: () => renderDrillMarkdown(report),
  };
  io.out(renderers[options.format]());
  if (bookkeeping !== undefined) {
    // The drill ran (and its restore, unless --no-restore); its record is what failed.
    const restored =
      report.restore.status === 'none'
        ? ''
        : `; the restore ${report.restore.status === 'skipped' ? 'was skipped' : report.restore.status}`;
    io.err(
      `error: the drill ${report.passed ? 'passed' : 'failed'}${restored}, but its record is incomplete: ${redactDeep(bookkeeping, secrets)}\n` +
        `  hint: the journal ${join(folder, files.journal)} has every event up to the failure; fix the cause and run the drill again to record it\n`,
    );
    return controller.signal.aborted ? ExitCode.interrupted : ExitCode.failure;
  }
  if (controller.signal.aborted) return ExitCode.interrupted;
  return report.passed && report.restore.status !== 'failed' ? ExitCode.ok : ExitCode.findings;
}
