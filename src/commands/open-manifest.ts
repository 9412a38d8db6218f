import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from '../errors.js';
import type { LoadedManifest } from '../manifest/load.js';
import { isNewerVersion } from '../manifest/report.js';
import { loadManifest } from '../manifest/load.js';
import { loadSchemaValidator } from '../manifest/schema-validator.js';
import type { Manifest } from '../manifest/types.js';
import type { FileValidation } from '../manifest/validate.js';
import { validateLoaded } from '../manifest/validate.js';
import type { LockOptions } from '../state/lock.js';
import { withLock } from '../state/lock.js';
import { pendingPathFor, recoverInterruptedChange } from '../state/transaction.js';
import type { Io } from '../ui/io.js';

/** A manifest a command can work on: it parsed and matched the schema. */
export interface OpenManifest {
  /** The path as the operator gave it (relative to the Io's folder): what messages show. */
  path: string;
  /** The absolute path: what the command reads and writes. */
  file: string;
  loaded: LoadedManifest;
  /** Every finding, including semantic-rule errors the command may show or refuse on. */
  validation: FileValidation;
  manifest: Manifest;
}

/**
 * Opens the manifest a command works on (`--manifest`, default ./rollout.json), `path` relative
 * to the Io's folder. A change that was interrupted is finished or undone first. A file that
 * cannot be read, parsed or matched against the schema is an InputError (exit 2) that points at
 * `agent-rollout validate`.
 */
export async function openManifest(path: string, io: Io): Promise<OpenManifest> {
  const file = resolve(io.cwd, path);
  if (existsSync(pendingPathFor(file))) await withLock(file, () => recoverInterruptedChange(file), lockOptions(path, io));
  const [loaded, validator] = await Promise.all([loadManifest(path, io.cwd), loadSchemaValidator()]);
  const validation = validateLoaded(loaded, validator);
  if (!validation.manifest) {
    const errors = validation.diagnostics.filter((d) => d.severity === 'error');
    const first = errors[0];
    // A missing file, or one written for a newer agent-rollout: the finding's own hint says what
    // to do (create one with init; upgrade), where "run validate" would only repeat it.
    if (!loaded.usable && first && (first.rule === 'AR004' || isNewerVersion(first))) {
      const message =
        first.rule === 'AR004'
          ? `cannot read the manifest ${path}: ${first.message}`
          : `${path}:${first.line}:${first.column}: ${first.message}`;
      throw new InputError(message, first.hint);
    }
    const where = first ? `${path}:${first.line}:${first.column}: ${first.message}` : path;
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
    throw new InputError(
      loaded.usable ? `${path} is not a valid manifest: ${where}${more}` : `cannot read the manifest: ${where}`,
      `run \`agent-rollout validate ${path}\` for every finding`,
    );
  }
  return { path, file, loaded, validation, manifest: validation.manifest };
}

/** How a change to the manifest at `path` (as given) takes its lock: with the command's signals, named as given. */
export function lockOptions(path: string, io: Io): LockOptions {
  return { io, label: path };
}
