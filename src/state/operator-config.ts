import { join } from 'node:path';
import envPaths from 'env-paths';
import { InputError } from '../errors.js';
import { FileWriteError, isWriteRefusal } from '../files/atomic-write.js';
import { FileReadError, readBoundedIfExists } from '../files/bounded-read.js';

/** Operator defaults kept with `conf` (`agent-rollout config`): who I am, how I like output. */
export interface OperatorConfig {
  actor?: string;
  format?: string;
}

export const CONFIG_KEYS = ['actor', 'format'] as const;
export type ConfigKey = (typeof CONFIG_KEYS)[number];

/**
 * The config store. It lives in the OS's per-user config folder, or in
 * $AGENT_ROLLOUT_CONFIG_DIR when set (tests and CI use that). `conf` loads only when asked for.
 */
export async function openConfigStore(env: NodeJS.ProcessEnv): Promise<{
  get(key: ConfigKey): string | undefined;
  set(key: ConfigKey, value: string): void;
  delete(key: ConfigKey): void;
  all(): OperatorConfig;
  path: string;
}> {
  const { default: Conf } = await import('conf');
  const dir = env['AGENT_ROLLOUT_CONFIG_DIR'];
  let where = dir ? join(dir, 'config.json') : 'file';
  /** A config file that cannot be read (edited by hand, damaged) is the operator's to fix, not a bug. */
  const readable = <T>(read: () => T): T => {
    try {
      return read();
    } catch (error) {
      throw new InputError(
        `cannot read the operator config ${where}: ${(error as Error).message}`,
        'fix the file, or remove it and set the values again with `agent-rollout config set`',
      );
    }
  };
  const store = readable(
    () =>
      new Conf<OperatorConfig>({
        projectName: 'agent-rollout',
        projectSuffix: '',
        ...(dir ? { cwd: dir } : {}),
        // No `schema`: conf would compile an Ajv validator on every start (~90 ms, most of a
        // plan or status run). The two values are checked by checkStored instead.
      }),
  );
  where = store.path;
  const checked = (): OperatorConfig => readable(() => checkStored(store.store as Record<string, unknown>));
  /** A write the disk refuses (read-only, full, no permission) is one line too; conf leaves no temporary file. */
  const writable = (write: () => void): void => {
    try {
      write();
    } catch (error) {
      if (!isWriteRefusal(error))
        throw new InputError(
          `cannot read the operator config ${where}: ${(error as Error).message}`,
          'fix the file, or remove it and set the values again with `agent-rollout config set`',
        );
      throw new FileWriteError(where, error, 'check that the config folder is writable (AGENT_ROLLOUT_CONFIG_DIR overrides it)');
    }
  };
  return {
    get: (key) => checked()[key],
    set: (key, value) => writable(() => store.set(key, value)),
    delete: (key) => writable(() => store.delete(key)),
    all: () => ({ ...checked() }),
    path: store.path,
  };
}

/** The stored settings, or an error naming the first one a hand edit broke. */
function checkStored(stored: Record<string, unknown>): OperatorConfig {
  for (const key of CONFIG_KEYS) {
    const value = stored[key];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value.trim() === '')
      throw new Error(`${key} must be a non-empty string; got ${JSON.stringify(value)}`);
    const choices = CONFIG_CHOICES[key];
    if (choices && !choices.includes(value)) throw new Error(`${key} must be one of ${choices.join(', ')}; got ${JSON.stringify(value)}`);
  }
  return stored as OperatorConfig;
}

/** The values a key takes, when it takes only some (`format`); undefined for free text (`actor`). */
export const CONFIG_CHOICES: Record<ConfigKey, readonly string[] | undefined> = {
  actor: undefined,
  format: ['text', 'json', 'markdown'],
};

/**
 * Where the config file is: $AGENT_ROLLOUT_CONFIG_DIR/config.json, else the file `conf` uses in
 * the OS's per-user config folder (the same env-paths call conf makes; a test keeps them equal).
 */
export function configPath(env: NodeJS.ProcessEnv): string {
  const dir = env['AGENT_ROLLOUT_CONFIG_DIR'];
  return join(dir || envPaths('agent-rollout', { suffix: '' }).config, 'config.json');
}

/**
 * The stored settings, read straight from the file: every command that only reads them (the
 * actor, the output format) skips loading `conf` and its dependencies, which cost more than a
 * plan or status run itself. A missing file is no settings.
 */
export async function readOperatorConfig(env: NodeJS.ProcessEnv): Promise<OperatorConfig> {
  const path = configPath(env);
  let text: string;
  try {
    const bytes = await readBoundedIfExists(path, { maxBytes: 1024 * 1024 });
    if (bytes === undefined) return {};
    text = bytes.toString('utf8');
  } catch (error) {
    if (!(error instanceof FileReadError)) throw error;
    throw new InputError(`cannot read the operator config ${path}: ${error.reason}`, 'it must be a JSON file; check its permissions');
  }
  try {
    const parsed: unknown = text.trim() === '' ? {} : JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('it is not a JSON object');
    return checkStored(parsed as Record<string, unknown>);
  } catch (error) {
    throw new InputError(
      `cannot read the operator config ${path}: ${(error as Error).message}`,
      'fix the file, or remove it and set the values again with `agent-rollout config set`',
    );
  }
}

/**
 * The output format of a command: `--format` when given, else the stored `format` when the
 * command renders it, else `text`.
 */
export async function preferredFormat<F extends string>(flag: F | undefined, env: NodeJS.ProcessEnv, supported: readonly F[]): Promise<F> {
  if (flag !== undefined) return flag;
  const stored = (await readOperatorConfig(env)).format;
  return supported.find((format) => format === stored) ?? (supported.includes('text' as F) ? ('text' as F) : (supported[0] as F));
}
