import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { BIN } from './cli.js';

const run = promisify(execFile);

export interface TerminalOptions {
  cwd: string;
  /** Added to a stripped environment (PATH, HOME, TERM, NO_COLOR=1). */
  env?: Record<string, string>;
  width?: number;
  height?: number;
  /** Standard output goes to this file instead of the terminal (prompts, on stderr, still show). */
  stdoutFile?: string;
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * The built binary in a real terminal: a tmux session on a socket of its own. The test reads
 * the screen (capture-pane) and types (send-keys); `waitFor` polls the screen for text with a
 * bounded wait, never a fixed sleep. When the command ends, the pane prints `[exit N]`.
 */
export class Terminal {
  /** How many times each text has been waited for: the next wait is for one more occurrence. */
  private readonly seen = new Map<string, number>();

  private constructor(
    private readonly socket: string,
    readonly cwd: string,
  ) {}

  /** Starts `agent-rollout <args>` in a new tmux session. */
  static async start(args: readonly string[], options: TerminalOptions): Promise<Terminal> {
    const socket = `agent-rollout-test-${process.pid}-${randomBytes(4).toString('hex')}`;
    const env: Record<string, string> = {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: process.env['HOME'] ?? '/tmp',
      TERM: 'xterm-256color',
      NO_COLOR: '1',
      ...options.env,
    };
    const assignments = Object.entries(env).map(([key, value]) => `${key}=${shellQuote(value)}`);
    const redirect = options.stdoutFile === undefined ? '' : ` > ${shellQuote(options.stdoutFile)}`;
    const command = `env -i ${assignments.join(' ')} ${shellQuote(process.execPath)} ${shellQuote(BIN)} ${args.map(shellQuote).join(' ')}${redirect}; echo "[exit $?]"; sleep 3600`;
    await run('tmux', [
      '-L',
      socket,
      '-f',
      '/dev/null',
      'new-session',
      '-d',
      '-x',
      String(options.width ?? 200),
      '-y',
      String(options.height ?? 50),
      '-c',
      options.cwd,
      command,
    ]);
    return new Terminal(socket, options.cwd);
  }

  /** Everything the terminal has shown: the scrollback and the screen, wrapped lines joined. */
  async screen(): Promise<string> {
    const { stdout } = await run('tmux', ['-L', this.socket, 'capture-pane', '-p', '-J', '-S', '-', '-t', '0']);
    return stdout.replace(/\n+$/, '\n');
  }

  /**
   * Waits until the terminal shows one more line matching `pattern` than it did the last time
   * this pattern was waited for, and returns that line. A question counts whether it is being
   * asked (`? `) or answered (`✔ `), so asking the same question again is a new occurrence and a
   * question already answered is never mistaken for the next one. Fails with the screen when the
   * text does not show up in time.
   */
  async waitFor(pattern: string | RegExp, timeoutMs = 15_000): Promise<string> {
    const key = String(pattern);
    const wanted = (this.seen.get(key) ?? 0) + 1;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = await this.screen();
      const test = (text: string) => (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text));
      const matches = screen.split('\n').filter((line) => test(line) || test(line.replace(/^✔ /, '? ')));
      if (matches.length >= wanted) {
        this.seen.set(key, wanted);
        return matches[wanted - 1] as string;
      }
      if (Date.now() > deadline)
        throw new Error(`the terminal did not show ${String(pattern)} (occurrence ${wanted}) within ${timeoutMs} ms; it shows:\n${screen}`);
      await sleep(40);
    }
  }

  /** Waits for a prompt, then types an answer and Enter. */
  async answer(prompt: string | RegExp, text: string): Promise<void> {
    await this.waitFor(prompt);
    // One tmux client for both (`;` separates its commands): each start is a fork of the test's worker.
    const typed = text === '' ? [] : ['send-keys', '-t', '0', '-l', '--', text, ';'];
    await run('tmux', ['-L', this.socket, ...typed, 'send-keys', '-t', '0', 'Enter']);
  }

  /** Waits for a prompt, then presses keys (tmux key names: Enter, Down, Space, C-c, or digits). */
  async choose(prompt: string | RegExp, ...keys: string[]): Promise<void> {
    await this.waitFor(prompt);
    await this.press(...keys);
  }

  /**
   * Takes the default of every question (Enter) until the question being asked contains `text`.
   * Each Enter waits until its question is answered (its line changes) before the next one.
   */
  async acceptDefaultsUntil(text: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lines = (await this.screen()).split('\n');
      const index = lines.findLastIndex((line) => line.startsWith('? '));
      const active = lines[index];
      if (active?.includes(text)) return;
      if (Date.now() > deadline)
        throw new Error(`no question with ${text} within ${timeoutMs} ms; the terminal shows:\n${lines.join('\n')}`);
      if (active === undefined) {
        await sleep(40);
        continue;
      }
      await this.press('Enter');
      while ((await this.screen()).split('\n')[index] === active) {
        if (Date.now() > deadline) throw new Error(`Enter did not answer: ${active}`);
        await sleep(40);
      }
    }
  }

  async type(text: string): Promise<void> {
    await run('tmux', ['-L', this.socket, 'send-keys', '-t', '0', '-l', '--', text]);
  }

  /** Presses keys in order, with one tmux client (send-keys takes several). */
  async press(...keys: string[]): Promise<void> {
    if (keys.length > 0) await run('tmux', ['-L', this.socket, 'send-keys', '-t', '0', ...keys]);
  }

  /** Waits for the command to end and returns its exit code. */
  async exitCode(timeoutMs = 15_000): Promise<number> {
    const line = await this.waitFor(/^\[exit \d+\]$/, timeoutMs);
    return Number(/\d+/.exec(line)?.[0]);
  }

  /** Ends the session and its server, and removes the server's socket file. */
  async close(): Promise<void> {
    await run('tmux', ['-L', this.socket, 'kill-server']).catch(() => undefined);
    const folder = join(process.env['TMUX_TMPDIR'] ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`);
    await rm(join(folder, this.socket), { force: true });
  }
}
