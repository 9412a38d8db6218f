import { spawn, execFile } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from './cli.js';

const run = promisify(execFile);

const MINUTE = 60_000;
const DAY = 86_400_000;

/** The synthetic week: Monday 2026-11-02 00:00 UTC to Monday 2026-11-09 00:00 UTC, a sample every 5 minutes. */
export const WEEK_START = Date.parse('2026-11-02T00:00:00Z');
export const WEEK_END = WEEK_START + 7 * DAY;
const STEP = 5 * MINUTE;

/** When the canary agent had its security event ("day 5") and its error spike (day 3, two hours). */
export const CANARY_SECURITY_EVENT = WEEK_START + 4 * DAY + 10 * 60 * MINUTE;
export const CANARY_SPIKE = { start: WEEK_START + 2 * DAY + 10 * 60 * MINUTE, end: WEEK_START + 2 * DAY + 12 * 60 * MINUTE };

/** The agents in the data: a clean one, and a canary with a security event on day 5 and an error spike on day 3. */
export const AGENTS = ['support-triage', 'support-triage-canary'] as const;

/**
 * A week of agent metrics in OpenMetrics text: per agent, counters of invocations (2 per 5 min),
 * cost (0.082 USD each), errors (1%), guardrail output matches (none) and security events
 * (none for support-triage; one for the canary on day 5); the canary's errors rise to 10% for
 * two hours on day 3.
 */
export function agentWeekOpenMetrics(): string {
  type Family = { name: string; increment: (agent: string, t: number) => number; labels?: string };
  const families: Family[] = [
    { name: 'agent_invocations_total', increment: () => 2 },
    { name: 'agent_cost_usd_total', increment: () => 2 * 0.082 },
    {
      name: 'agent_invocation_errors_total',
      increment: (agent, t) => (agent.endsWith('canary') && t > CANARY_SPIKE.start && t <= CANARY_SPIKE.end ? 0.2 : 0.02),
    },
    { name: 'agent_guardrail_output_matches_total', increment: () => 0, labels: 'data_class="pii"' },
    {
      name: 'agent_security_events_total',
      increment: (agent, t) => (agent.endsWith('canary') && t > CANARY_SECURITY_EVENT - STEP && t <= CANARY_SECURITY_EVENT ? 1 : 0),
    },
  ];
  const lines: string[] = [];
  for (const family of families) {
    for (const agent of AGENTS) {
      const labels = `agent="${agent}"${family.labels ? `,${family.labels}` : ''}`;
      let value = 0;
      for (let t = WEEK_START; t <= WEEK_END; t += STEP) {
        if (t > WEEK_START) value += family.increment(agent, t);
        lines.push(`${family.name}{${labels}} ${Number(value.toFixed(6))} ${t / 1000}`);
      }
    }
  }
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export interface PrometheusServer {
  url: string;
  /** Stops the server (idempotent); the data folder is removed by `cleanup`. */
  stop(): Promise<void>;
  /** Stops the server and removes its data. */
  cleanup(): Promise<void>;
}

async function waitReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}:\n${log()}`);
    try {
      const response = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`prometheus was not ready within 60s:\n${log()}`);
}

/**
 * Backfills a TSDB from OpenMetrics text with `promtool tsdb create-blocks-from openmetrics`
 * and starts Debian's `prometheus` on 127.0.0.1 on a free port with it (no scrape targets,
 * retention long enough for any date).
 */
export async function startPrometheus(openMetrics: string): Promise<PrometheusServer> {
  const { dir, cleanup: removeDir } = await tempDir('agent-rollout-prom-');
  const data = join(dir, 'data.om');
  const tsdb = join(dir, 'tsdb');
  await writeFile(data, openMetrics);
  await run('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', data, tsdb], { maxBuffer: 64 * 1024 * 1024 });
  const config = join(dir, 'prometheus.yml');
  await writeFile(config, 'global:\n  scrape_interval: 1m\n');
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    let output = '';
    const child = spawn(
      'prometheus',
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${tsdb}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--storage.tsdb.retention.time=100y',
        '--query.lookback-delta=10m',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitReady(url, child, () => output);
    } catch (error) {
      lastError = error;
      child.kill('SIGKILL');
      continue;
    }
    const exited = new Promise<void>((r) => (child.exitCode !== null ? r() : child.once('exit', () => r())));
    const stop = async (): Promise<void> => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    };
    return {
      url,
      stop,
      cleanup: async () => {
        await stop();
        await removeDir();
      },
    };
  }
  await removeDir();
  throw lastError instanceof Error ? lastError : new Error('prometheus did not start');
}
