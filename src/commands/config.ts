import { ExitCode, UsageError } from '../errors.js';
import { toJson } from '../render/format.js';
import { safeData } from '../render/safe-text.js';
import { renderTable } from '../render/table.js';
import type { ConfigKey } from '../state/operator-config.js';
import { CONFIG_CHOICES, CONFIG_KEYS, openConfigStore, preferredFormat } from '../state/operator-config.js';
import type { Io } from '../ui/io.js';
import type { ConfigFormat } from './formats.js';
import { CONFIG_FORMATS } from './formats.js';
import { checkedActor } from '../state/actor.js';

export interface ConfigCommandOptions {
  format?: ConfigFormat;
}

function configKey(key: string): ConfigKey {
  const known = CONFIG_KEYS.find((k) => k === key);
  if (!known) throw new UsageError(`there is no setting ${JSON.stringify(key)}`, `settings: ${CONFIG_KEYS.join(', ')}`);
  return known;
}

/** `agent-rollout config list`: every setting, set or not, and the file they are kept in. */
export async function configListCommand(options: ConfigCommandOptions, io: Io): Promise<number> {
  const store = await openConfigStore(io.env);
  const values = store.all();
  if ((await preferredFormat(options.format, io.env, CONFIG_FORMATS)) === 'json') {
    io.out(toJson({ path: store.path, settings: Object.fromEntries(CONFIG_KEYS.map((key) => [key, values[key] ?? null])) }));
  } else {
    const rows = CONFIG_KEYS.map((key) => [key, values[key] ?? '(not set)']);
    io.out(`${renderTable([], safeData(rows), { headless: true })}(kept in ${store.path})\n`);
  }
  return ExitCode.ok;
}

/** `agent-rollout config get KEY`: the value on standard output; exit 1 and no output when it is not set (like `git config`). */
export async function configGetCommand(key: string, options: ConfigCommandOptions, io: Io): Promise<number> {
  const known = configKey(key);
  const value = (await openConfigStore(io.env)).get(known);
  if ((await preferredFormat(options.format, io.env, CONFIG_FORMATS)) === 'json') io.out(toJson({ key: known, value: value ?? null }));
  else if (value !== undefined) io.out(`${value}\n`);
  return value === undefined ? ExitCode.findings : ExitCode.ok;
}

/** `agent-rollout config set KEY VALUE`. */
export async function configSetCommand(key: string, value: string, options: ConfigCommandOptions, io: Io): Promise<number> {
  const known = configKey(key);
  const choices = CONFIG_CHOICES[known];
  if (choices && !choices.includes(value))
    throw new UsageError(`${known} must be one of ${choices.join(', ')}; got ${JSON.stringify(value)}`);
  if (value.trim() === '') throw new UsageError(`${known} cannot be empty`, `to remove it, run \`agent-rollout config unset ${known}\``);
  // The stored actor is printed and recorded in audit trails: refused here as it would be at use.
  if (known === 'actor') checkedActor({ name: value, source: 'config' });
  const store = await openConfigStore(io.env);
  store.set(known, value);
  if ((await preferredFormat(options.format, io.env, CONFIG_FORMATS)) === 'json') io.out(toJson({ key: known, value, path: store.path }));
  else io.out(`${known} = ${value} (kept in ${store.path})\n`);
  return ExitCode.ok;
}

/** `agent-rollout config unset KEY`: removing a setting that is not set is fine. */
export async function configUnsetCommand(key: string, options: ConfigCommandOptions, io: Io): Promise<number> {
  const known = configKey(key);
  const store = await openConfigStore(io.env);
  const had = store.get(known) !== undefined;
  store.delete(known);
  if ((await preferredFormat(options.format, io.env, CONFIG_FORMATS)) === 'json')
    io.out(toJson({ key: known, value: null, removed: had, path: store.path }));
  else io.out(had ? `${known} unset\n` : `${known} was not set\n`);
  return ExitCode.ok;
}
