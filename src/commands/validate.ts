import { resolve } from 'node:path';
import { loadManifest } from '../manifest/load.js';
import type { ValidationReport } from '../manifest/report.js';
import { onlyErrors, summarize } from '../manifest/report.js';
import { loadSchemaValidator } from '../manifest/schema-validator.js';
import { validateLoaded } from '../manifest/validate.js';
import type { LoadedManifest } from '../manifest/load.js';
import type { FileValidation } from '../manifest/validate.js';
import { auditPathFor, readTrail } from '../state/audit-file.js';
import { withStateDrift } from '../state/drift.js';
import { dirname } from 'node:path';
import { ExitCode } from '../errors.js';
import type { NamedFiles } from '../guardrails/case-findings.js';
import { withCaseFindings } from '../guardrails/case-findings.js';
import { readManifestFile } from '../guardrails/evidence-files.js';
import { expandManifestPatterns } from './manifest-files.js';
import { createStyle } from '../render/style.js';
import { renderValidationGithub } from '../render/validate/github.js';
import { renderValidationJson } from '../render/validate/json.js';
import { renderValidationSarif } from '../render/validate/sarif.js';
import { renderValidationText } from '../render/validate/text.js';
import type { Io } from '../ui/io.js';
import type { ValidateFormat } from './formats.js';

export interface ValidateCommandOptions {
  format: ValidateFormat;
  strict?: boolean;
  quiet?: boolean;
  /** Show the offending line under each finding; default: when standard output is a terminal. */
  showSource?: boolean;
}

const BATCH = 16;

/** AR121: the state against the audit trail beside the manifest (a trail that cannot be read is skipped). */
async function checkTrail(loaded: LoadedManifest, validation: FileValidation, strict: boolean, cwd: string): Promise<FileValidation> {
  if (!validation.manifest) return validation;
  const read = await readTrail(auditPathFor(resolve(cwd, loaded.path))).catch(() => undefined);
  return read ? withStateDrift(validation, loaded.locations, read.trail.entries, { strict }) : validation;
}

/** AR126, AR127: the cases file and the prompt file the manifest names, read from its folder. */
async function checkNamedFiles(loaded: LoadedManifest, validation: FileValidation, strict: boolean, cwd: string): Promise<FileValidation> {
  const manifest = validation.manifest;
  if (!manifest) return validation;
  const folder = dirname(resolve(cwd, loaded.path));
  const files: NamedFiles = {};
  const cases = manifest.guardrails?.boundaries?.tests?.cases;
  if (cases !== undefined) {
    const read = await readManifestFile(folder, cases, 'the cases file');
    // A cases file that is not there is not reported: a manifest may be validated on its own
    // (guardrails test and the gate say so where it matters). One that escapes the folder is.
    if (read instanceof Uint8Array) files.cases = { path: cases, text: Buffer.from(read).toString('utf8') };
    else if (!read.problem.endsWith(': no such file')) files.cases = { path: cases, problem: read.problem };
  }
  const promptFile = manifest.agent.promptFile;
  if (promptFile !== undefined) {
    const read = await readManifestFile(folder, promptFile, 'agent.promptFile');
    if (!(read instanceof Uint8Array)) files.prompt = { path: promptFile, problem: read.problem };
  }
  return withCaseFindings(validation, loaded.locations, files, { strict });
}

/** `agent-rollout validate [files...]`. */
export async function validateCommand(patterns: readonly string[], options: ValidateCommandOptions, io: Io): Promise<number> {
  const files = await expandManifestPatterns(patterns, io.cwd);
  const validator = await loadSchemaValidator();
  const strict = options.strict ?? false;
  const excerpt = options.format === 'text' && (options.showSource ?? io.stdoutIsTTY);
  // A few files at a time, keeping only the findings (and the text, when excerpts need it), so
  // a repository of a thousand manifests is validated in bounded memory.
  const validations: FileValidation[] = [];
  const sources = new Map<string, string>();
  for (let i = 0; i < files.length; i += BATCH) {
    const batch = files.slice(i, i + BATCH).map(async (file) => {
      const loaded = await loadManifest(file, io.cwd);
      const checked = await checkTrail(loaded, validateLoaded(loaded, validator, { strict }), strict, io.cwd);
      const { manifest: _dropped, ...validation } = await checkNamedFiles(loaded, checked, strict, io.cwd);
      if (excerpt) sources.set(loaded.path, loaded.text);
      return validation;
    });
    validations.push(...(await Promise.all(batch)));
  }
  let report: ValidationReport = summarize(validations);
  const exitCode = report.summary.unreadable > 0 ? ExitCode.failure : report.summary.errors > 0 ? ExitCode.findings : ExitCode.ok;
  if (options.quiet) report = onlyErrors(report);
  const renderers: Record<ValidateFormat, () => string> = {
    text: () =>
      renderValidationText(report, {
        style: createStyle(io.color),
        excerpt,
        sources,
        quiet: options.quiet ?? false,
      }),
    json: () => renderValidationJson(report),
    sarif: () => renderValidationSarif(report, io.cwd),
    github: () => renderValidationGithub(report),
  };
  io.out(renderers[options.format]());
  return exitCode;
}
