import type { Option } from './commander.js';
import { InvalidArgumentError, Option as OptionClass } from './commander.js';

/** The commands that take several manifests (file or glob arguments, or repeated -m), as a refusal names them. */
export const SEVERAL_MANIFESTS =
  'status, pause, resume, enable, disable, org enable|disable, validate, export and guard serve|check take several';

/** Repeated `-m` values, in order. */
export function collectManifests(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/**
 * `-m, --manifest <path>` for a command that reads one manifest (`command`, as the user types it).
 * A second `-m` is refused (exit 2) rather than silently winning over the first, and the refusal
 * names the commands that take several. The program is built afresh for every run, and so is this option.
 * `defaultValue` null: no default (the command resolves it, as `audit` does from its parent's option).
 */
export function oneManifestOption(command: string, description: string, defaultValue: string | null = 'rollout.json'): Option {
  let given: string | undefined;
  const option = new OptionClass('-m, --manifest <path>', description).argParser((value: string) => {
    if (given !== undefined) {
      throw new InvalidArgumentError(
        `\`${command}\` reads one manifest, and -m was given more than once (${given}, then ${value}); ${SEVERAL_MANIFESTS}`,
      );
    }
    given = value;
    return value;
  });
  return defaultValue === null ? option : option.default(defaultValue);
}

/** Repeated `-m, --manifest <path>`, the same on every command that takes several manifests besides its file arguments. */
export function manifestsOption(verb: string): Option {
  return new OptionClass('-m, --manifest <path>', `a manifest to ${verb} (repeatable; same as a file argument)`).argParser(
    collectManifests,
  );
}
