/**
 * Promise: a `for` criterion needs evidence over the whole period. Two samples fourteen days
 * apart never "hold for 14d"; a series is judged on its own step (a range query's, or the
 * `step` pasted metrics declare; else for / 24), a declared step coarser than for / 7 is refused,
 * a gap over 1.5 steps is inconclusive and named, and samples stamped outside the window (a
 * Prometheus sample from 1970) are not current data. The adversary: a pasted file in a PR, or a
 * metric source that is down, sparse or lying about time.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyExample, parseJsonOutput, runCli, runInProcess, tempDir } from '../helpers/cli.js';
import { sendJson, startHttpServer } from '../helpers/http-server.js';
import type { LoopbackServer } from '../helpers/http-server.js';
import { recordRefusalTestsPassed } from '../helpers/refusal-tests.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const END = Date.parse('2026-10-15T00:00:00Z');
const START = END - 14 * DAY;
const iso = (ms: number): string => new Date(ms).toISOString();
const VALUES = { security_events: 0, cost_per_invocation_usd: 0.081, output_policy_violations: 0, invocations: 140 };

interface Check {
  id: string;
  status: string;
  reason: string;
}
type GateJson = { verdict: string; criteria: Check[] };

let dir: string;
let cleanup: () => Promise<void>;
/** A source that speaks the Prometheus API but stamps its samples in 1970. */
let stale: LoopbackServer;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  stale = await startHttpServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    if (url.pathname === '/api/v1/query_range') {
      const values = Array.from({ length: 400 }, (_, i) => [i * 3600, '0']);
      return sendJson(response, 200, { status: 'success', data: { resultType: 'matrix', result: [{ metric: {}, values }] } });
    }
    return sendJson(response, 200, { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [0, '0'] }] } });
  });
});
afterAll(async () => {
  await stale?.close();
  await cleanup?.();
});

let count = 0;
async function project(edit: (manifest: any) => void = () => undefined): Promise<string> {
  const folder = await copyExample('support-triage', join(dir, `f${++count}`));
  const path = join(folder, 'rollout.json');
  const manifest = JSON.parse(await readFile(path, 'utf8'));
  manifest.stages[0].exitCriteria.push({ id: 'stable', signal: 'error_rate', max: 0.02, for: '14d' });
  manifest.metrics.sources.prom.url = stale.url;
  manifest.state.since = iso(START);
  edit(manifest);
  await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`);
  await recordRefusalTestsPassed(path, iso(START + HOUR));
  return folder;
}

async function gatePasted(folder: string, series: [number, number][], extra: Record<string, unknown> = {}) {
  const input = JSON.stringify({
    window: { start: iso(START), end: iso(END) },
    ...extra,
    values: VALUES,
    series: { error_rate: series.map(([t, v]) => [t / 1000, v]) },
  });
  const result = await runInProcess(['gate', '--metrics', '-', '--format', 'json'], { cwd: folder, input });
  return { ...result, report: result.code === 2 && result.stdout === '' ? undefined : parseJsonOutput<GateJson>(result.stdout) };
}

const stable = (report: GateJson | undefined): Check => report?.criteria.find((c) => c.id === 'stable') as Check;

describe('a for criterion needs evidence over the whole period', () => {
  it('two samples fourteen days apart never hold for 14d', async () => {
    const folder = await project();
    const { code, report } = await gatePasted(folder, [
      [START, 0],
      [END, 0],
    ]);
    expect(code).toBe(3);
    expect(report?.verdict).toBe('inconclusive');
    expect(stable(report).status).toBe('inconclusive');
    expect(stable(report).reason).toBe(
      'no samples between 2026-10-01 00:00:00 UTC and 2026-10-15 00:00:00 UTC, a gap of 14d where a step is 14h, so the series does not show every interval',
    );
  });

  it('a series without a step is judged at for / 24: go only when no gap is over 1.5 steps and it spans the period', async () => {
    const folder = await project();
    const step = (14 * DAY) / 24;
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 1, max: 14 * 24 }), { minLength: 1, maxLength: 60 }), async (hours) => {
        const times = hours.map((h) => START + h * HOUR).sort((a, b) => a - b);
        const { code, report } = await gatePasted(
          folder,
          times.map((t) => [t, 0.001]),
        );
        const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
        const whole =
          times.length > 1 &&
          (times[0] as number) - START <= 2 * step &&
          END - (times.at(-1) as number) <= 1.5 * step &&
          gaps.every((gap) => gap <= 1.5 * step);
        expect(stable(report).status).toBe(whole ? 'pass' : 'inconclusive');
        expect(code).toBe(whole ? 0 : 3);
      }),
      { numRuns: 6, examples: [[[24, 48, 72, 96, 120, 144, 168, 192, 216, 240, 264, 288, 312, 336]]] },
    );
  }, 240_000);

  it('a declared step is the step: hourly samples with "step": "1h" hold; an 8h gap is named; a step over for / 7 is refused', async () => {
    const folder = await project();
    const hourly: [number, number][] = [];
    for (let t = START + HOUR; t <= END; t += HOUR) hourly.push([t, 0.001]);
    const whole = await gatePasted(folder, hourly, { step: '1h' });
    expect(stable(whole.report).status).toBe('pass');
    expect(whole.code).toBe(0);

    const gappy = hourly.filter(([t]) => t <= START + 5 * DAY || t > START + 5 * DAY + 7 * HOUR);
    const gap = await gatePasted(folder, gappy, { step: '1h' });
    expect(gap.code).toBe(3);
    expect(stable(gap.report).reason).toBe(
      'no samples between 2026-10-06 00:00:00 UTC and 2026-10-06 08:00:00 UTC, a gap of 8h where a step is 1h, so the series does not show every interval',
    );

    const coarse = await gatePasted(
      folder,
      [
        [START + 3 * DAY, 0],
        [START + 6 * DAY, 0],
        [START + 9 * DAY, 0],
        [START + 12 * DAY, 0],
        [END, 0],
      ],
      { step: '3d' },
    );
    expect(coarse.code).toBe(2);
    expect(coarse.stdout).toBe('');
    expect(coarse.stderr).toMatch(
      /^error: the "step" in standard input is 3d, too coarse for error_rate, which must hold for 14d: a step may be at most a seventh of that \(2d\)\n/,
    );
    for (const bad of ['0s', 'weekly', 7]) {
      const refused = await gatePasted(folder, hourly, { step: bad });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/^error: the "step" in standard input must be a duration/);
    }
  });

  it('samples stamped outside the window (a Prometheus that answers from 1970) are not current data: never go', async () => {
    const folder = await project();
    const result = await runCli(['gate', '--format', 'json', '--at', iso(END)], { cwd: folder });
    const report = parseJsonOutput<GateJson>(result.stdout);
    expect(report.verdict).not.toBe('go');
    expect(result.code).toBe(3);
    expect(stable(report).status).toBe('inconclusive');
    expect(stable(report).reason).toMatch(
      /^no samples of error_rate in the last 14d of the window \(400 samples stamped outside it, e\.g\. at 1970-01-01 00:00:00 UTC, are not current data\)$/,
    );
    const instant = report.criteria.find((c) => c.id === 'zero-security-events') as Check;
    expect(instant.status).toBe('inconclusive');
    expect(instant.reason).toBe(
      'no current data: the answer is stamped 1970-01-01 00:00:00 UTC, not the time asked for (2026-10-15 00:00:00 UTC)',
    );
  });
});
