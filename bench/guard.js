/* global fetch, performance */
// The guard's two measured figures (issue 13), run by `npm run bench` after the start-up cases,
// or alone with `node bench/guard.js` (BENCH_GUARD_RUNS runs per setting, default 5):
// 1. time to contain: for a `disable` alert, from the exporter's breach to the exported flag
//    evaluating false (flagd-core), through a real Prometheus (scrape and evaluation every 1 s)
//    and a real Alertmanager, at group_wait 0 s and 1 s (the "0–1 s"), with what it is
//    made of: scrape and evaluation, Prometheus → Alertmanager → webhook (group_wait included),
//    the guard's decision with its locked, audited write, its flag export, and the poll;
// 2. throughput: 1,000 webhook deliveries for 50 agents, checked for lost or doubled entries.
// It asserts nothing: it prints medians and the targets beside them.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FlagdCore } from '@openfeature/flagd-core';
import { ALERTMANAGER_BIN, startAlertmanager, startExporter, startPrometheus } from './alerting-stack.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'agent-rollout.js');
const TOKEN = 'bench-guard-token-0123456789abcdef';
const example = JSON.parse(readFileSync(join(root, 'examples', 'support-triage', 'rollout.json'), 'utf8'));

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The support-triage example as agent `id`, with one disable alert on a gauge of its own. */
function agentManifest(id) {
  const manifest = JSON.parse(JSON.stringify(example).replaceAll('support-triage', id));
  manifest.metrics.signals.security_events.query = `sum(bench_security_events{agent="${id}"})`;
  manifest.metrics.alerts = [
    { id: 'guardrail-rate', signal: 'guardrail_trigger_rate', max: 0.05, action: 'pause' },
    { id: 'security-event', signal: 'security_events', max: 0, action: 'disable' },
  ];
  return manifest;
}

async function writeAgents(dir, count) {
  const ids = Array.from({ length: count }, (_, i) => `agent-${String(i + 1).padStart(2, '0')}`);
  for (const id of ids) {
    await mkdir(join(dir, 'agents', id), { recursive: true });
    await writeFile(join(dir, 'agents', id, 'rollout.json'), `${JSON.stringify(agentManifest(id), null, 2)}\n`);
  }
  return ids;
}

function run(args, cwd) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

async function startGuard(cwd, args) {
  const child = spawn(
    process.execPath,
    [bin, 'guard', 'serve', 'agents/*/rollout.json', '--listen', '127.0.0.1:0', '--log-format', 'json', ...args],
    {
      cwd,
      env: { ...process.env, AGENT_ROLLOUT_GUARD_TOKEN: TOKEN, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  const deadline = Date.now() + 30_000;
  let port;
  while (!(port = /on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr)?.[1])) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`guard serve did not start:\n${stderr}`);
    await sleep(20);
  }
  const exited = new Promise((r) => child.on('close', r));
  return {
    url: `http://127.0.0.1:${port}`,
    logs: () =>
      stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line)),
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function flagEnabled(text, id) {
  const core = new FlagdCore();
  core.setConfigurations(text);
  // support-pilot: the pilot org of the example every agent is made from.
  return core.resolveBooleanEvaluation(`${id}.enabled`, true, { orgId: 'support-pilot' }).value;
}

