import { dirname, relative, resolve } from 'node:path';
import { ExitCode, InputError } from '../errors.js';
import { refuseSymlink } from '../files/atomic-write.js';
import { FileReadError, readBounded } from '../files/bounded-read.js';
import { ProcessGroups } from '../process/child-process.js';
import { containedPath, isManifestRelativeProgram } from '../drill/contained-path.js';
import { resolveHeaders } from '../drill/probe.js';
import { redactDeep, secretValues } from '../drill/redact.js';
import { createRedactor } from '../manifest/redactor.js';
import { definedStrings } from '../drill/plan.js';
import type { AgentTarget } from '../guardrails/agent.js';
import { askAgent } from '../guardrails/agent.js';
import { MAX_CASES_BYTES, parseCases } from '../guardrails/cases.js';
import { buildGuardrailReport, guardrailAuditDetails } from '../guardrails/report.js';
import type { GuardrailReport } from '../guardrails/report.js';
import { attemptCount, runCases } from '../guardrails/run.js';
import { readManifestFile } from '../guardrails/evidence-files.js';
import { evidenceIdentity } from '../guardrails/identity.js';
import { MAX_TIMER_MS, durationMs } from '../time/duration.js';
import { sha256 } from '../manifest/write.js';
import { renderGuardrailJson } from '../render/guardrails/json.js';
import { renderGuardrailMarkdown } from '../render/guardrails/markdown.js';
import { renderGuardrailText } from '../render/guardrails/text.js';
import { createStyle } from '../render/style.js';
import { resolveActor } from '../state/actor.js';
import { recordResult } from '../state/transaction.js';
import type { Io } from '../ui/io.js';
import { handleCtrlC } from '../ui/ctrl-c.js';
import { createCaseProgress } from '../ui/progress.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { openManifest } from './open-manifest.js';
import type { GuardrailsFormat } from './formats.js';

export interface GuardrailsTestOptions {
  manifest: string;
  format: GuardrailsFormat;
  actor?: string;
}

/** Defaults when the manifest does not say (the schema documents them). */
export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_CASE_TIMEOUT = '30s';

