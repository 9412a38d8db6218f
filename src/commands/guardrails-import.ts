import { mkdir } from 'node:fs/promises';
import { writeFileAtomic } from '../files/atomic-write.js';
import { FileReadError, readBounded, readBoundedIfExists } from '../files/bounded-read.js';
import { MAX_CASES_BYTES } from '../guardrails/cases.js';
import { dirname, resolve } from 'node:path';
import { InputError, UsageError } from '../errors.js';
import { containedPath } from '../drill/contained-path.js';
import type { Decision } from '../guardrails/cases.js';
import { DECISIONS, isDecision, parseCases } from '../guardrails/cases.js';
import type { ImportResult, RedTeamFile, RedTeamFormat } from '../guardrails/import/attack.js';
import { RED_TEAM_FORMATS, caseLine, planImport } from '../guardrails/import/attack.js';
import { readGarak } from '../guardrails/import/garak.js';
import { readPromptfoo } from '../guardrails/import/promptfoo.js';
import { sha256 } from '../manifest/write.js';
import { toJson } from '../render/format.js';
import type { Format } from '../render/format.js';
import { renderImportText } from '../render/guardrails/import.js';
import { createStyle } from '../render/style.js';
import type { Io } from '../ui/io.js';
import { openManifest } from './open-manifest.js';

export const IMPORT_FORMATS = ['text', 'json'] as const satisfies readonly Format[];
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export interface GuardrailsImportOptions {
  manifest: string;
  from: string;
  dryRun?: boolean;
  category?: string;
  expect?: string;
  /** promptfoo: the variable that holds the attack input. */
  var?: string;
  format: ImportFormat;
}

/** Red-team files larger than this are refused. */
const MAX_RED_TEAM_BYTES = 256 * 1024 * 1024;

/** `agent-rollout guardrails import --from promptfoo|garak FILE`. Nothing is written unless every line of the file is read. */
export async function guardrailsImportCommand(file: string, options: GuardrailsImportOptions, io: Io): Promise<number> {
  const from = options.from as RedTeamFormat;
  if (!(RED_TEAM_FORMATS as readonly string[]).includes(from))
    throw new UsageError(
      `--from ${options.from}: not a red-team format this agent-rollout reads`,
      `use --from ${RED_TEAM_FORMATS.join(' or --from ')}`,
    );
  if (options.expect !== undefined && !isDecision(options.expect))
    throw new UsageError(`--expect ${options.expect}: not a decision`, `one of ${DECISIONS.join(', ')}`);
  if (options.category !== undefined && options.category.trim() === '') throw new UsageError('--category needs a name');
  if (options.var !== undefined && from !== 'promptfoo') throw new UsageError('--var names a promptfoo variable; garak prompts have none');

  const manifestPath = resolve(io.cwd, options.manifest);
  const { manifest } = await openManifest(manifestPath, io);
  const tests = manifest.guardrails?.boundaries?.tests;
  if (!tests)
    throw new InputError(
      `${options.manifest} has no guardrails.boundaries.tests: there is no cases file to import into`,
      'add "tests": {"cases": "guardrails/cases.jsonl", "run": ["./scripts/ask-agent.sh"]} under guardrails.boundaries (docs/guardrails.md)',
    );
  const folder = dirname(manifestPath);
  const contained = await containedPath(folder, tests.cases, 'guardrails.boundaries.tests.cases');
  if (!contained.ok) throw new InputError(contained.message, "keep the cases file in the manifest's folder");

  let existingText = '';
  let existingSha: string | undefined;
  try {
    const bytes = await readBoundedIfExists(contained.path, { maxBytes: MAX_CASES_BYTES });
    if (bytes !== undefined) {
      existingText = bytes.toString('utf8');
      existingSha = sha256(bytes);
    }
  } catch (error) {
    if (!(error instanceof FileReadError)) throw error;
    throw new InputError(`cannot read the cases file ${tests.cases}: ${error.reason}`);
  }
  const existing = parseCases(existingText);
  const firstProblem = existing.problems[0];
  if (firstProblem)
    throw new InputError(
      `${tests.cases}:${firstProblem.line}: ${firstProblem.message}; nothing was imported`,
      'fix the cases file first (agent-rollout validate reports every line)',
    );

  let source: Buffer;
  try {
    source = await readBounded(resolve(io.cwd, file), { maxBytes: MAX_RED_TEAM_BYTES });
  } catch (error) {
    if (!(error instanceof FileReadError)) throw error;
    throw new InputError(`cannot read ${file}: ${error.code === 'ETOOBIG' ? 'larger than 256 MB' : error.reason}`);
  }
  if (source.length > MAX_RED_TEAM_BYTES) throw new InputError(`${file} is larger than 256 MB`);
  const read: RedTeamFile =
    from === 'promptfoo'
      ? readPromptfoo(source.toString('utf8'), options.var !== undefined ? { variable: options.var } : {})
      : readGarak(source.toString('utf8'));
  if (!read.ok)
    throw new InputError(
      `${file}:${read.line}: ${read.message}; nothing was imported`,
      from === 'promptfoo'
        ? 'import the JSON of `promptfoo eval -o results.json`'
        : 'import the garak.<uuid>.report.jsonl of a finished garak run',
    );

  const plan = planImport(from, read, existing.cases, {
    ...(options.category !== undefined ? { category: options.category } : {}),
    ...(options.expect !== undefined ? { expect: options.expect as Decision } : {}),
  });
  const conflict = plan.conflicts[0];
  if (conflict)
    throw new InputError(
      `${file}:${conflict.line}: ${conflict.message}${plan.conflicts.length > 1 ? ` (and ${plan.conflicts.length - 1} more)` : ''}; nothing was imported`,
      `rename the existing case, or import under another --category`,
    );

  if (!options.dryRun && plan.added.length > 0) {
    const separator = existingText === '' || existingText.endsWith('\n') ? '' : '\n';
    const text = `${existingText}${separator}${plan.added.map((c) => `${caseLine(c)}\n`).join('')}`;
    await mkdir(dirname(contained.path), { recursive: true });
    await writeFileAtomic(contained.path, text, existingSha !== undefined ? { expectedSha256: existingSha } : {});
  }
  const result: ImportResult = { from, file, cases: tests.cases, dryRun: options.dryRun === true, ...plan };
  io.out(options.format === 'json' ? toJson(result) : renderImportText(result, createStyle(io.color)));
  return 0;
}
