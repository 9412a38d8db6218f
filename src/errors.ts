/**
 * Exit codes, the same for every command (DESIGN.md).
 */
export const ExitCode = {
  ok: 0,
  /** A negative finding: validation errors, a no-go gate, a failed drill. */
  findings: 1,
  /** Could not do the job: bad usage, unreadable input, a failed source. */
  failure: 2,
  /** Not enough evidence yet. */
  inconclusive: 3,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * A problem the user can fix. `src/cli.ts` prints its message (and hint) without a stack
 * and exits with its code; anything that is not a CliError is a bug and keeps its stack.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.failure,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Bad flags or arguments. */
export class UsageError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.failure, hint);
    this.name = 'UsageError';
  }
}

/** Input that cannot be read or understood: a missing file, invalid JSON, a source that failed. */
export class InputError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.failure, hint);
    this.name = 'InputError';
  }
}
