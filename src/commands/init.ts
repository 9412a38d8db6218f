import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CliError, ExitCode, UsageError } from '../errors.js';
import type { InitAnswers } from '../init/answers.js';
import { DEFAULT_ANSWERS } from '../init/answers.js';
import { schemaReference } from '../init/schema-ref.js';
import { packageSchema } from '../manifest/package-schema.js';
import type { LeftOut } from '../init/template.js';
import { buildInit } from '../init/template.js';
import type { SignalPreset } from '../init/otel-genai.js';
import { OTEL_GENAI_UNDEFINED, OTEL_SEMCONV_VERSION } from '../init/otel-genai.js';
import { parseManifest } from '../manifest/load.js';
import { loadSchemaValidator } from '../manifest/schema-validator.js';
import { validateLoaded } from '../manifest/validate.js';
import { makeFolderSync, writeFileAtomic } from '../files/atomic-write.js';
import { serializeJson, sha256 } from '../manifest/write.js';
import { createStyle } from '../render/style.js';
import { resolveActor } from '../state/actor.js';
import { appendEntry, auditPathFor } from '../state/audit-file.js';
import { withLock } from '../state/lock.js';
import type { Io } from '../ui/io.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { isoSeconds } from '../time/timestamp.js';
import { plural } from '../text/plural.js';

export interface InitCommandOptions {
  manifest: string;
  yes?: boolean;
  force?: boolean;
  actor?: string;
  /** `--signals otel-genai`: the OpenTelemetry GenAI preset. */
  signals?: SignalPreset;
}

/** The criteria (per stage) and alerts the preset left out, each with the signal it would read. */
function leftOutText(leftOut: { alerts: LeftOut[]; criteria: LeftOut[] }, label: string): string {
  const named = (items: LeftOut[]) => items.map((item) => `${item.id} (${item.signal})`).join(', ');
  const stages = [...new Set(leftOut.criteria.map((c) => c.stage))];
  const lines = [
    `  ${label} of the stage criteria and alerts: they read signals the conventions ${OTEL_SEMCONV_VERSION} do not define; add signals of your own and put them back (docs/signals.md):`,
    ...stages.map((stage) => `    ${stage}: ${named(leftOut.criteria.filter((c) => c.stage === stage))}`),
    ...(leftOut.alerts.length > 0 ? [`    alerts: ${named(leftOut.alerts)}`] : []),
  ];
  return `${lines.join('\n')}\n`;
}

function refuseOverwrite(shown: string): CliError {
  return new CliError(
    `${shown} already exists; nothing was written`,
    ExitCode.failure,
    'pass --force to overwrite it, or --manifest to write another file',
  );
}

/**
 * `agent-rollout init`: asks for the agent, its first credential and tool, data classes,
 * triggers, the cost envelope and the stages (on a terminal), or takes the placeholders
 * (--yes); writes a rollout.json that validates, atomically, and an `init` audit entry.
 */
export async function initCommand(options: InitCommandOptions, io: Io): Promise<number> {
  const path = resolve(io.cwd, options.manifest);
  if (existsSync(path) && !options.force) throw refuseOverwrite(options.manifest);
  if (!options.yes && !io.stdinIsTTY) {
    throw new UsageError('init asks questions and needs a terminal', 'pass --yes to write the template with placeholders, without prompts');
  }
  const style = createStyle(io.color);
  let answers: InitAnswers = DEFAULT_ANSWERS;
  if (!options.yes) {
    const { askInitAnswers, confirmWrite } = await import('../ui/prompts/init.js');
    const { PromptInterrupted } = await import('../ui/prompts/ask.js');
    try {
      answers = await askInitAnswers(DEFAULT_ANSWERS, io.out, style);
      if (!(await confirmWrite(options.manifest))) {
        io.out('Nothing was written.\n');
        return ExitCode.ok;
      }
    } catch (error) {
      if (error instanceof PromptInterrupted) throw new PromptInterrupted(`interrupted; ${options.manifest} was not written`);
      throw error;
    }
  }
  const schema = schemaReference(dirname(path), await packageSchema(), existsSync);
  const preset = options.signals ?? 'default';
  const { manifest: document, leftOut } = buildInit(answers, schema, preset);
  const text = serializeJson(document, { indent: '  ', eol: '\n', finalNewline: true, bom: false });
  const validation = validateLoaded(parseManifest(options.manifest, new TextEncoder().encode(text)), await loadSchemaValidator());
  const errors = validation.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0)
    throw new Error(
      `init built a manifest that does not validate:\n${errors.map((d) => `${d.rule} ${d.pointer} ${d.message}`).join('\n')}`,
    );
  const warnings = validation.diagnostics.length;

  makeFolderSync(dirname(path));
  const actor = await resolveActor({ ...(options.actor ? { flag: options.actor } : {}), env: io.env, cwd: dirname(path) });
  const entry = await withLock(
    path,
    async () => {
      if (existsSync(path) && !options.force) throw refuseOverwrite(options.manifest);
      await writeFileAtomic(path, text, { what: 'the manifest' });
      return appendEntry(auditPathFor(path), {
        at: isoSeconds(new Date()),
        actor: actor.name,
        action: 'init',
        before: null,
        after: document.state,
        reason: null,
        manifestSha256: sha256(text),
        details: {},
        tool: { name: TOOL_NAME, version: TOOL_VERSION },
      });
    },
    { io },
  );

  const stages = document.stages.map((s) => s.id).join(' → ');
  io.out(`${style.green('✔')} wrote ${options.manifest} for ${answers.agent.id}: ${stages} (audit entry ${entry.seq} by ${actor.name})\n`);
  io.out(`  $schema: ${schema}\n`);
  if (options.yes)
    io.out(
      `  It holds placeholders (${answers.agent.id}, ${answers.agent.owner}, ${answers.credential.secretRef ?? ''}, ${answers.tool.endpoint ?? ''}): replace them with your agent's facts.\n`,
    );
  io.out(
    '  The agent starts disabled, in the internal pilot, in observe mode; the rollback steps are manual until you give them commands.\n',
  );
  if (preset === 'otel-genai')
    io.out(
      `  Signals over the OpenTelemetry GenAI semantic conventions ${OTEL_SEMCONV_VERSION} (metrics.semanticConventions), priced by metrics.tokenPrices.\n` +
        `  ${style.yellow('Left out')}: ${OTEL_GENAI_UNDEFINED.join(', ')}: the conventions ${OTEL_SEMCONV_VERSION} define no metric for them; add signals of your own (docs/signals.md).\n`,
    );
  if (leftOut.criteria.length + leftOut.alerts.length > 0) io.out(leftOutText(leftOut, style.yellow('Left out')));
  if (warnings > 0)
    io.out(`  ${style.yellow(`validate reports ${plural(warnings, 'warning')}`)}: agent-rollout validate ${options.manifest}\n`);
  io.out(
    `Next:\n  agent-rollout inventory${options.manifest === 'rollout.json' ? '' : ` -m ${options.manifest}`}   # walk through what the agent holds\n  agent-rollout plan${options.manifest === 'rollout.json' ? '' : ` -m ${options.manifest}`}        # the plan as a reviewer reads it\n`,
  );
  return ExitCode.ok;
}
