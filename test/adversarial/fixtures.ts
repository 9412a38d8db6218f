import { spawn } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BIN, copyExample } from '../helpers/cli.js';
import type { CliResult } from '../helpers/cli.js';

/**
 * Hostile fixtures for the safety promises (docs/security.md): a project made from the
 * support-triage example with its manifest edited, and ways to run the built binary that a test
 * can bound (a command that should end but hangs is killed and reported, not waited out) or run
 * on a small or read-only disk (a mount namespace with a tmpfs; the tests run as root).
 */

let count = 0;

/** A copy of the support-triage example in `root`, its manifest edited by `edit`, with extra executable scripts. */
export async function project(
  root: string,
  edit: (manifest: Record<string, any>) => void = () => undefined,
  scripts: Record<string, string> = {},
): Promise<string> {
  const folder = await copyExample('support-triage', join(root, `p${++count}`));
  const path = join(folder, 'rollout.json');
  const manifest = JSON.parse(await readFile(path, 'utf8')) as Record<string, any>;
  edit(manifest);
  await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`);
  for (const [name, text] of Object.entries(scripts)) {
    await mkdir(join(folder, 'scripts'), { recursive: true });
    await writeFile(join(folder, 'scripts', name), text);
    await chmod(join(folder, 'scripts', name), 0o755);
  }
  return folder;
}

/** A rollback section of run steps (`[id, argv]`), with short timeouts. */
export function rollback(steps: [string, string[]][], restore: [string, string[]][] = [], timeout = '5s'): Record<string, unknown> {
  return {
    window: '1m',
    steps: steps.map(([id, run]) => ({ id, description: id, run, timeout })),
    verify: [],
    restore: restore.map(([id, run]) => ({ id, description: id, run, timeout })),
  };
}

function cliEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: process.env['HOME'] ?? '/tmp',
    NO_COLOR: '1',
    AGENT_ROLLOUT_ACTOR: 'adversary-test',
  };
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

export interface BoundedResult extends CliResult {
  /** The command was still running at the limit and was killed by the test: the promise broke. */
  hung: boolean;
}

/**
 * Runs a program (the binary, or a shell that runs it), killing it (and reporting `hung`) if it
 * is still running after `limitMs`: a generous bound, so that a broken promise fails the test
 * in seconds instead of waiting out a 300 s daemon. `onStart` gets the child (to send it a signal).
 */
export function runBounded(
  file: string,
  args: readonly string[],
  options: {
    cwd: string;
    env?: Record<string, string | undefined>;
    input?: string;
    limitMs?: number;
    onStderr?: (text: string, child: ReturnType<typeof spawn>) => void;
    onStart?: (child: ReturnType<typeof spawn>) => void;
  },
): Promise<BoundedResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd, env: cliEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, options.limitMs ?? 20_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      options.onStderr?.(stderr, child);
    });
    child.on('error', reject);
    // 'exit', not 'close': a daemon the command left may hold these pipes; the test does not wait for it.
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        resolve({ code, signal, stdout, stderr, hung });
      }, 100);
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
    options.onStart?.(child);
  });
}

/** Runs the built binary with `args` in `cwd`, bounded (see runBounded). */
export function cli(
  args: readonly string[],
  options: {
    cwd: string;
    env?: Record<string, string | undefined>;
    input?: string;
    limitMs?: number;
    onStart?: (child: ReturnType<typeof spawn>) => void;
  },
): Promise<BoundedResult> {
  return runBounded(process.execPath, [BIN, ...args], options);
}

/** Runs `bash -c script` with $CLI set to the binary (for process substitution, FIFOs with writers). */
export function bash(
  script: string,
  options: { cwd: string; env?: Record<string, string | undefined>; limitMs?: number },
): Promise<BoundedResult> {
  return runBounded('bash', ['-c', script], { ...options, env: { ...options.env, CLI: `${process.execPath} ${BIN}` } });
}

/**
 * Runs the binary in its own mount namespace, in a copy of `folder` on a tmpfs of `sizeKb`:
 * `readOnly` remounts it read-only before the command; `fill` fills it first, so every write
 * fails with ENOSPC (or leaves only `freeKb`, so the first writes work and a later one fails). Afterwards the tmpfs's contents are copied to `out`, for the test to look at.
 */
export function onSmallDisk(
  folder: string,
  out: string,
  args: readonly string[],
  options: {
    sizeKb?: number;
    readOnly?: boolean;
    fill?: boolean;
    freeKb?: number;
    env?: Record<string, string | undefined>;
    mount: string;
  },
): Promise<BoundedResult> {
  const script = [
    'set -e',
    'mount -t tmpfs -o "size=${SIZE_KB}k" tmpfs "$MNT"',
    'cp -a "$SRC"/. "$MNT"/',
    'if [ -n "$FILL" ]; then dd if=/dev/zero of="$MNT/.fill" bs=1k >/dev/null 2>&1 || true; fi',
    'if [ -n "$FREE_KB" ]; then truncate -s "-${FREE_KB}K" "$MNT/.fill"; fi',
    'if [ -n "$RO" ]; then mount -o remount,ro "$MNT"; fi',
    'set +e',
    'cd "$MNT"',
    '"$NODE" "$BIN" "$@"',
    'code=$?',
    'rm -f "$OUT/.fill"',
    'cp -a "$MNT"/. "$OUT"/',
    'rm -f "$OUT/.fill"',
    'exit $code',
  ].join('\n');
  return runBounded('unshare', ['-m', 'sh', '-c', script, 'sh', ...args], {
    cwd: folder,
    env: {
      ...options.env,
      MNT: options.mount,
      SRC: folder,
      OUT: out,
      NODE: process.execPath,
      BIN,
      SIZE_KB: String(options.sizeKb ?? 256),
      FILL: options.fill || options.freeKb !== undefined ? '1' : '',
      FREE_KB: options.freeKb === undefined ? '' : String(options.freeKb),
      RO: options.readOnly ? '1' : '',
    },
  });
}

/** Lines of output that look like a stack trace: never shown to a user. */
export function stackLines(text: string): string[] {
  return text.split('\n').filter((line) => /^\s+at .+\(.*:\d+:\d+\)$|^\s+at .+:\d+:\d+$|This is a bug in agent-rollout/.test(line));
}

/** Waits until `condition` holds, checking every 20 ms, for at most `limitMs`; false if it never did. */
export async function waitFor(condition: () => boolean, limitMs = 15_000): Promise<boolean> {
  for (let waited = 0; waited < limitMs; waited += 20) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return condition();
}
