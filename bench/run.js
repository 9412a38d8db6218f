// npm run bench also measures the guard (bench/guard.js) after the start-up cases.
// npm run bench: the speed and memory targets of issue 8, measured against a baseline taken in
// the same run (`node -e 0`), so the ratios mean the same on a fast or a slow machine. It
// generates its data in a temporary folder, runs each case after a warm-up, and prints medians,
// ratios and each target beside the figure. It asserts nothing: it is not a test.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'agent-rollout.js');
const support = join(root, 'examples', 'support-triage', 'rollout.json');
const runs = Number(process.env.BENCH_RUNS ?? 9);
const warmups = 2;
const hasTime = existsSync('/usr/bin/time');

if (!existsSync(join(root, 'dist', 'bundle', 'main.js'))) {
  console.error('build first: npm run build');
  process.exitCode = 2;
  process.exit();
}

/** One run: wall time in ms and peak resident memory in MB (from GNU time, when present). */
function once(command, args, options = {}) {
  const argv = hasTime ? ['-f', '%M', command, ...args] : args;
  const start = process.hrtime.bigint();
  const spawnOptions = { ...options };
  delete spawnOptions.okStatus;
  delete spawnOptions.runs;
  delete spawnOptions.warmups;
  const result = spawnSync(hasTime ? '/usr/bin/time' : command, argv, { encoding: 'utf8', maxBuffer: 1 << 28, ...spawnOptions });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const kb = hasTime ? Number(result.stderr.trim().split('\n').at(-1)) : NaN;
  return { ms, mb: kb / 1024, status: result.status, stderr: result.stderr };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Median time and peak memory over `runs` runs after `warmups`. Each run is paired with a run of
 * `node -e 0` just before it, and `baselineMs` is the median of those: on a shared or noisy
 * machine the baseline then moves with the case, so the ratio holds still.
 */
function measure(command, args, options) {
  const count = options?.runs ?? runs;
  for (let i = 0; i < (options?.warmups ?? warmups); i++) once(command, args, options);
  const baselines = [];
  const samples = [];
  for (let i = 0; i < count; i++) {
    baselines.push(once(process.execPath, ['-e', '0']).ms);
    samples.push(once(command, args, options));
  }
  const ok = options?.okStatus ?? [0, 1];
  const failed = samples.find((s) => !ok.includes(s.status));
  return { ms: median(samples.map((s) => s.ms)), mb: Math.max(...samples.map((s) => s.mb)), failed, baselineMs: median(baselines) };
}

const cli = (...args) => [process.execPath, [bin, ...args]];
const commands = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' }).stdout;
const has = (name) => new RegExp(`^  ${name}\\b`, 'm').test(commands);

const work = mkdtempSync(join(tmpdir(), 'agent-rollout-bench-'));
const rows = [];
const fmt = (n, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

function report(name, result, baseline, target, met) {
  rows.push([
    name,
    `${fmt(result.ms)} ms`,
    baseline ? `${fmt(result.ms / baseline, 2)}×` : '',
    `${fmt(result.mb)} MB`,
    target,
    result.failed ? 'FAILED' : met ? 'met' : 'NOT met',
  ]);
}

try {
  const baseline = measure(process.execPath, ['-e', '0']);
  rows.push(['node -e 0 (baseline)', `${fmt(baseline.ms)} ms`, '1.00×', `${fmt(baseline.mb)} MB`, '', '']);

  const version = measure(...cli('--version'));
  report('agent-rollout --version', version, version.baselineMs, '≤ 1.5 × baseline', version.ms <= 1.5 * version.baselineMs);

  const one = measure(...cli('validate', support));
  report('validate support example', one, one.baselineMs, '≤ 2 × baseline', one.ms <= 2 * one.baselineMs);

  const ajvCli = join(root, 'node_modules', 'ajv-cli', 'dist', 'index.js');
  if (existsSync(ajvCli)) {
    const schema = join(root, 'schemas', 'rollout.v1.schema.json');
    const ajv = measure(process.execPath, [
      ajvCli,
      'validate',
      '--spec=draft2020',
      '-c',
      'ajv-formats',
      '--strict=false',
      '-s',
      schema,
      '-d',
      support,
    ]);
    report('  ajv-cli validate (same schema and file)', ajv, ajv.baselineMs, 'validate ≤ 0.5 × this', one.ms <= 0.5 * ajv.ms);
  } else {
    rows.push(['  ajv-cli validate', 'not installed', '', '', 'validate ≤ 0.5 × ajv-cli', 'skipped']);
  }

  const base = JSON.parse(readFileSync(support, 'utf8'));
  const many = join(work, 'many');
  mkdirSync(many);
  for (let i = 0; i < 1000; i++) {
    const manifest = structuredClone(base);
    manifest.agent.id = `agent-${i}`;
    writeFileSync(join(many, `agent-${String(i).padStart(4, '0')}.json`), JSON.stringify(manifest, null, 2));
  }
  const thousand = measure(...cli('validate', join(many, '*.json'), '--quiet'));
  report(
    'validate 1,000 manifests in one call',
    thousand,
    one.ms,
    '≤ 25 × one manifest; ≤ 150 MB',
    thousand.ms <= 25 * one.ms && thousand.mb <= 150,
  );

  if (has('gate')) {
    const series = [];
    const end = Date.parse('2026-11-20T00:00:00Z') / 1000;
    for (let i = 0; i < 1_000_000; i++) series.push([end - (1_000_000 - i) * 60, 0.001]);
    const pasted = {
      window: { start: new Date((end - 1_000_000 * 60) * 1000).toISOString(), end: new Date(end * 1000).toISOString() },
      values: {},
      series: { error_rate: series },
    };
    const gateDir = join(work, 'gate');
    mkdirSync(gateDir);
    const manifest = structuredClone(base);
    // At GA (its criterion holds every sample for 14d) and valid there: enforce, entered long ago.
    manifest.state.stage = 'general-availability';
    manifest.state.governanceMode = 'enforce';
    manifest.state.since = '2024-01-01T00:00:00Z';
    writeFileSync(join(gateDir, 'rollout.json'), JSON.stringify(manifest, null, 2));
    writeFileSync(join(gateDir, 'metrics.json'), JSON.stringify(pasted));
    // --no-sources: the pasted file is the evidence, nothing is fetched; go, no-go and
    // inconclusive (0, 1, 3) are all real evaluations, only an error (2) is a failed case.
    const gate = measure(
      ...cli('gate', '-m', join(gateDir, 'rollout.json'), '--metrics', join(gateDir, 'metrics.json'), '--no-sources', '--format', 'json'),
      { cwd: gateDir, okStatus: [0, 1, 3] },
    );
    report('gate, pasted series of 1,000,000 samples', gate, gate.baselineMs, '≤ 3 s; ≤ 400 MB', gate.ms <= 3000 && gate.mb <= 400);
  } else {
    rows.push(['gate, 1,000,000 samples', 'no gate command yet', '', '', '≤ 3 s; ≤ 400 MB', 'skipped']);
  }

  if (has('diff')) {
    const big = (shift) => {
      const manifest = structuredClone(base);
      // 5,000 more of each beside the example's own, so both sides stay valid manifests.
      const credentials = Array.from({ length: 5000 }, (_, i) => ({
        id: `cred-${i}`,
        kind: 'api-token',
        secretRef: `env:TOKEN_${i}`,
        scopes: [`scope-${(i + shift) % 7}:read`],
        owner: 'it',
        access: 'read',
        independentlyRevocable: true,
        revoke: { runbook: 'docs/revoke.md' },
      }));
      const tools = Array.from({ length: 5000 }, (_, i) => ({
        id: `tool-${i}`,
        kind: 'http-api',
        credential: `cred-${i}`,
        access: 'read',
        dataClasses: [],
      }));
      manifest.inventory.credentials = [...manifest.inventory.credentials, ...credentials.reverse()];
      manifest.inventory.tools = [...manifest.inventory.tools, ...tools];
      return manifest;
    };
    writeFileSync(join(work, 'base.json'), JSON.stringify(big(0), null, 2));
    writeFileSync(join(work, 'head.json'), JSON.stringify(big(1), null, 2));
    const diff = measure(...cli('diff', join(work, 'base.json'), join(work, 'head.json'), '--format', 'json'));
    report('diff, 5,000 tools and credentials each', diff, diff.baselineMs, '≤ 1 s', diff.ms <= 1000);
  } else {
    rows.push(['diff, 5,000 tools and credentials', 'no diff command yet', '', '', '≤ 1 s', 'skipped']);
  }

  for (const command of ['plan', 'status']) {
    if (!has(command)) {
      rows.push([`${command} on the support example`, `no ${command} command yet`, '', '', '≤ 2 × baseline', 'skipped']);
      continue;
    }
    const result = measure(...cli(command, '-m', support));
    report(`${command} on the support example`, result, result.baselineMs, '≤ 2 × baseline', result.ms <= 2 * result.baselineMs);
  }

  if (/\[files\.\.\.\]/.test(spawnSync(process.execPath, [bin, 'status', '--help'], { encoding: 'utf8' }).stdout)) {
    // Issue 14: status over a fleet of 500 agents, each with a 200-entry trail, a drill report and
    // a cases file (bench/fleet.js), against status of one such manifest in the same run. A fleet
    // run takes seconds, so fewer runs: the medians of 3.
    const { writeFleet } = await import('./fleet.js');
    const fleetDir = join(work, 'fleet');
    const [first] = writeFleet(fleetDir, 500, 200);
    const single = measure(...cli('status', '-m', first), { okStatus: [0] });
    report('status, one manifest with a 200-entry trail', single, single.baselineMs, 'the unit of the next two', true);
    for (const format of ['text', 'json']) {
      const fleet = measure(...cli('status', join(fleetDir, 'agents', '*', 'rollout.json'), '--format', format), {
        okStatus: [0],
        runs: 3,
        warmups: 1,
      });
      report(
        `status, 500 such manifests, ${format}`,
        fleet,
        single.ms,
        '≤ 10 × one manifest; ≤ 300 MB',
        fleet.ms <= 10 * single.ms && fleet.mb <= 300,
      );
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => String(row[i]).length)));
const header = ['case', 'median', 'ratio', 'peak memory', 'target', ''];
const line = (cells) =>
  cells
    .map((cell, i) => String(cell).padEnd(Math.max(widths[i], header[i].length)))
    .join('  ')
    .trimEnd();
console.log(
  `agent-rollout bench: Node ${process.version}, ${runs} runs after ${warmups} warm-ups, medians${hasTime ? '' : ' (no /usr/bin/time: memory not measured)'}\n`,
);
console.log(line(header));
for (const row of rows) console.log(line(row));

// The guard's time to contain and throughput (issue 13), with a real Prometheus and Alertmanager.
const { benchGuard } = await import('./guard.js');
await benchGuard();
