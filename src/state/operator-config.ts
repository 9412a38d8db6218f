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
  const store = new Conf<OperatorConfig>({
    projectName: 'agent-rollout',
    projectSuffix: '',
    ...(dir ? { cwd: dir } : {}),
    schema: {
      actor: { type: 'string', minLength: 1 },
      format: { type: 'string', enum: ['text', 'json', 'markdown'] },
    },
  });
  return {
    get: (key) => store.get(key),
    set: (key, value) => store.set(key, value),
    delete: (key) => store.delete(key),
    all: () => ({ ...store.store }),
    path: store.path,
  };
}
