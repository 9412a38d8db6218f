import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile, mkdir, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as Cli from '../../src/cli.js';
import type { Io, StopSignal } from '../../src/ui/io.js';
import { wantsColor } from '../../src/ui/io.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = join(ROOT, 'bin', 'agent-rollout.js');
export const EXAMPLES = join(ROOT, 'examples');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  /** Written to standard input, which is then closed. */
  input?: string;
  env?: Record<string, string | undefined>;
}

/** The environment a test runs the program in: PATH, HOME and NO_COLOR=1, then `extra` (undefined removes). */
function strippedEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: process.env['HOME'] ?? '/tmp',
    NO_COLOR: '1',
  };
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/**
 * Runs the built binary as a user would, in a stripped environment (no colour, no CI
 * variables leaking in), and collects its output.
 */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const env = strippedEnv(options.env);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** An Io that captures what the program writes, for `runInProcess`. */
export interface CapturingIo extends Io {
  stdout(): string;
  stderr(): string;
  /** The signal handlers the run installed and has not removed (recorded, never installed on this process). */
  signalHandlers(): { signals: readonly StopSignal[]; handler: (signal: StopSignal) => void }[];
  /** Calls the handlers recorded for `signal`, as the process would on receiving it. */
  deliver(signal: StopSignal): void;
}

/**
 * An Io for an in-process run: no terminal, the environment and folder given, standard input
 * `input` (then end of file), colour as the environment asks (NO_COLOR, FORCE_COLOR). Signal
 * handlers are recorded, not installed: signals are tested on the binary.
 */
export function capturingIo(options: { cwd: string; env: Record<string, string>; input?: string }): CapturingIo {
  let stdout = '';
  let stderr = '';
  let stdin: Readable | undefined;
  const handlers = new Set<{ signals: readonly StopSignal[]; handler: (signal: StopSignal) => void }>();
  return {
    out: (text) => void (stdout += text),
    err: (text) => void (stderr += text),
    get stdin() {
      stdin ??= Readable.from([Buffer.from(options.input ?? '')]);
      return stdin;
    },
    stdoutIsTTY: false,
    stderrIsTTY: false,
    stdinIsTTY: false,
    columns: undefined,
    color: wantsColor(false, options.env, undefined),
    errColor: wantsColor(false, options.env, undefined),
    env: options.env,
    cwd: options.cwd,
    onSignal: (signals, handler) => {
      const record = { signals, handler };
      handlers.add(record);
      return () => void handlers.delete(record);
    },
    handlesSignal: (signal) => [...handlers].some((record) => record.signals.includes(signal)),
    exitNow: (how) => {
      throw new Error(`the program asked to exit at once (${JSON.stringify(how)}) in an in-process run: test that on the binary`);
    },
    stdout: () => stdout,
    stderr: () => stderr,
    signalHandlers: () => [...handlers],
    deliver: (signal) => {
      for (const record of [...handlers]) if (record.signals.includes(signal)) record.handler(signal);
    },
  };
}

let program: Promise<typeof Cli> | undefined;

/**
 * Runs the program inside this process, as `runCli` runs the binary: the same arguments,
 * options (`cwd`, `input`, `env`), stripped environment and result (`signal` is always null),
 * in a fraction of the time. It runs the build's dist/cli.js (`npm run build` first), whose
 * schema validator is precompiled: a command finds the same code the binary bundles. Nothing
 * is kept between runs but loaded modules: each builds its program afresh, with its own Io.
 * What needs a real process stays on `runCli`: exit codes end to end, signals, terminals,
 * crashes and kills, permissions (docs/architecture.md, "Tests").
 */
export async function runInProcess(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const { io, done } = startInProcess(args, options);
  const code = await done;
  return { code, signal: null, stdout: io.stdout(), stderr: io.stderr() };
}

/**
 * Starts the program inside this process without waiting for it, for a command that runs until
 * it is stopped (`guard serve`): `io` shows its output as it comes and `io.deliver('SIGTERM')`
 * stops it; `done` is its exit code, and fails when the run left a signal handler installed.
 */
export function startInProcess(args: readonly string[], options: CliOptions = {}): { io: CapturingIo; done: Promise<number> } {
  program ??= import(pathToFileURL(join(ROOT, 'dist', 'cli.js')).href) as Promise<typeof Cli>;
  const io = capturingIo({
    cwd: options.cwd ?? ROOT,
    env: strippedEnv(options.env),
    ...(options.input !== undefined ? { input: options.input } : {}),
  });
  const done = (async () => {
    const code = await (await (program as Promise<typeof Cli>)).runProgram(args, io);
    // A handler left installed would outlive the command in the binary too: a bug, not a test's.
    const left = io.signalHandlers();
    if (left.length > 0) throw new Error(`${args.join(' ')} left ${left.length} signal handler(s) installed`);
    return code;
  })();
  return { io, done };
}

/** A fresh temporary folder; `cleanup` removes it. */
export async function tempDir(prefix = 'agent-rollout-test-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes files (path relative to `dir` → content) and returns their absolute paths. */
export async function writeFiles(dir: string, files: Record<string, string | Uint8Array>): Promise<string[]> {
  const written: string[] = [];
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
    written.push(path);
  }
  return written;
}

/** Copies one bundled example (its manifest, scripts and cases) into `dir`. */
export async function copyExample(name: string, dir: string): Promise<string> {
  const target = join(dir, name);
  await cp(join(EXAMPLES, name), target, { recursive: true, filter: (source) => !source.includes(`${name}/.state`) });
  return target;
}

/** Parses JSON output, failing the test with the raw text when it is not JSON. */
export function parseJsonOutput<T = Record<string, unknown>>(text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`output is not JSON:\n${text}`);
  }
}
