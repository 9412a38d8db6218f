import { performance } from 'node:perf_hooks';

/**
 * Runs the commands of drills and guardrail tests. Each command starts in a process group of its
 * own (`detached`), so that a timeout or Ctrl-C can kill it together with everything it started
 * (`process.kill(-pid, 'SIGKILL')`): a script that forks a `sleep` leaves nothing behind.
 */

/** The process groups running now, so that an immediate exit (a second Ctrl-C) can kill them first. */
export class ProcessGroups {
  readonly #pids = new Set<number>();

  add(pid: number): void {
    this.#pids.add(pid);
  }

  delete(pid: number): void {
    this.#pids.delete(pid);
  }

  /** Kills every running group at once (synchronous, safe in a signal handler). */
  killAll(): void {
    for (const pid of this.#pids) killGroup(pid);
    this.#pids.clear();
  }

  get size(): number {
    return this.#pids.size;
  }
}

/** Kills a process group; a group that is already gone is fine. */
export function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: nothing left to kill.
  }
}

export interface CommandSpec {
  /** The argv; with `shell`, its items joined by spaces are the command line. */
  argv: readonly string[];
  cwd: string;
  /** The whole environment of the command (nothing else is inherited). */
  env: NodeJS.ProcessEnv;
  shell?: boolean;
  timeoutMs: number;
  /** Written to standard input, which is then closed; without it, stdin is /dev/null. */
  input?: string;
  /** Aborting kills the command's process group. */
  signal?: AbortSignal;
  groups?: ProcessGroups;
}

export interface CommandOutcome {
  /** undefined when the command did not start or was killed. */
  exitCode?: number;
  /** The signal that ended it, e.g. SIGKILL after a timeout. */
  signal?: string;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they were written. */
  output: string;
  timedOut: boolean;
  interrupted: boolean;
  /** Why it could not start: `command not found: ./scripts/x.sh`. */
  startError?: string;
  /** It exited, but processes it left behind kept its output open; they were killed. */
  leftoversKilled?: boolean;
  durationMs: number;
}

const MAX_BUFFER = 16 * 1024 * 1024;
/** How long a command's leftovers may hold its output open after it exited. */
const LEFTOVER_GRACE_MS = 1000;

function startErrorMessage(argv0: string, code: string | undefined, message: string): string {
  if (code === 'ENOENT') return `command not found: ${argv0}`;
  if (code === 'EACCES') return `permission denied: ${argv0} (is it executable?)`;
  return message;
}

/** Runs one command in its own process group, with a timeout; never throws for the command's own failures. */
export async function runCommand(spec: CommandSpec): Promise<CommandOutcome> {
  const { execa } = await import('execa');
  const shell = spec.shell === true;
  const [file = '', ...args] = shell ? [spec.argv.join(' ')] : spec.argv;
  const started = performance.now();
  const child = execa(file, args, {
    cwd: spec.cwd,
    env: spec.env,
    extendEnv: false,
    shell,
    detached: true,
    cleanup: false,
    stdin: spec.input === undefined ? 'ignore' : 'pipe',
    ...(spec.input === undefined ? {} : { input: spec.input }),
    all: true,
    reject: false,
    stripFinalNewline: false,
    maxBuffer: MAX_BUFFER,
    windowsHide: true,
  });
  const pid = child.pid;
  let timedOut = false;
  let interrupted = false;
  const kill = (): void => {
    if (pid !== undefined) killGroup(pid);
  };
  if (pid !== undefined) spec.groups?.add(pid);
  const timer = setTimeout(() => {
    timedOut = true;
    kill();
  }, spec.timeoutMs);
  const onAbort = (): void => {
    interrupted = true;
    kill();
  };
  if (spec.signal?.aborted) onAbort();
  else spec.signal?.addEventListener('abort', onAbort, { once: true });
  // A command that exits but leaves a background process holding its stdout would otherwise look
  // hung until its timeout: after a short grace, what is left of its group is killed.
  let leftoversKilled = false;
  let grace: NodeJS.Timeout | undefined;
  child.once('exit', () => {
    grace = setTimeout(() => {
      leftoversKilled = true;
      kill();
    }, LEFTOVER_GRACE_MS);
  });
  try {
    const result = await child;
    const text = (value: unknown): string => (typeof value === 'string' ? value : '');
    const outcome: CommandOutcome = {
      stdout: text(result.stdout),
      stderr: text(result.stderr),
      output: text(result.all),
      timedOut,
      interrupted,
      durationMs: Math.round(performance.now() - started),
    };
    if (leftoversKilled && !timedOut && !interrupted) outcome.leftoversKilled = true;
    if (typeof result.exitCode === 'number') outcome.exitCode = result.exitCode;
    if (result.signal) outcome.signal = result.signal;
    const code = (result as { code?: string }).code;
    if (result.failed && result.exitCode === undefined && !result.isTerminated && !timedOut && !interrupted) {
      outcome.startError = startErrorMessage(spec.argv[0] ?? '', code, result.shortMessage ?? 'the command could not start');
    }
    return outcome;
  } finally {
    clearTimeout(timer);
    clearTimeout(grace);
    spec.signal?.removeEventListener('abort', onAbort);
    if (pid !== undefined) spec.groups?.delete(pid);
  }
}

/** Why a command failed, in words: `timed out after 30s (killed with its children)`, `exit code 3`. */
export function describeFailure(outcome: CommandOutcome, timeoutText: string): string | undefined {
  if (outcome.interrupted) return 'interrupted (Ctrl-C); killed with its children';
  if (outcome.timedOut) return `timed out after ${timeoutText}; killed with its children`;
  if (outcome.startError) return outcome.startError;
  if (outcome.signal) return `killed by ${outcome.signal}`;
  if (outcome.exitCode !== 0) return `exit code ${String(outcome.exitCode)}`;
  return undefined;
}
