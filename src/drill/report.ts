import type { DrillOutcome } from './runner.js';
import type { DrillFiles } from './journal.js';
import type { DrillReport } from './types.js';

/** What the report says about the run besides its outcome: the report's own fields, and where its files are. */
export type ReportFacts = Pick<
  DrillReport,
  | 'agent'
  | 'manifest'
  | 'manifestSha256'
  | 'rollbackSha256'
  | 'tool'
  | 'actor'
  | 'startedAt'
  | 'finishedAt'
  | 'window'
  | 'windowMs'
  | 'options'
> & { files: DrillFiles };

/** The report of a drill: what it was run on, by whom, and what happened. Pure. */
export function buildDrillReport(facts: ReportFacts, outcome: DrillOutcome): DrillReport {
  return {
    drillId: facts.files.id,
    agent: facts.agent,
    manifest: facts.manifest,
    manifestSha256: facts.manifestSha256,
    rollbackSha256: facts.rollbackSha256,
    tool: facts.tool,
    actor: facts.actor,
    startedAt: facts.startedAt,
    finishedAt: facts.finishedAt,
    window: facts.window,
    windowMs: facts.windowMs,
    passed: outcome.verdict.passed,
    interrupted: outcome.interrupted,
    elapsedMs: Math.round(outcome.verdict.elapsedMs),
    marginMs: Math.round(outcome.verdict.marginMs),
    reasons: outcome.verdict.reasons,
    options: facts.options,
    steps: outcome.steps,
    probes: outcome.probes,
    restore: outcome.restore,
    files: { journal: facts.files.journal, report: facts.files.report, markdown: facts.files.markdown },
  };
}

/** The audit entry's details for a drill, exactly the fields the gate reads. */
export function drillAuditDetails(report: DrillReport): {
  passed: boolean;
  rollbackSha256: string;
  durationMs: number;
  windowMs: number;
  report: string;
  interrupted: boolean;
} {
  return {
    passed: report.passed,
    rollbackSha256: report.rollbackSha256,
    durationMs: report.elapsedMs,
    windowMs: report.windowMs,
    report: report.files.report,
    interrupted: report.interrupted,
  };
}
