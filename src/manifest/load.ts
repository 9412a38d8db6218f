import { createHash } from 'node:crypto';
import { FileReadError, readBounded } from '../files/bounded-read.js';
import { resolve } from 'node:path';
import type { Diagnostic } from './diagnostic.js';
import { diagnosticAt } from './diagnostic.js';
import type { JsonValue, Locations, ParseError } from './json-parse.js';
import { locate, parseJson } from './json-parse.js';
import { ruleMeta } from './rules/catalog.js';
import type { RuleId } from './rules/catalog.js';
import { SUPPORTED_VERSION } from './types.js';

/** Manifests larger than this are refused before they are read. */
export const MAX_MANIFEST_BYTES = 10 * 1024 * 1024;
/** No manifest is nested deeper than this; deeper input is refused, not recursed into. */
export const MAX_DEPTH = 64;

/** A manifest file as far as it could be read. */
export interface LoadedManifest {
  /** The path as given. */
  path: string;
  /** The decoded text, when the file could be read ('' otherwise). */
  text: string;
  /** SHA-256 of the file's bytes. */
  sha256: string;
  /** The parsed document, when it parsed. */
  value?: JsonValue;
  /** Where every value sits, keyed by JSON pointer. */
  locations: Locations;
  /** Findings from reading, parsing and the version check. */
  diagnostics: Diagnostic[];
  /**
   * False when the file could not be read or parsed, or has a version this tool does not read:
   * nothing further can be checked, and commands exit 2.
   */
  usable: boolean;
}

const START = { line: 1, column: 1 };

function problem(rule: RuleId, message: string, pointer = '', position = START, hint?: string): Diagnostic {
  const meta = ruleMeta(rule);
  return diagnosticAt(position, { rule, severity: meta.severity, message, hint: hint ?? meta.help, pointer });
}

function unusable(path: string, diagnostic: Diagnostic, text = '', sha256 = ''): LoadedManifest {
  return { path, text, sha256, locations: new Map(), diagnostics: [diagnostic], usable: false };
}

const PARSE_RULES: Record<ParseError['code'], RuleId> = {
  syntax: 'AR001',
  'unexpected-end': 'AR001',
  empty: 'AR001',
  'too-deep': 'AR006',
  'number-range': 'AR007',
};

/** The offset of the first byte that does not start a well-formed UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    const length = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0 || i + length > bytes.length) return i;
    for (let k = 1; k < length; k++) if (((bytes[i + k] as number) & 0xc0) !== 0x80) return i;
    // Overlong forms, surrogates and code points past U+10FFFF.
    const b1 = bytes[i + 1] as number;
    if ((b === 0xe0 && b1 < 0xa0) || (b === 0xed && b1 > 0x9f) || (b === 0xf0 && b1 < 0x90) || (b === 0xf4 && b1 > 0x8f)) return i;
    i += length;
  }
  return i;
}

/** Where invalid UTF-8 starts, as the line and column of the valid text before it. */
function invalidUtf8Position(bytes: Uint8Array): { line: number; column: number } {
  const prefix = new TextDecoder('utf-8').decode(bytes.subarray(0, firstInvalidUtf8(bytes)));
  const lines = prefix.split('\n');
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}

function checkVersion(value: JsonValue, locations: Locations): Diagnostic | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  if (!Object.hasOwn(value, 'version')) {
    return problem(
      'AR003',
      'the manifest has no "version"',
      '',
      locate(locations, '').value,
      `add "version": ${SUPPORTED_VERSION} as the first property of the manifest`,
    );
  }
  const version = value['version'];
  if (version === SUPPORTED_VERSION) return undefined;
  // Only now: a position is worked out on demand (see parseJson), and a valid manifest needs none.
  const at = locate(locations, '/version').value;
  if (typeof version === 'number' && Number.isInteger(version) && version > SUPPORTED_VERSION) {
    return problem(
      'AR003',
      `version ${version} is newer than this agent-rollout supports (${SUPPORTED_VERSION}): upgrade agent-rollout`,
      '/version',
      at,
      'install a newer agent-rollout (check with `agent-rollout --version`), or keep the manifest at the version this one reads',
    );
  }
  return problem(
    'AR003',
    `"version" must be the number ${SUPPORTED_VERSION}, not ${JSON.stringify(version)}`,
    '/version',
    at,
    `write "version": ${SUPPORTED_VERSION}`,
  );
}

