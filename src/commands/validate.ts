import { loadManifest } from '../manifest/load.js';
import type { ValidationReport } from '../manifest/report.js';
import { onlyErrors, summarize } from '../manifest/report.js';
import { loadSchemaValidator } from '../manifest/schema-validator.js';
import { validateLoaded } from '../manifest/validate.js';
import { ExitCode, InputError } from '../errors.js';
import type { Format } from '../render/format.js';
import { createStyle } from '../render/style.js';
import { renderValidationGithub } from '../render/validate/github.js';
import { renderValidationJson } from '../render/validate/json.js';
import { renderValidationSarif } from '../render/validate/sarif.js';
import { renderValidationText } from '../render/validate/text.js';
import type { Io } from '../ui/io.js';

export const VALIDATE_FORMATS = ['text', 'json', 'sarif', 'github'] as const satisfies readonly Format[];
export type ValidateFormat = (typeof VALIDATE_FORMATS)[number];

export interface ValidateCommandOptions {
  format: ValidateFormat;
  strict?: boolean;
  quiet?: boolean;
  /** Show the offending line under each finding; default: when standard output is a terminal. */
  showSource?: boolean;
}

const GLOB_CHARS = /[*?[\]{}]/;

/** Expands glob patterns the shell left alone (quoted, or on Windows); plain paths pass through. */
async function expandPatterns(patterns: readonly string[], cwd: string): Promise<string[]> {
  const files: string[] = [];
  for (const pattern of patterns) {
    if (!GLOB_CHARS.test(pattern)) {
      files.push(pattern);
      continue;
    }
    const { glob } = await import('tinyglobby');
    const matches = (await glob(pattern, { cwd, onlyFiles: true, expandDirectories: false })).sort();
    if (matches.length === 0) throw new InputError(`no file matches ${pattern}`, 'check the pattern; quote it to let agent-rollout expand it');
    files.push(...matches);
  }
  return [...new Set(files)];
}

/** `agent-rollout validate [files...]`. */
export async function validateCommand(patterns: readonly string[], options: ValidateCommandOptions, io: Io): Promise<number> {
  const files = await expandPatterns(patterns.length > 0 ? patterns : ['rollout.json'], io.cwd);
  const validator = await loadSchemaValidator();
  const loaded = await Promise.all(files.map((file) => loadManifest(file)));
  const validations = loaded.map((manifest) => validateLoaded(manifest, validator, { strict: options.strict ?? false }));
  let report: ValidationReport = summarize(validations);
  const exitCode =
    report.summary.unreadable > 0 ? ExitCode.failure : report.summary.errors > 0 ? ExitCode.findings : ExitCode.ok;
  if (options.quiet) report = onlyErrors(report);
  const renderers: Record<ValidateFormat, () => string> = {
    text: () =>
      renderValidationText(report, {
        style: createStyle(io.color),
        excerpt: options.showSource ?? io.stdoutIsTTY,
        sources: new Map(loaded.map((m) => [m.path, m.text])),
        quiet: options.quiet ?? false,
      }),
    json: () => renderValidationJson(report),
    sarif: () => renderValidationSarif(report, io.cwd),
    github: () => renderValidationGithub(report),
  };
  io.out(renderers[options.format]());
  return exitCode;
}
