import { dirname, relative, resolve } from 'node:path';
import { diffManifests } from '../diff/diff.js';
import type { DiffSide } from '../diff/diff.js';
import type { NamedFile } from '../diff/evidence.js';
import { MAX_EVIDENCE_FILE_BYTES, readManifestFile } from '../guardrails/evidence-files.js';
import { readFileAtRef, readManifestAtRef } from '../diff/git-source.js';
import type { Risk } from '../diff/model.js';
import { reaches } from '../diff/model.js';
import type { TrailFacts } from '../diff/trail.js';
import { ExitCode, InputError, UsageError } from '../errors.js';
import type { LoadedManifest } from '../manifest/load.js';
import { loadManifest, parseManifest } from '../manifest/load.js';
import { loadSchemaValidator } from '../manifest/schema-validator.js';
import { validateLoaded } from '../manifest/validate.js';
import { renderDiffJson } from '../render/diff/json.js';
import { renderDiffMarkdown } from '../render/diff/markdown.js';
import { renderDiffText } from '../render/diff/text.js';
import { createStyle } from '../render/style.js';
import { verifyTrailBytes } from '../state/audit.js';
import { MAX_TRAIL_BYTES, auditPathFor, readTrail } from '../state/audit-file.js';
import type { Io } from '../ui/io.js';
import { shellWord } from '../text/shell-word.js';
import type { DiffFormat } from './formats.js';

/** A trail read from git is refused past this size (a trail grows by a few hundred bytes an entry). */

export interface DiffCommandOptions {
  format: DiffFormat;
  /** Diff the manifest at this git revision against the working tree. */
  git?: string;
  /** With --git: the manifest (default ./rollout.json). */
  manifest?: string;
  /** The audit trail to match state changes against (default: beside HEAD's manifest). */
  audit?: string;
  /** Exit 1 when there is any change. */
  exitCode?: boolean;
  /** Exit 1 when any change reaches this risk. */
  failOn?: Risk;
}

/** A side's label and the file it was read from. */
interface Side {
  loaded: LoadedManifest;
  label: string;
  /** The file in the working tree, when there is one. */
  file?: string;
}

/** Reads both sides: two files, or the manifest at a git revision and in the working tree. */
async function readSides(
  args: readonly string[],
  options: DiffCommandOptions,
  io: Io,
): Promise<{ base: Side; head: Side; command: string }> {
  if (options.git !== undefined) {
    if (args.length > 1)
      throw new UsageError(
        'with --git, diff takes at most one file (the manifest in the working tree)',
        'agent-rollout diff --git origin/main rollout.json',
      );
    if (args.length === 1 && options.manifest !== undefined && args[0] !== options.manifest) {
      throw new UsageError('name the manifest once: as the argument or with --manifest, not both');
    }
    const file = args[0] ?? options.manifest ?? 'rollout.json';
    const head: Side = { loaded: await loadManifest(file, io.cwd), label: file, file };
    ensureUsable('HEAD', head);
    const atRef = await readManifestAtRef(options.git, file, io.cwd, io.env);
    const base: Side = { loaded: parseManifest(atRef.label, atRef.bytes), label: atRef.label };
    return { base, head, command: `agent-rollout diff --git ${shellWord(options.git)} ${shellWord(file)}` };
  }
  if (options.manifest !== undefined)
    throw new UsageError('--manifest goes with --git; to compare two files, name both', 'agent-rollout diff old.json new.json');
  if (args.length !== 2) {
    throw new UsageError(
      args.length < 2 ? 'diff needs two manifests (BASE HEAD), or --git REF' : 'diff compares two manifests: BASE and HEAD',
      'agent-rollout diff old/rollout.json rollout.json, or agent-rollout diff --git origin/main',
    );
  }
  const [baseFile, headFile] = args as [string, string];
  const [baseLoaded, headLoaded] = await Promise.all([loadManifest(baseFile, io.cwd), loadManifest(headFile, io.cwd)]);
  return {
    base: { loaded: baseLoaded, label: baseFile, file: baseFile },
    head: { loaded: headLoaded, label: headFile, file: headFile },
    command: `agent-rollout diff ${shellWord(baseFile)} ${shellWord(headFile)}`,
  };
}

/** A side that cannot be read, is not JSON or not a manifest object: exit 2. */
function ensureUsable(name: 'BASE' | 'HEAD', side: Side): void {
  if (side.loaded.usable && side.loaded.value !== undefined) return;
  const first = side.loaded.diagnostics[0];
  const where = first ? `${side.label}:${first.line}:${first.column}: ${first.message}` : side.label;
  throw new InputError(`cannot read ${name} (${where})`, first?.hint);
}

async function readTrailFacts(path: string, cwd: string, explicit: boolean): Promise<TrailFacts> {
  const shown = relative(cwd, path) || path;
  let read;
  try {
    read = await readTrail(path);
  } catch (error) {
    if (error instanceof InputError) throw new InputError(error.message.replace(path, shown), error.hint);
    throw error;
  }
  if (explicit && !read.exists) throw new InputError(`no audit trail at ${shown}`, 'check the --audit path');
  return { path: shown, exists: read.exists, entries: read.trail.entries, problems: read.trail.problems };
}

