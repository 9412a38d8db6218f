/* global fetch, AbortSignal, clearTimeout */
// A real alerting stack on 127.0.0.1 for the guard's end-to-end test and its bench: a small
// exporter the caller flips into a breach, Prometheus (Debian's `prometheus`) scraping it and
// evaluating the rules `export prometheus-rules` wrote, and Alertmanager (Debian's
// `prometheus-alertmanager`, no cluster) whose webhook receiver is `guard serve`. Intervals are
// short (scrape and evaluation 1 s) so a breach reaches the guard in seconds.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';

export const ALERTMANAGER_BIN = '/usr/bin/prometheus-alertmanager';

/** Waits (bounded) for Debian's Alertmanager package, which may still be being installed. */
export async function waitForAlertmanagerBinary(timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(ALERTMANAGER_BIN)) {
    if (Date.now() > deadline) throw new Error(`${ALERTMANAGER_BIN} is not installed (apt-get install prometheus-alertmanager)`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** An exporter whose gauges the caller sets; `/metrics` in the Prometheus text format. */
export async function startExporter() {
  const values = new Map();
  const server = createHttpServer((_request, response) => {
    const lines = [];
    for (const [key, value] of values) lines.push(`${key} ${value}`);
    const text = `${lines.join('\n')}\n`;
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    response.end(text);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  return {
    target: `127.0.0.1:${port}`,
    /** `name{labels}` → value. */
    set: (series, value) => values.set(series, value),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function waitReady(url, child, log, what) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}:\n${log()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} was not ready within 60s:\n${log()}`);
}

/** Starts a daemon listening on a free port (`args(port)`), waits for `readyPath`; retries a port taken in between. */
async function startDaemon(what, command, args, readyPath) {
  let lastError;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    let output = '';
    const child = spawn(command, args(port), { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk) => (output += chunk.toString()));
    child.stderr.on('data', (chunk) => (output += chunk.toString()));
    const exited = new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitReady(`${url}${readyPath}`, child, () => output, what);
    } catch (error) {
      lastError = error;
      child.kill('SIGKILL');
      await exited;
      continue;
    }
    return {
      url,
      port,
      log: () => output,
      stop: async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      },
    };
  }
  throw lastError ?? new Error(`${what} did not start`);
}

/**
 * Alertmanager with one route: alerts whose action is pause or disable go to the guard's
 * webhook, with the bearer token from `tokenFile`; `groupWait` and a 1 s group interval.
 */
export async function startAlertmanager({ dir, webhookUrl, tokenFile, groupWait = '0s' }) {
  const folder = join(dir, 'alertmanager');
  await mkdir(folder, { recursive: true });
  const config = join(folder, 'alertmanager.yml');
  await writeFile(
    config,
    [
      'route:',
      '  receiver: blackhole',
      "  group_by: ['alertname', 'agent']",
      '  routes:',
      '    - matchers: [\'action=~"pause|disable"\']',
      '      receiver: agent-rollout-guard',
      `      group_wait: ${groupWait}`,
      '      group_interval: 1s',
      '      repeat_interval: 1h',
      'receivers:',
      '  - name: blackhole',
      '  - name: agent-rollout-guard',
      '    webhook_configs:',
      `      - url: ${webhookUrl}`,
      '        send_resolved: true',
      '        http_config:',
      '          authorization:',
      `            credentials_file: ${tokenFile}`,
      '',
    ].join('\n'),
  );
  return startDaemon(
    'alertmanager',
    ALERTMANAGER_BIN,
    (port) => [
      `--config.file=${config}`,
      `--storage.path=${join(folder, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ],
    '/-/ready',
  );
}

/**
 * Prometheus scraping `exporterTarget` and evaluating `rulesFile` every second, alerting
 * `alertmanagerTarget` (none: the rules are evaluated, and nobody is told).
 */
export async function startPrometheus({ dir, rulesFile, exporterTarget, alertmanagerTarget }) {
  const folder = join(dir, 'prometheus');
  await mkdir(folder, { recursive: true });
  const config = join(folder, 'prometheus.yml');
  await writeFile(
    config,
    [
      'global:',
      '  scrape_interval: 1s',
      '  evaluation_interval: 1s',
      'rule_files:',
      `  - ${rulesFile}`,
      ...(alertmanagerTarget
        ? ['alerting:', '  alertmanagers:', '    - static_configs:', `        - targets: ['${alertmanagerTarget}']`]
        : []),
      'scrape_configs:',
      '  - job_name: agents',
      '    static_configs:',
      `      - targets: ['${exporterTarget}']`,
      '',
    ].join('\n'),
  );
  return startDaemon(
    'prometheus',
    'prometheus',
    (port) => [`--config.file=${config}`, `--storage.tsdb.path=${join(folder, 'data')}`, `--web.listen-address=127.0.0.1:${port}`],
    '/-/ready',
  );
}
