/**
 * Promise: every value and time is checked, never crashes. Any --window, --at, pasted window,
 * sample time or manifest duration out of range is exit 2 with one line; impossible calendar
 * dates are refused; Prometheus answers are read only as its HTTP API writes values; and an
 * alert description with template braces never makes `promtool check rules` fail on what
 * `validate` passed. The adversary: an operator's typo, a pasted file, a manifest author in a PR,
 * a metric source that answers garbage.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyExample, parseJsonOutput, runCli, runInProcess, tempDir } from '../helpers/cli.js';
import type { CliResult } from '../helpers/cli.js';
import { sendJson, startHttpServer } from '../helpers/http-server.js';
import type { LoopbackServer } from '../helpers/http-server.js';
import { recordRefusalTestsPassed } from '../helpers/refusal-tests.js';

const SINCE = '2026-10-01T00:00:00Z';
const AT = '2026-10-08T00:00:00Z';
const PROMTOOL = '/usr/bin/promtool';

let dir: string;
let cleanup: () => Promise<void>;
let prometheus: LoopbackServer;
/** The value the fake Prometheus answers for every query (anything JSON). */
let sampleValue: unknown = '0';

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  prometheus = await startHttpServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    const time = Number(url.searchParams.get('time'));
    sendJson(response, 200, { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [time, sampleValue] }] } });
  });
});
afterAll(async () => {
  await prometheus?.close();
  await cleanup?.();
});

