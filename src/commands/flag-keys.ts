import { UsageError } from '../errors.js';
import { contextKeyProblem } from '../export/flagd.js';

/** --context-key and --user-key, as `export flagd` and the guard take them: usable and distinct. */
export function checkFlagKeys(options: { contextKey: string; userKey: string }): void {
  for (const [flag, key] of [
    ['--context-key', options.contextKey],
    ['--user-key', options.userKey],
  ] as const) {
    const problem = contextKeyProblem(key);
    if (problem) throw new UsageError(`${flag} "${key}" cannot be used: ${problem}`);
  }
  if (options.contextKey === options.userKey) throw new UsageError('--context-key and --user-key must differ');
}