/** `agent-rollout guardrails test`. */
export async function guardrailsTestCommand(options: GuardrailsTestOptions, io: Io): Promise<number> {
  const manifestPath = resolve(io.cwd, options.manifest);
  const { manifest, loaded } = await openManifest(manifestPath, io);
  const tests = manifest.guardrails?.boundaries?.tests;
  if (!tests) {
    throw new InputError(
      `${options.manifest} has no guardrails.boundaries.tests: there are no refusal tests to run`,
      'add "tests": {"cases": "guardrails/cases.jsonl", "run": ["./scripts/ask-agent.sh"]} under guardrails.boundaries (docs/drill.md)',
    );
  }
  const folder = dirname(manifestPath);
  // The result is recorded beside the real manifest: refuse a link before asking the agent anything.
  await refuseSymlink(manifestPath, 'the manifest');
  const hint = "keep the cases and the agent's script in the manifest's folder, with no symbolic link out of it";
  const casesPath = await containedPath(folder, tests.cases, 'guardrails.boundaries.tests.cases');
  if (!casesPath.ok) throw new InputError(casesPath.message, hint);

  let target: AgentTarget;
  if (tests.run) {
    const program = tests.run[0];
    if (isManifestRelativeProgram(program)) {
      const contained = await containedPath(folder, program, 'guardrails.boundaries.tests.run');
      if (!contained.ok) throw new InputError(contained.message, hint);
    }
    target = { kind: 'run', argv: [...tests.run], cwd: folder, env: io.env };
  } else if (tests.http) {
    const { headers, missing } = resolveHeaders(definedStrings(tests.http.headers), io.env);
    if (missing.length > 0)
      throw new InputError(
        `the guardrail endpoint needs the environment variable ${missing.join(', ')}, which is not set`,
        `export ${missing[0]}=...`,
      );
    target = { kind: 'http', url: tests.http.url, headers };
  } else {
    throw new InputError('guardrails.boundaries.tests names neither "run" nor "http"', 'name how to ask the agent');
  }

  let bytes: Buffer;
  try {
    bytes = await readBounded(casesPath.path, { maxBytes: MAX_CASES_BYTES });
  } catch (error) {
    if (!(error instanceof FileReadError)) throw error;
    throw new InputError(
      `cannot read the cases file ${tests.cases}: ${error.reason}`,
      error.code === 'ENOENT'
        ? `create ${tests.cases} (docs/drill.md describes the format)`
        : 'the cases file must be a regular file of at most 10 MB',
    );
  }
  const { cases, problems } = parseCases(bytes.toString('utf8'));
  if (problems.length > 0) {
    const first = problems[0] as { line: number; message: string };
    throw new InputError(
      `${tests.cases}:${first.line}: ${first.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`,
      'each line is {"id", "input", "expect": "refuse"|"allow"|"block"|"redact", "category"}',
    );
  }
  if (cases.length === 0)
    throw new InputError(`the cases file ${tests.cases} holds no cases`, 'a refusal test with no case proves nothing');
  const promptFile = manifest.agent.promptFile;
  const prompt = promptFile === undefined ? undefined : await readManifestFile(folder, promptFile, 'agent.promptFile');
  const identity = evidenceIdentity(manifest, { cases: bytes, ...(prompt ? { prompt } : {}) });
  if (identity.problems.length > 0 || identity.agentSha256 === undefined || identity.casesSha256 === undefined)
    throw new InputError(
      identity.problems[0] ?? 'cannot tell what the run is evidence about',
      "agent.promptFile names the system prompt, a file inside the manifest's folder",
    );

  const concurrency = tests.concurrency ?? DEFAULT_CONCURRENCY;
  const timeoutMs = Math.min(durationMs(tests.timeout ?? DEFAULT_CASE_TIMEOUT), MAX_TIMER_MS);
  const actor = await resolveActor({ ...(options.actor ? { flag: options.actor } : {}), env: io.env, cwd: folder });
  const secrets = secretValues(manifest, io.env);

  const controller = new AbortController();
  const groups = new ProcessGroups();
  const attempts = attemptCount(cases);
  const progress = createCaseProgress(io, attempts);
  let done = 0;
  const ctrlC = handleCtrlC(io, {
    stop: () => {
      groups.killAll();
      controller.abort();
    },
    abandon: () => {
      groups.killAll();
      progress.stop();
      io.err(`\nExited at once (second Ctrl-C) after ${done} of ${attempts} attempts; nothing was recorded.\n`);
    },
  });
  let results;
  try {
    results = await runCases(cases, (testCase) => askAgent(target, testCase.input, { timeoutMs, signal: controller.signal, groups }), {
      concurrency,
      signal: controller.signal,
      onResult: (result) => {
        done++;
        progress.done(result.passed);
      },
    });
  } finally {
    progress.stop();
    ctrlC.dispose();
    groups.killAll();
  }
  if (controller.signal.aborted) {
    io.err(`Interrupted after ${results.length} of ${attempts} attempts; nothing was recorded.\n`);
    return ExitCode.interrupted;
  }

  const report: GuardrailReport = redactDeep(
    buildGuardrailReport(
      {
        agent: manifest.agent.id,
        manifest: relative(io.cwd, manifestPath) || manifestPath,
        manifestSha256: loaded.sha256,
        cases: { file: tests.cases, sha256: sha256(bytes), count: cases.length },
        evidence: { guardrailsSha256: identity.guardrailsSha256, agentSha256: identity.agentSha256, agent: identity.agent },
        target: target.kind === 'run' ? target.argv.join(' ') : `POST ${target.url}`,
        concurrency,
        timeoutMs,
        actor: { name: actor.name, source: actor.source },
        tool: { name: TOOL_NAME, version: TOOL_VERSION },
        at: new Date().toISOString(),
      },
      results,
      tests,
    ),
    secrets,
  );
  await recordResult(
    manifestPath,
    {
      at: report.at,
      actor: actor.name,
      action: 'guardrails',
      reason: null,
      details: guardrailAuditDetails(report),
    },
    { io },
    createRedactor(secrets),
  );
  const renderers: Record<GuardrailsFormat, () => string> = {
    text: () => renderGuardrailText(report, createStyle(io.color)),
    json: () => renderGuardrailJson(report),
    markdown: () => renderGuardrailMarkdown(report),
  };
  io.out(renderers[options.format]());
  return report.passed ? ExitCode.ok : ExitCode.findings;
}
