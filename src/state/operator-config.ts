import { join } from 'node:path';
import { InputError } from '../errors.js';

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
        schema: {
          actor: { type: 'string', minLength: 1 },
          format: { type: 'string', enum: ['text', 'json', 'markdown'] },
        },
      }),
  );
  where = store.path;
  return {
    get: (key) => readable(() => store.get(key)),
    set: (key, value) => readable(() => store.set(key, value)),
    delete: (key) => readable(() => store.delete(key)),
    all: () => readable(() => ({ ...store.store })),
    path: store.path,
  };
}

/** The values a key takes, when it takes only some (`format`); undefined for free text (`actor`). */
export const CONFIG_CHOICES: Record<ConfigKey, readonly string[] | undefined> = {
  actor: undefined,
  format: ['text', 'json', 'markdown'],
};

/**
 * The output format of a command: `--format` when given, else the stored `format` when the
 * command renders it, else `text`.
 */
export async function preferredFormat<F extends string>(flag: F | undefined, env: NodeJS.ProcessEnv, supported: readonly F[]): Promise<F> {
  if (flag !== undefined) return flag;
  const stored = (await openConfigStore(env)).get('format');
  return supported.find((format) => format === stored) ?? (supported.includes('text' as F) ? ('text' as F) : (supported[0] as F));
}