let count = 0;
async function project(edit: (manifest: any) => void = () => undefined): Promise<string> {
  const folder = await copyExample('support-triage', join(dir, `v${++count}`));
  const path = join(folder, 'rollout.json');
  const manifest = JSON.parse(await readFile(path, 'utf8'));
  manifest.metrics.sources.prom.url = prometheus.url;
  manifest.state.since = SINCE;
  edit(manifest);
  await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`);
  await recordRefusalTestsPassed(path);
  return folder;
}

/** A refusal as the project makes one: exit 2, `error: …` and at most a hint, no stack, nothing on stdout. */
function expectOneLineRefusal(result: CliResult, pattern: RegExp): void {
  expect(result.code, result.stderr).toBe(2);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines[0]).toMatch(pattern);
  expect(lines.slice(1).every((line) => line.startsWith('  hint: '))).toBe(true);
  expect(result.stderr).not.toMatch(/This is a bug|\n\s+at /);
}

const VALUES = ['--set', 'security_events=0', '--set', 'cost_per_invocation_usd=0.081', '--set', 'output_policy_violations=0'];

describe('every value and time is checked, never crashes', () => {
  it('--at with an impossible calendar date, a year outside 1970..9999 or garbage is one line, exit 2', async () => {
    const folder = await project();
    for (const at of [
      '2026-02-30T00:00:00Z',
      '2026-02-30',
      '2025-02-29T12:00:00Z',
      '2026-04-31T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-10-01T24:00:00Z',
      '1969-12-31T23:59:59Z',
      '+275760-09-13T00:00:00Z',
      'yesterday',
    ]) {
      expectOneLineRefusal(
        await runInProcess(['gate', '--no-sources', ...VALUES, '--at', at], { cwd: folder }),
        new RegExp(`^error: --at ${at.replace(/[+.]/g, '\\$&')}: `),
      );
    }
    expectOneLineRefusal(
      await runCli(['export', 'flagd', '--time', '2026-02-30T00:00:00Z'], { cwd: folder }),
      /^error: --time is not a time: 2026-02-30T00:00:00Z$/,
    );
  });

  it('any --window is a duration from 1ms to 100y, or one line and exit 2: never a crash', async () => {
    const folder = await project();
    for (const window of ['0d', '0s', '101y', '99999999999999999999d', '7x', '1.5d', '']) {
      expectOneLineRefusal(
        await runInProcess(['gate', '--no-sources', ...VALUES, '--at', AT, '--window', window], { cwd: folder }),
        /^error: --window .*not a duration from 1ms to 100y$/,
      );
    }
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ maxLength: 12 }), fc.stringMatching(/^(?:[0-9]{1,22}(?:ms|s|m|h|d|w|y)){1,3}$/)),
        async (window) => {
          const result = await runInProcess(['gate', '--no-sources', ...VALUES, '--at', AT, '--window', window], { cwd: folder });
          expect([0, 1, 2, 3]).toContain(result.code);
          expect(result.stderr).not.toMatch(/This is a bug|\n\s+at /);
          if (result.code === 2) expect(result.stderr).toMatch(/^error: /);
        },
      ),
      { numRuns: 6 },
    );
  }, 180_000);

  it('a pasted window or sample time out of range or off the calendar is refused or an error, never a crash or a go', async () => {
    const folder = await project((manifest) =>
      manifest.stages[0].exitCriteria.push({ id: 'stable', signal: 'error_rate', max: 0.02, for: '7d' }),
    );
    const values = { security_events: 0, cost_per_invocation_usd: 0.081, output_policy_violations: 0, invocations: 140 };
    for (const window of [
      { start: '2026-02-30T00:00:00Z', end: '2026-03-07T00:00:00Z' },
      { start: '0001-01-01T00:00:00Z', end: AT },
      { start: SINCE, end: '+275760-09-13T00:00:00Z' },
    ]) {
      const result = await runInProcess(['gate', '--metrics', '-'], { cwd: folder, input: JSON.stringify({ window, values }) });
      expectOneLineRefusal(result, /^error: the "window" in standard input needs "start" and "end" as RFC 3339 times from 1970 to 9999/);
    }
    for (const time of [1e20, -1, '2026-02-30T00:00:00Z']) {
      const input = JSON.stringify({ window: { start: SINCE, end: AT }, values, series: { error_rate: [[time, 0]] } });
      const result = await runInProcess(['gate', '--metrics', '-', '--format', 'json'], { cwd: folder, input });
      expect(result.code).toBe(2);
      const report = parseJsonOutput<{ verdict: string; criteria: { id: string; status: string; reason: string }[] }>(result.stdout);
      expect(report.criteria.find((c) => c.id === 'stable')?.reason).toContain('has no usable time');
    }
  });

  it('a manifest duration longer than 100 years is a validate finding, and the gate says error instead of crashing', async () => {
    const folder = await project((manifest) =>
      manifest.stages[0].exitCriteria.push({ id: 'stable', signal: 'error_rate', max: 0.02, for: '99999999999999999d' }),
    );
    const validate = await runInProcess(['validate'], { cwd: folder });
    expect(validate.code).toBe(1);
    expect(validate.stdout).toContain('which is longer than 100 years');
    const gate = await runCli(['gate', '--no-sources', ...VALUES, '--at', AT], { cwd: folder });
    expect([2]).toContain(gate.code);
    expect(gate.stderr).not.toMatch(/This is a bug|\n\s+at /);
  });

  it('Prometheus values are read only as its HTTP API writes them: anything else is an error, never a number', async () => {
    const folder = await project();
    // The binary once (below), then in-process: the same program, without a process start per value.
    const ask = async (value: unknown, runner: typeof runCli = runInProcess) => {
      sampleValue = value;
      const result = await runner(
        [
          'gate',
          '--at',
          AT,
          '--window',
          '7d',
          '--format',
          'json',
          '--set',
          'cost_per_invocation_usd=0.081',
          '--set',
          'output_policy_violations=0',
          '--set',
          'invocations=140',
        ],
        { cwd: folder },
      );
      const report = parseJsonOutput<{ verdict: string; criteria: { id: string; status: string; reason: string }[] }>(result.stdout);
      return { code: result.code, events: report.criteria.find((c) => c.id === 'zero-security-events') };
    };
    expect((await ask('0x0', runCli)).code).toBe(2);
    for (const value of ['0x0', ' 0 ', '', 'Infinity', 'Inf', '+0', '0_0', 0, null]) {
      const { code, events } = await ask(value);
      expect(code).toBe(2);
      expect(events?.status).toBe('error');
      expect(events?.reason).toMatch(/is not a (number|string) as Prometheus writes one/);
    }
    expect((await ask('0')).code).toBe(0);
    expect((await ask('0e0')).code).toBe(0);
    expect((await ask('1e-05')).events?.status).toBe('fail');
    expect((await ask('NaN')).events?.reason).toContain('not a finite number');
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 8 }), async (value) => {
        const { code, events } = await ask(value);
        const wellFormed = /^-?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?$/.test(value);
        if (code === 0) expect(wellFormed && Number(value) === 0).toBe(true);
        if (!wellFormed && !['NaN', '+Inf', '-Inf'].includes(value)) expect(events?.status).toBe('error');
      }),
      { numRuns: 6 },
    );
  }, 240_000);

  it('alert descriptions with template braces: what validate passes, promtool check rules passes', async () => {
    expect(existsSync(PROMTOOL), 'promtool (Debian package prometheus; .ci/run installs it)').toBe(true);
    const run = promisify(execFile);
    const check = async (description: string): Promise<void> => {
      const folder = await project((manifest) => {
        manifest.metrics.alerts[0].description = description;
        manifest.stages[0].exitCriteria[0].description = description;
      });
      const validate = await runInProcess(['validate'], { cwd: folder });
      if (validate.code !== 0) return; // only what validate passes is promised
      const exported = await runInProcess(['export', 'prometheus-rules', '--out', 'rules.yml'], { cwd: folder });
      expect(exported.code, exported.stderr).toBe(0);
      const result = await run(PROMTOOL, ['check', 'rules', join(folder, 'rules.yml')]).catch(
        (error: { stdout: string; stderr: string }) => error,
      );
      expect(result.stderr, `${description}\n${result.stdout}`).not.toMatch(/FAILED|error/i);
      const rules = await readFile(join(folder, 'rules.yml'), 'utf8');
      expect(rules).toContain('{{ $value | printf "%.4g" }}'); // the export's own template still works
    };
    for (const description of [
      '{{ nope',
      'closing }} only',
      '{{ .Labels.missing }} {{',
      '{{{{ }}}}',
      'use {{ $value }} here',
      '{{- /* comment */ -}}',
    ])
      await check(description);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('{{', '}}', '{', '}', ' ', 'x', '$value', '"', '.', '|', '-', '\\'), { minLength: 1, maxLength: 12 }),
        async (parts) => check(parts.join('')),
      ),
      { numRuns: 5 },
    );
  }, 300_000);
});