async function timeToContain(runs, groupWait) {
  const dir = await mkdtemp(join(tmpdir(), 'agent-rollout-bench-guard-'));
  const stack = [];
  try {
    const ids = await writeAgents(dir, runs);
    await run(['export', 'prometheus-rules', 'agents/*/rollout.json', '--out', 'rules.yml'], dir);
    await run(['export', 'flagd', 'agents/*/rollout.json', '--out', 'flags.json'], dir);
    const tokenFile = join(dir, 'guard.token');
    await writeFile(tokenFile, TOKEN);
    await chmod(tokenFile, 0o600);
    // Remember when each agent's breach was first scraped.
    const exporter = await startExporter();
    stack.push(() => exporter.close());
    for (const id of ids) exporter.set(`bench_security_events{agent="${id}"}`, 0);
    const guard = await startGuard(dir, ['--flagd-out', 'flags.json']);
    stack.push(() => guard.stop());
    const alertmanager = await startAlertmanager({ dir, webhookUrl: `${guard.url}/alertmanager`, tokenFile, groupWait });
    stack.push(() => alertmanager.stop());
    const prometheus = await startPrometheus({
      dir,
      rulesFile: join(dir, 'rules.yml'),
      exporterTarget: exporter.target,
      alertmanagerTarget: `127.0.0.1:${alertmanager.port}`,
    });
    stack.push(() => prometheus.stop());
    // Wait for a few scrapes so every series exists before the first breach.
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(200)) {
      const body = await (await fetch(`${prometheus.url}/api/v1/query?query=count(bench_security_events)`)).json();
      if (Number(body.data?.result?.[0]?.value?.[1]) === ids.length) break;
    }
    await sleep(2000);
    const samples = [];
    for (const id of ids) {
      if (!flagEnabled(await readFile(join(dir, 'flags.json'), 'utf8'), id)) throw new Error(`${id} is off before its breach`);
      const breachAt = Date.now();
      exporter.set(`bench_security_events{agent="${id}"}`, 1);
      let containedAt;
      for (const deadline = breachAt + 60_000; Date.now() < deadline; await sleep(5)) {
        const text = await readFile(join(dir, 'flags.json'), 'utf8').catch(() => '');
        if (text && !flagEnabled(text, id)) {
          containedAt = Date.now();
          break;
        }
      }
      const handled = guard
        .logs()
        .filter((l) => l.event === 'handled')
        .at(-1);
      const alerts = (await (await fetch(`${prometheus.url}/api/v1/alerts`)).json()).data.alerts;
      const active = alerts.find((a) => a.labels.agent === id && a.labels.action === 'disable');
      const activeAt = active ? Date.parse(active.activeAt) : NaN;
      const receivedAt = handled ? Date.parse(handled.receivedAt) : NaN;
      samples.push({
        total: containedAt - breachAt,
        // breach → the evaluation that saw it (scrape interval + evaluation phase; `for` is 0s here)
        scrapeAndEval: activeAt - breachAt,
        // that evaluation → the guard receiving the webhook (Prometheus → Alertmanager, group_wait, dispatch)
        alerting: receivedAt - activeAt,
        guard: handled?.ms ?? NaN,
        // the guard's parts (its log line): the decision with its locked, audited write; the flag export
        decide: handled?.decideMs ?? NaN,
        flags: handled?.flagsMs ?? NaN,
        // the flag file written → this poll noticing it (≤ 5 ms poll + flagd-core evaluation)
        rest: containedAt - receivedAt - (handled?.ms ?? 0),
      });
    }
    return samples;
  } finally {
    for (const stop of stack.reverse()) await stop().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

async function throughput(agents, deliveries, concurrency) {
  const dir = await mkdtemp(join(tmpdir(), 'agent-rollout-bench-guard-'));
  let guard;
  try {
    const ids = await writeAgents(dir, agents);
    guard = await startGuard(dir, ['--flagd-out', 'flags.json']);
    const bodies = Array.from({ length: deliveries }, (_, i) => {
      const id = ids[i % agents];
      const disable = Math.floor(i / agents) % 2 === 1;
      const name = disable ? `${id.replace(/(^|-)(\w)/g, (_m, _s, c) => c.toUpperCase())}SecurityEvent` : 'AnyPauseAlert';
      return JSON.stringify({
        version: '4',
        status: 'firing',
        alerts: [
          {
            status: 'firing',
            labels: { alertname: name, agent: id, action: disable ? 'disable' : 'pause' },
            annotations: { summary: `bench ${i}` },
            startsAt: new Date().toISOString(),
            fingerprint: `${i}`,
            generatorURL: '',
          },
        ],
      });
    });
    const statuses = new Map();
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < bodies.length) {
          const body = bodies[next++];
          const response = await fetch(`${guard.url}/alertmanager`, {
            method: 'POST',
            headers: { authorization: `Bearer ${TOKEN}` },
            body,
          });
          await response.arrayBuffer();
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    let entries = 0;
    let wrong = 0;
    for (const id of ids) {
      const lines = (await readFile(join(dir, 'agents', id, 'rollout.audit.jsonl'), 'utf8')).trim().split('\n');
      const actions = lines.map((l) => JSON.parse(l).action).sort();
      entries += lines.length;
      if (actions.join(',') !== 'disable,pause') wrong++;
    }
    const verify = await run(['audit', 'verify', '-m', `agents/${ids[0]}/rollout.json`], dir);
    return { seconds, statuses: Object.fromEntries(statuses), entries, wrong, verified: verify.code === 0 };
  } finally {
    await guard?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function benchGuard() {
  if (!existsSync(ALERTMANAGER_BIN) || !existsSync('/usr/bin/prometheus')) {
    console.log('\nguard: skipped (needs prometheus and prometheus-alertmanager)');
    return;
  }
  const runs = Number(process.env.BENCH_GUARD_RUNS ?? 5);
  for (const groupWait of ['0s', '1s']) {
    const samples = await timeToContain(runs, groupWait);
    const part = (key, digits = 0) => median(samples.map((s) => s[key])).toFixed(digits);
    console.log(`\nguard: time to contain a disable alert (${runs} runs; scrape and evaluation 1 s, group_wait ${groupWait}, for 0 s)`);
    console.log(`  each run, ms:       ${samples.map((s) => s.total).join(', ')}`);
    console.log(`  median total:       ${part('total')} ms  (target: under 5000 ms)`);
    console.log(`  medians of its parts (each its own median: they need not add up to the total's):`);
    console.log(`    scrape + rule evaluation (breach → the evaluation that fired): ${part('scrapeAndEval')} ms`);
    console.log(`    Prometheus → Alertmanager → webhook (incl. group_wait ${groupWait}):  ${part('alerting')} ms`);
    console.log(`    guard, in all (request → answer):                              ${part('guard', 1)} ms  (target: under 100 ms)`);
    console.log(`      decision and its locked, audited write:                      ${part('decide', 1)} ms`);
    console.log(`      flag export (every served manifest, written atomically):     ${part('flags', 1)} ms`);
    console.log(`    flag file written → seen by this poll (5 ms) and flagd-core:   ${part('rest')} ms`);
  }
  const t = await throughput(50, 1000, 20);
  console.log(`\nguard: throughput, 1,000 deliveries for 50 agents (20 at a time, --flagd-out on)`);
  console.log(`  ${t.seconds.toFixed(1)} s, ${(1000 / t.seconds).toFixed(0)} deliveries/s; answers ${JSON.stringify(t.statuses)}`);
  console.log(
    `  audit entries: ${t.entries} (expected 100: one pause and one disable per agent); agents with a lost or doubled entry: ${t.wrong}; audit verify: ${t.verified ? 'ok' : 'FAILED'}`,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchGuard();
