import { dirname } from 'node:path';
import { ExitCode } from '../errors.js';
import { readEvidenceIdentity } from '../guardrails/evidence-files.js';
import { buildPlan } from '../plan/model.js';
import { renderPlanJson } from '../render/plan/json.js';
import { renderPlanMarkdown } from '../render/plan/markdown.js';
import { renderPlanText } from '../render/plan/text.js';
import { createStyle } from '../render/style.js';
import { auditPathFor, readTrail } from '../state/audit-file.js';
import { preferredFormat } from '../state/operator-config.js';
import type { Io } from '../ui/io.js';
import { openManifest } from './open-manifest.js';
import type { PlanFormat } from './formats.js';
import { PLAN_FORMATS } from './formats.js';

export interface PlanCommandOptions {
  manifest: string;
  format?: PlanFormat;
}

/**
 * `agent-rollout plan`: the whole rollout as a person reads it before asking to expand. Exit 0,
 * or 1 when the manifest has validation errors (the plan is still printed, findings first).
 */
export async function planCommand(options: PlanCommandOptions, io: Io): Promise<number> {
  const format = await preferredFormat(options.format, io.env, PLAN_FORMATS);
  const path = options.manifest;
  const opened = await openManifest(path, io);
  const { trail } = await readTrail(auditPathFor(opened.file));
  const guardrailEvidence = await readEvidenceIdentity(opened.manifest, dirname(opened.file));
  const plan = buildPlan({
    path: options.manifest,
    manifest: opened.manifest,
    diagnostics: opened.validation.diagnostics,
    trail: trail.entries,
    trailProblems: trail.problems.length,
    now: new Date(),
    ...(guardrailEvidence ? { guardrailEvidence } : {}),
  });
  const renderers: Record<PlanFormat, () => string> = {
    text: () => renderPlanText(plan, createStyle(io.color)),
    markdown: () => renderPlanMarkdown(plan),
    json: () => renderPlanJson(plan),
  };
  io.out(renderers[format]());
  return plan.findings.errors > 0 ? ExitCode.findings : ExitCode.ok;
}