/**
 * Parses manifest bytes: decoding (UTF-8, optional BOM), JSON with positions, duplicate keys,
 * the top-level shape and the version. Pure: returns findings, never throws on bad input.
 */
export function parseManifest(path: string, bytes: Uint8Array): LoadedManifest {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const at = invalidUtf8Position(bytes);
    return unusable(path, problem('AR005', 'the file is not valid UTF-8 text', '', at), '', sha256);
  }
  const parsed = parseJson(text, { maxDepth: MAX_DEPTH });
  if (!parsed.ok) {
    const { error } = parsed;
    const rule = PARSE_RULES[error.code];
    const message = error.code === 'too-deep' ? `nesting is deeper than ${MAX_DEPTH} levels` : error.message;
    return unusable(path, problem(rule, message, '', error.position), text, sha256);
  }
  const { value, locations } = parsed;
  const diagnostics: Diagnostic[] = parsed.duplicates.map((duplicate) =>
    problem(
      'AR002',
      `duplicate key "${duplicate.key}" (first at line ${duplicate.first.line}, column ${duplicate.first.column}); JSON keeps only the last one`,
      duplicate.pointer,
      duplicate.duplicate,
      'remove one of the two; a reviewer may read the one that is ignored',
    ),
  );
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const found = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    diagnostics.push(problem('AR008', `the manifest must be a JSON object, not ${found}`, '', locate(locations, '').value));
    return { path, text, sha256, value, locations, diagnostics, usable: false };
  }
  const versionProblem = checkVersion(value, locations);
  if (versionProblem) diagnostics.push(versionProblem);
  const tooNew = versionProblem?.message.includes('is newer than') ?? false;
  return { path, text, sha256, value, locations, diagnostics, usable: !tooNew };
}

/**
 * Reads and parses a manifest file, `path` as the operator gave it, relative to `cwd`. Read
 * failures come back as an AR004 finding, not an exception.
 */
export async function loadManifest(path: string, cwd: string): Promise<LoadedManifest> {
  const file = resolve(cwd, path);
  let bytes: Buffer;
  try {
    bytes = await readBounded(file, { maxBytes: MAX_MANIFEST_BYTES });
  } catch (error) {
    if (!(error instanceof FileReadError)) throw error;
    switch (error.code) {
      case 'ENOENT':
        return unusable(
          path,
          problem('AR004', 'no such file', '', START, 'check the path (-m), or create a manifest with `agent-rollout init`'),
        );
      case 'EISDIR':
        return unusable(path, problem('AR004', 'this is a directory, not a manifest file', '', START, 'name the rollout.json inside it'));
      case 'EACCES':
        return unusable(path, problem('AR004', 'permission denied: the file cannot be read', '', START));
      case 'ETOOBIG':
        return unusable(
          path,
          problem(
            'AR004',
            `the file is ${error.size === undefined ? 'larger than the limit' : `${(error.size / 1024 / 1024).toFixed(1)} MB`}; manifests are limited to ${MAX_MANIFEST_BYTES / 1024 / 1024} MB`,
            '',
            START,
            'check that this is the manifest you meant',
          ),
        );
      case 'ENOTREG':
        return unusable(
          path,
          problem('AR004', `${error.reason}; a manifest must be a file`, '', START, 'name the rollout.json file itself'),
        );
      default:
        return unusable(path, problem('AR004', error.reason, '', START));
    }
  }
  return parseManifest(path, bytes);
}
