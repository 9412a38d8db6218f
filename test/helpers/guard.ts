import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BIN, EXAMPLES, startInProcess } from './cli.js';
import type { CapturingIo } from './cli.js';

export const TOKEN = 'test-guard-token-0123456789abcdef';

export interface RunningGuard {
  url: string;
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code and signal when the process ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then the exit. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Polls `check` until it returns something truthy, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts `agent-rollout guard serve` (the built binary) on port 0 and waits for its address. */
export async function startGuard(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string | undefined> },
): Promise<RunningGuard> {
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: process.env['HOME'] ?? '/tmp',
    NO_COLOR: '1',
    AGENT_ROLLOUT_GUARD_TOKEN: TOKEN,
  };
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  const child = spawn(process.execPath, [BIN, 'guard', 'serve', '--listen', '127.0.0.1:0', ...args], {
    cwd: options.cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  let ended = false;
  void exited.then(() => (ended = true));
  const port = await waitFor('the guard to listen', () => {
    if (ended) throw new Error(`guard serve exited:\n${stderr}`);
    return /on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr)?.[1];
  });
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    stop: async () => {
      if (!ended) child.kill('SIGTERM');
      return exited;
    },
  };
}

export interface InProcessGuard {
  url: string;
  io: CapturingIo;
  /** SIGTERM (delivered to the run's handlers), then its exit code. */
  stop(): Promise<number>;
}

/**
 * Starts `guard serve` inside this process (the program with a capturing Io), for what needs no
 * process of its own: `args` after `guard serve` (give a `--listen`); resolves once it listens.
 */
export async function startGuardInProcess(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string | undefined> },
): Promise<InProcessGuard> {
  const { io, done } = startInProcess(['guard', 'serve', ...args], {
    cwd: options.cwd,
    env: { AGENT_ROLLOUT_GUARD_TOKEN: TOKEN, ...options.env },
  });
  let ended: unknown;
  done.then(
    (code) => (ended = `exit ${code}`),
    (error) => (ended = error),
  );
  const address = await waitFor('the guard to listen', () => {
    if (ended !== undefined) throw new Error(`guard serve ended (${String(ended)}):\n${io.stderr()}`);
    return /on http:\/\/([^ ]+:\d+) /.exec(io.stderr())?.[1];
  });
  return {
    url: `http://${address}`,
    io,
    stop: async () => {
      io.deliver('SIGTERM');
      return done;
    },
  };
}

export interface TestAlert {
  alertname: string;
  agent: string;
  action: string;
  status?: 'firing' | 'resolved';
  summary?: string;
  fingerprint?: string;
  /** The `stage` label (default internal-pilot). */
  stage?: string;
}

/** An Alertmanager webhook payload (version 4). */
export function payload(alerts: readonly TestAlert[]): string {
  return JSON.stringify({
    version: '4',
    groupKey: '{}:{alertname="x"}',
    truncatedAlerts: 0,
    status: alerts.some((a) => a.status !== 'resolved') ? 'firing' : 'resolved',
    receiver: 'agent-rollout-guard',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example:9093',
    alerts: alerts.map((a) => ({
      status: a.status ?? 'firing',
      labels: { alertname: a.alertname, agent: a.agent, action: a.action, stage: a.stage ?? 'internal-pilot', severity: 'critical' },
      annotations: { summary: a.summary ?? `${a.alertname} fired` },
      startsAt: '2026-12-01T10:00:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus.example:9090/graph?g0.expr=x',
      fingerprint: a.fingerprint ?? 'f00dfeedf00dfeed',
    })),
  });
}

/** POSTs a body to the guard's /alertmanager, with the bearer token (null: no Authorization header). */
export async function deliver(
  url: string,
  body: string,
  token: string | null = TOKEN,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}/alertmanager`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
    body,
  });
  const text = await response.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { raw: text };
  }
  return { status: response.status, body: parsed };
}

/**
 * The support-triage example, changed for the guard: a `disable` alert on security events, and
 * (when given) a notify section; written to `<dir>/<folder>/rollout.json`.
 */
export async function guardManifest(
  dir: string,
  options: { folder?: string; agent?: string; notify?: unknown; promUrl?: string } = {},
): Promise<string> {
  const manifest = JSON.parse(await readFile(join(EXAMPLES, 'support-triage', 'rollout.json'), 'utf8')) as Record<string, any>;
  const agent = options.agent ?? 'support-triage';
  if (agent !== 'support-triage') {
    const text = JSON.stringify(manifest).replaceAll('support-triage', agent);
    Object.assign(manifest, JSON.parse(text));
  }
  manifest['metrics'].alerts[1].action = 'disable';
  if (options.promUrl) manifest['metrics'].sources.prom.url = options.promUrl;
  if (options.notify) manifest['notify'] = options.notify;
  const folder = options.folder ?? agent;
  const { mkdir } = await import('node:fs/promises');
  await mkdir(join(dir, folder), { recursive: true });
  const path = join(dir, folder, 'rollout.json');
  await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`);
  return path;
}
