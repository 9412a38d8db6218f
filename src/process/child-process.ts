import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

/**
 * The one way agent-rollout runs a command: drill steps and probes, the guardrail agent, metric
 * command sources. Each command starts in a process group of its own (`detached`), so that a
 * timeout or Ctrl-C kills it together with everything it started (`process.kill(-pid,
 * 'SIGKILL')`). The command ends when its process ends: a process it left holding its output
 * (even one that left the group with `setsid`) does not keep it waiting past a short grace, and
 * a timeout or an interrupt ends the wait even when the pipes stay open. Output is kept in
 * bounded memory: the head and the tail of each stream, with `… N bytes elided …` between.
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
  // -0 and -1 would be this process's own group and every process it may signal.
  if (!Number.isSafeInteger(pid) || pid <= 1) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: nothing left to kill.
  }
}

/** Every group this process runs, whoever started it: killed when a stop signal nobody handles arrives. */
const running = new ProcessGroups();
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let guards: [NodeJS.Signals, () => void][] = [];

/**
 * While commands run, a stop signal that no command handles itself (a gate querying command
 * sources) kills their process groups before the process dies of it: they run in groups of their
 * own, which a terminal's Ctrl-C or a SIGTERM to agent-rollout alone would not reach.
 */
function guardStopSignals(): void {
  if (guards.length > 0) return;
  for (const signal of STOP_SIGNALS) {
    if (process.listenerCount(signal) > 0) continue;
    const handler = (): void => {
      running.killAll();
      releaseStopSignals();
      process.kill(process.pid, signal);
    };
    process.on(signal, handler);
    guards.push([signal, handler]);
  }
}

function releaseStopSignals(): void {
  for (const [signal, handler] of guards) process.off(signal, handler);
  guards = [];
}

/** Bytes kept of a stream: the first `headMax` and the last `tailMax`; the count of the rest. */
export class BoundedOutput {
  readonly #head: Buffer[] = [];
  #headBytes = 0;
  #tail: Buffer[] = [];
  #tailBytes = 0;
  total = 0;

  constructor(
    readonly headMax: number,
    readonly tailMax: number,
  ) {}