/** The audit trail beside the manifest as it was at `ref`, when the ref has one. */
async function trailAtRef(ref: string, manifestFile: string, cwd: string, env: NodeJS.ProcessEnv): Promise<TrailFacts | undefined> {
  const path = relative(cwd, auditPathFor(resolve(cwd, manifestFile))) || auditPathFor(resolve(cwd, manifestFile));
  const bytes = await readFileAtRef(ref, path, cwd, env, MAX_TRAIL_BYTES);
  if (bytes === undefined) return undefined;
  const trail = verifyTrailBytes(bytes);
  return { path: `${ref}:${path}`, exists: true, entries: trail.entries, problems: trail.problems };
}

/** A path the manifest names, from one side's document. */
function namedPath(document: unknown, ...keys: string[]): string | undefined {
  let value: unknown = document;
  for (const key of keys)
    value = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * diff --git: the cases file and the agent's prompt file, each as the ref's manifest names it at
 * the ref and as the working tree's names it in the working tree (null when a side has none).
 */
async function namedFilesAtRef(
  ref: string,
  manifestFile: string,
  base: Side,
  head: Side,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ cases?: NamedFile; prompt?: NamedFile }> {
  const folder = dirname(resolve(cwd, manifestFile));
  const read = async (keys: string[], what: string): Promise<NamedFile | undefined> => {
    const basePath = namedPath(base.loaded.value, ...keys);
    const headPath = namedPath(head.loaded.value, ...keys);
    if (basePath === undefined && headPath === undefined) return undefined;
    let baseText: string | null = null;
    if (basePath !== undefined) {
      const inside = relative(folder, resolve(folder, basePath));
      if (!inside.startsWith('..')) {
        const bytes = await readFileAtRef(ref, relative(cwd, resolve(folder, basePath)), cwd, env, MAX_EVIDENCE_FILE_BYTES);
        baseText = bytes === undefined ? null : Buffer.from(bytes).toString('utf8');
      }
    }
    let headText: string | null = null;
    if (headPath !== undefined) {
      const bytes = await readManifestFile(folder, headPath, what);
      headText = bytes instanceof Uint8Array ? Buffer.from(bytes).toString('utf8') : null;
    }
    return { path: headPath ?? (basePath as string), base: baseText, head: headText };
  };
  const cases = await read(['guardrails', 'boundaries', 'tests', 'cases'], 'guardrails.boundaries.tests.cases');
  const prompt = await read(['agent', 'promptFile'], 'agent.promptFile');
  return { ...(cases ? { cases } : {}), ...(prompt ? { prompt } : {}) };
}

/**
 * `agent-rollout diff BASE HEAD` / `diff --git REF [FILE]`: the semantic, risk-annotated diff of
 * two manifests. A side that cannot be read or is not JSON exits 2; a side that does not validate
 * is still diffed, with a warning.
 */
export async function diffCommand(args: readonly string[], options: DiffCommandOptions, io: Io): Promise<number> {
  const { base, head, command } = await readSides(args, options, io);
  ensureUsable('BASE', base);
  ensureUsable('HEAD', head);

  const validator = await loadSchemaValidator();
  const side = (name: 'BASE' | 'HEAD', read: Side): DiffSide => {
    const errors = validateLoaded(read.loaded, validator).diagnostics.filter((d) => d.severity === 'error');
    const result: DiffSide = { label: read.label, document: read.loaded.value };
    const first = errors[0];
    if (first !== undefined) {
      const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
      result.invalid = `${first.line}:${first.column} ${first.rule} ${first.message}${more}`;
      io.err(`warning: ${name} ${read.label} is not a valid manifest: ${result.invalid}; diffing what could be read\n`);
    }
    return result;
  };

  const trailPath =
    options.audit !== undefined
      ? resolve(io.cwd, options.audit)
      : head.file !== undefined
        ? auditPathFor(resolve(io.cwd, head.file))
        : undefined;
  const trail = trailPath === undefined ? undefined : await readTrailFacts(trailPath, io.cwd, options.audit !== undefined);
  const baseTrail =
    options.git !== undefined && head.file !== undefined && options.audit === undefined
      ? await trailAtRef(options.git, head.file, io.cwd, io.env)
      : undefined;
  const files =
    options.git !== undefined && head.file !== undefined
      ? await namedFilesAtRef(options.git, head.file, base, head, io.cwd, io.env)
      : undefined;
  const result = diffManifests({
    base: side('BASE', base),
    head: side('HEAD', head),
    ...(trail ? { trail } : {}),
    ...(baseTrail ? { baseTrail } : {}),
    ...(files ? { files } : {}),
  });

  const renderers: Record<DiffFormat, () => string> = {
    text: () => renderDiffText(result, createStyle(io.color)),
    json: () => renderDiffJson(result),
    markdown: () => renderDiffMarkdown(result, { fullCommand: command }),
  };
  io.out(renderers[options.format]());

  if (options.exitCode && result.changes.length > 0) return ExitCode.findings;
  const failOn = options.failOn;
  if (failOn !== undefined && result.changes.some((change) => reaches(change.risk, failOn))) return ExitCode.findings;
  return ExitCode.ok;
}
