import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { CliOptions, CliResult } from './cli.js';
import { BIN, ROOT } from './cli.js';

/**
 * The built binary started without waiting for it, so a test can signal it, race it against
 * another, or watch what it says while it runs. The environment is stripped as in `runCli`
 * (PATH, HOME, NO_COLOR=1, then `options.env`; an undefined value removes a variable).
 */
export interface Started {
  child: ChildProcess;
  pid: number;
  /** The process's end: its exit code or signal and everything it wrote. */
  done: Promise<CliResult>;
  /** Waits (at most `timeoutMs`) until standard error shows `pattern`; fails if the process ends first. */
  stderrShows(pattern: string | RegExp, timeoutMs?: number): Promise<void>;
}

const running = new Set<ChildProcess>();

export function startCli(args: readonly string[], options: CliOptions = {}): Started {
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: process.env['HOME'] ?? '/tmp',
    NO_COLOR: '1',
  };
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  running.add(child);
  let stdout = '';
  let stderr = '';
  let ended = false;
  const listeners = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    for (const listener of [...listeners]) listener();
  });
  child.stdin.on('error', () => undefined);
  child.stdin.end(options.input ?? '');
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      running.delete(child);
      ended = true;
      for (const listener of [...listeners]) listener();
      resolve({ code, signal, stdout, stderr });
    });
  });
  const stderrShows = (pattern: string | RegExp, timeoutMs = 30_000): Promise<void> =>
    new Promise((resolve, reject) => {
      const shows = (): boolean => (typeof pattern === 'string' ? stderr.includes(pattern) : pattern.test(stderr));
      const finish = (error?: Error): void => {
        clearTimeout(timer);
        listeners.delete(check);
        if (error) reject(error);
        else resolve();
      };
      const check = (): void => {
        if (shows()) finish();
        else if (ended) finish(new Error(`the command ended before its stderr showed ${String(pattern)}:\n${stdout}${stderr}`));
      };
      const timer = setTimeout(
        () => finish(new Error(`stderr did not show ${String(pattern)} within ${timeoutMs} ms:\n${stderr}`)),
        timeoutMs,
      );
      listeners.add(check);
      check();
    });
  return { child, pid: child.pid as number, done, stderrShows };
}

/** Kills (SIGKILL) every started command still running: for an afterEach or afterAll, so a failed test leaves none behind. */
export function killStarted(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}