  push(chunk: Buffer): void {
    this.total += chunk.length;
    let rest = chunk;
    if (this.#headBytes < this.headMax) {
      const take = Math.min(rest.length, this.headMax - this.#headBytes);
      this.#head.push(rest.subarray(0, take));
      this.#headBytes += take;
      rest = rest.subarray(take);
    }
    if (rest.length === 0) return;
    this.#tail.push(rest);
    this.#tailBytes += rest.length;
    while (this.#tail.length > 1 && this.#tailBytes - (this.#tail[0] as Buffer).length >= this.tailMax) {
      this.#tailBytes -= (this.#tail.shift() as Buffer).length;
    }
  }

  /** Bytes that are neither in the head nor in the tail. */
  get elided(): number {
    return Math.max(0, this.total - this.headMax - this.tailMax);
  }

  /** The text: the head, `… N bytes elided …` when some were, and the tail. */
  text(): string {
    const head = Buffer.concat(this.#head).toString('utf8');
    const tailBytes = Buffer.concat(this.#tail);
    const tail = tailBytes.subarray(Math.max(0, tailBytes.length - this.tailMax)).toString('utf8');
    const elided = this.elided;
    return elided > 0 ? `${head}\n… ${elided} bytes elided …\n${tail}` : `${head}${tail}`;
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
  /** Bytes kept of each stream (half from its start, half from its end); default 1 MB. */
  maxOutputBytes?: number;
  /**
   * What standard output beyond `maxOutputBytes` does: `elide` (the default) keeps its head and
   * tail and lets the command run on; `fail` stops it (its answer could not be read whole).
   */
  overflow?: 'elide' | 'fail';
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
  /** The system's code for a command that could not start (ENOENT, EACCES). */
  startErrorCode?: string;
  /** It exited, but processes it left behind kept its output open: its group was killed, and the wait ended. */
  leftoversKilled?: boolean;
  /** Standard output went past `maxOutputBytes` with `overflow: 'fail'`: the command was stopped. */
  overflowed?: boolean;
  /** Bytes the command printed (both streams), and how many of them `output` does not keep. */
  outputBytes: number;
  elidedBytes: number;
  durationMs: number;
}

const DEFAULT_MAX_OUTPUT = 1024 * 1024;
/** How long a command's leftovers may hold its output open after it exited. */
const LEFTOVER_GRACE_MS = 1000;
/** After the command's process ended (or was killed), how long its pipes may take to drain. */
const DRAIN_MS = 200;
/** After SIGKILL, how long to wait for the process to end before giving up on it. */
const KILL_WAIT_MS = 1000;

function startErrorMessage(argv0: string, code: string | undefined, message: string): string {
  if (code === 'ENOENT') return `command not found: ${argv0}`;
  if (code === 'EACCES') return `permission denied: ${argv0} (is it executable?)`;
  return message.split('\n')[0] ?? message;
}

/** Runs one command in its own process group, with a timeout; never throws for the command's own failures. */
export async function runCommand(spec: CommandSpec): Promise<CommandOutcome> {
  const shell = spec.shell === true;
  const [file = '', ...args] = spec.argv;
  const half = Math.max(1, Math.floor((spec.maxOutputBytes ?? DEFAULT_MAX_OUTPUT) / 2));
  const stdout = new BoundedOutput(half, half);
  const stderr = new BoundedOutput(half, half);
  const all = new BoundedOutput(half, half);
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);

  let child;
  try {
    child = shell
      ? spawn('/bin/sh', ['-c', spec.argv.join(' ')], {
          cwd: spec.cwd,
          env: spec.env,
          detached: true,
          stdio: [spec.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
          windowsHide: true,
        })
      : spawn(file, args, {
          cwd: spec.cwd,
          env: spec.env,
          detached: true,
          stdio: [spec.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
          windowsHide: true,
        });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      stdout: '',
      stderr: '',
      output: '',
      outputBytes: 0,
      elidedBytes: 0,
      timedOut: false,
      interrupted: false,
      startError: startErrorMessage(spec.argv[0] ?? '', code, (error as Error).message),
      ...(code ? { startErrorCode: code } : {}),
      durationMs: elapsed(),
    };
  }
  const pid = child.pid;
  let timedOut = false;
  let interrupted = false;
  let overflowed = false;
  let leftoversKilled = false;
  const kill = (): void => {
    if (pid !== undefined) killGroup(pid);
  };
  if (pid !== undefined) {
    spec.groups?.add(pid);
    running.add(pid);
    guardStopSignals();
  }

  return new Promise<CommandOutcome>((resolve, reject) => {
    const timers = new Set<NodeJS.Timeout>();
    const later = (ms: number, fn: () => void): void => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        fn();
      }, ms);
      timers.add(timer);
    };
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let startError: NodeJS.ErrnoException | undefined;
    let open = 2;
    let done = false;

    // Runs from event handlers and timers: an error of our own here must reach the caller (the
    // drill goes on to its restore), not crash the process as an uncaught exception.
    const finish = (): void => {
      if (done) return;
      done = true;
      try {
        resolve(settle());
      } catch (error) {
        reject(error);
      }
    };
    const settle = (): CommandOutcome => {
      for (const timer of timers) clearTimeout(timer);
      spec.signal?.removeEventListener('abort', onAbort);
      // Stop waiting for pipes a leftover process (one that escaped the group) still holds.
      child.stdout?.destroy();
      child.stderr?.destroy();
      child.stdin?.destroy();
      child.unref();
      if (pid !== undefined) {
        spec.groups?.delete(pid);
        running.delete(pid);
        if (running.size === 0) releaseStopSignals();
      }
      const outcome: CommandOutcome = {
        stdout: stdout.text(),
        stderr: stderr.text(),
        output: all.text(),
        outputBytes: all.total,
        elidedBytes: all.elided,
        timedOut,
        interrupted,
        durationMs: elapsed(),
      };
      if (leftoversKilled && !timedOut && !interrupted) outcome.leftoversKilled = true;
      if (overflowed) outcome.overflowed = true;
      if (exit?.code !== null && exit?.code !== undefined) outcome.exitCode = exit.code;
      if (exit?.signal) outcome.signal = exit.signal;
      if (startError && exit === undefined) {
        outcome.startError = startErrorMessage(spec.argv[0] ?? '', startError.code, startError.message);
        if (startError.code) outcome.startErrorCode = startError.code;
      }
      return outcome;
    };
    const closed = (): void => {
      open--;
      if (open === 0 && (exit !== undefined || startError !== undefined)) finish();
    };
    /** Killed (a timeout, an interrupt, too much output): wait for the process briefly, never for its pipes. */
    const stop = (): void => {
      kill();
      if (exit === undefined) later(KILL_WAIT_MS, finish);
    };

    const take = (into: BoundedOutput, isStdout: boolean) => (chunk: Buffer) => {
      into.push(chunk);
      all.push(chunk);
      if (isStdout && spec.overflow === 'fail' && !overflowed && into.total > half * 2) {
        overflowed = true;
        stop();
      }
    };
    child.stdout?.on('data', take(stdout, true));
    child.stderr?.on('data', take(stderr, false));
    child.stdout?.once('close', closed);
    child.stderr?.once('close', closed);
    if (spec.input !== undefined) {
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(spec.input);
    }
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (exit !== undefined || pid !== undefined) return;
      startError = error;
      if (open === 0) finish();
      else later(DRAIN_MS, finish);
    });
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      if (open === 0) return finish();
      if (timedOut || interrupted || overflowed) return later(DRAIN_MS, finish);
      // It exited, but something it started holds its output open: after a grace, kill what is
      // left of its group, and stop waiting for whatever escaped it.
      later(LEFTOVER_GRACE_MS, () => {
        leftoversKilled = true;
        kill();
        later(DRAIN_MS, finish);
      });
    });

    later(spec.timeoutMs, () => {
      if (exit !== undefined) return;
      timedOut = true;
      stop();
    });
    function onAbort(): void {
      if (exit !== undefined && open === 0) return;
      interrupted = true;
      if (exit !== undefined) {
        kill();
        later(DRAIN_MS, finish);
      } else stop();
    }
    if (spec.signal?.aborted) onAbort();
    else spec.signal?.addEventListener('abort', onAbort, { once: true });
  });
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
