import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containedPath, isManifestRelativeProgram } from '../../src/drill/contained-path.js';
import { newDrillId, drillFiles } from '../../src/drill/journal.js';
import { judgeDrill } from '../../src/drill/judge.js';
import { parseTextExpectation, planDrill, textMatches } from '../../src/drill/plan.js';
import { judgeObservation } from '../../src/drill/probe.js';
import { recordOutput, redactDeep, secretValues, secretVariableNames } from '../../src/drill/redact.js';
import { formatElapsed } from '../../src/time/duration.js';
import type { PlannedProbe, ProbeRecord, StepRecord } from '../../src/drill/types.js';
import type { Manifest, Rollback } from '../../src/manifest/types.js';
import { renderDrillMarkdown } from '../../src/render/drill/markdown.js';
import { renderDrillPlanText } from '../../src/render/drill/plan.js';
import { createStyle } from '../../src/render/style.js';
import { EXAMPLES, tempDir } from '../helpers/cli.js';

const SUPPORT = JSON.parse(readFileSync(join(EXAMPLES, 'support-triage', 'rollout.json'), 'utf8')) as Manifest;

const step = (id: string, status: StepRecord['status'], extra: Partial<StepRecord> = {}): StepRecord => ({
  phase: 'rollback',
  id,
  kind: 'run',
  status,
  durationMs: 10,
  ...extra,
});
const probe = (id: string, passed: boolean, extra: Partial<ProbeRecord> = {}): ProbeRecord => ({
  id,
  kind: 'run',
  target: './x',
  expect: '{}',
  passed,
  interrupted: false,
  attempts: [{ attempt: 1, passed, durationMs: 5, observed: 'exit 0' }],
  startedAtMs: 0,
  durationMs: 5,
  ...extra,
});

describe('judgeDrill', () => {
  const base = { windowMs: 60_000, window: '1m', elapsedMs: 20_000, interrupted: false };

  it('passes when every step and probe passed inside the window, with the margin left', () => {
    expect(judgeDrill({ ...base, steps: [step('a', 'passed')], probes: [probe('p', true)] })).toEqual({
      passed: true,
      elapsedMs: 20_000,
      windowMs: 60_000,
      marginMs: 40_000,
      reasons: [],
    });
  });

  it('fails an overrun even when every step and probe passed', () => {
    const verdict = judgeDrill({ ...base, elapsedMs: 61_500, steps: [step('a', 'passed')], probes: [probe('p', true)] });
    expect(verdict.passed).toBe(false);
    expect(verdict.marginMs).toBe(-1500);
    expect(verdict.reasons).toEqual(['the rollback took 1m01s, over its 1m window by 1.5s']);
  });

  it('exactly the window is inside it (an inclusive bound)', () => {
    expect(judgeDrill({ ...base, elapsedMs: 60_000, steps: [step('a', 'passed')], probes: [] }).passed).toBe(true);
  });

  it('names the failed step, the timed-out step, the failed probe and the interrupt', () => {
    const verdict = judgeDrill({
      ...base,
      interrupted: true,
      interruptedDuring: 'step "c"',
      steps: [
        step('a', 'failed', { reason: 'exit code 3' }),
        step('b', 'timed-out', { reason: 'timed out after 1s' }),
        step('c', 'interrupted'),
      ],
      probes: [
        probe('p', false, {
          reason: 'stdout does not contain "off"',
          attempts: [1, 2, 3].map((attempt) => ({ attempt, passed: false, durationMs: 1, observed: 'exit 0' })),
        }),
      ],
    });
    expect(verdict.reasons).toEqual([
      'interrupted by the operator (Ctrl-C) during step "c"',
      'step "a" failed: exit code 3',
      'step "b" timed out: timed out after 1s',
      'probe "p" did not meet its expectation after 3 attempts: stdout does not contain "off"',
    ]);
  });
});

describe('probe expectations', () => {
  it('a plain string is a substring, /.../flags a regular expression', () => {
    expect(parseTextExpectation('off').expectation).toEqual({ kind: 'substring', text: 'off' });
    expect(parseTextExpectation('/^off$/m').expectation).toEqual({ kind: 'regex', source: '^off$', flags: 'm' });
    expect(parseTextExpectation('/usr/bin').expectation).toEqual({ kind: 'substring', text: '/usr/bin' });
    expect(parseTextExpectation('/(/').problem).toMatch(/^\/\(\/ is not a valid regular expression/);
    expect(textMatches({ kind: 'regex', source: '^off$', flags: 'm' }, 'status\noff\n')).toBe(true);
    expect(textMatches({ kind: 'substring', text: 'off' }, 'agent is on')).toBe(false);
  });

  const httpProbe = (expect: PlannedProbe['expect']): PlannedProbe => ({
    id: 'h',
    index: 1,
    of: 1,
    kind: 'http',
    http: { url: 'http://x', method: 'GET', headers: {} },
    expect,
    expectText: '',
    timeoutMs: 1000,
    retries: 0,
    intervalMs: 1000,
  });

  it('HTTP status: one code, a list, or any 2xx by default; and the body', () => {
    const seen = (status: number, body = '') => ({ kind: 'http' as const, status, body, interrupted: false, durationMs: 1 });
    expect(judgeObservation(httpProbe({ status: [401, 403] }), seen(403), []).passed).toBe(true);
    expect(judgeObservation(httpProbe({ status: [401, 403] }), seen(200), []).reason).toBe('status 200, expected one of 401, 403');
    expect(judgeObservation(httpProbe({ status: [200] }), seen(503), []).reason).toBe('status 503, expected 200');
    expect(judgeObservation(httpProbe({ status: [] }), seen(204), []).passed).toBe(true);
    expect(judgeObservation(httpProbe({ status: [] }), seen(302), []).reason).toBe('status 302, expected a 2xx status');
    expect(judgeObservation(httpProbe({ status: [200], body: { kind: 'substring', text: 'ok' } }), seen(200, 'degraded'), []).reason).toBe(
      'the body does not contain "ok"',
    );
    expect(
      judgeObservation(
        httpProbe({ status: [] }),
        { kind: 'http', body: '', error: 'no response within 1s', interrupted: false, durationMs: 1 },
        [],
      ).reason,
    ).toBe('no response within 1s');
  });

  it('a run probe needs exit 0 unless it says otherwise', () => {
    const runProbe: PlannedProbe = { ...httpProbe({ exitCode: 0 }), kind: 'run', command: ['./x'] };
    delete runProbe.http;
    const outcome = (exitCode: number, stdout: string) => ({
      kind: 'run' as const,
      outcome: {
        exitCode,
        stdout,
        stderr: '',
        output: stdout,
        outputBytes: stdout.length,
        elidedBytes: 0,
        timedOut: false,
        interrupted: false,
        durationMs: 1,
      },
    });
    expect(judgeObservation(runProbe, outcome(1, 'off'), []).reason).toBe('exit code 1, expected 0');
    expect(judgeObservation({ ...runProbe, expect: { exitCode: 1 } }, outcome(1, ''), []).passed).toBe(true);
  });
});

describe('planDrill', () => {
  const rollback: Rollback = {
    window: '5m',
    steps: [
      { id: 'a', run: ['./a'], timeout: '30s' },
      { id: 'b', run: ['./b'] },
      { id: 'm', manual: 'Tell ops.' },
    ],
    verify: [
      { id: 'p', run: ['./p'], expect: { stdout: 'off' } },
      { id: 'h', http: { url: 'http://127.0.0.1/x' }, expect: { status: 403 as any }, retries: 2, interval: '2s', timeout: '3s' },
    ],
  };

  it('resolves the defaults: a step without a timeout gets the window; probes 10s, 1s apart, exit 0', () => {
    const { plan, problems } = planDrill(rollback, '/m');
    expect(problems).toEqual([]);
    expect(plan.steps.map((s) => [s.id, s.kind, s.timeoutMs, s.timeoutSource])).toEqual([
      ['a', 'run', 30_000, 'manifest'],
      ['b', 'run', 300_000, 'window'],
      ['m', 'manual', 300_000, 'window'],
    ]);
    expect(plan.probes[0]).toMatchObject({
      timeoutMs: 10_000,
      intervalMs: 1_000,
      retries: 0,
      expect: { exitCode: 0, stdout: { kind: 'substring', text: 'off' } },
    });
    expect(plan.probes[1]).toMatchObject({ timeoutMs: 3_000, intervalMs: 2_000, retries: 2, expect: { status: [403] } });
  });

  it('reports expectations that cannot apply and regexes that do not compile', () => {
    const { problems } = planDrill(
      {
        ...rollback,
        verify: [
          { id: 'p', run: ['./p'], expect: { status: 200 as any } },
          { id: 'q', run: ['./q'], expect: { stdout: '/[/' } },
        ],
      },
      '/m',
    );
    expect(problems[0]).toBe(
      'rollback.verify "p" runs a command, so it cannot expect an HTTP status or body; use expect.exitCode and expect.stdout',
    );
    expect(problems[1]).toMatch(/^rollback.verify "q": expect.stdout \/\[\/ is not a valid regular expression/);
  });

  it('the dry-run text lists the steps in order with the window', () => {
    const { plan } = planDrill(rollback, '/m');
    const text = renderDrillPlanText(
      { agent: 'x', manifest: 'rollout.json', plan, restore: true, confirmManual: false },
      createStyle(false),
    );
    expect(text).toContain('Window: 5m');
    expect(text.indexOf(' a ')).toBeLessThan(text.indexOf(' b '));
    expect(text).toMatch(/b +run +\.\/b +5m \(the window; no timeout set\)/);
    expect(text).toContain('1 manual step would wait for the operator to confirm at the terminal (or pass --confirm-manual).');
  });
});

describe('redaction', () => {
  const manifest = structuredClone(SUPPORT);
  manifest.rollback?.verify?.push({
    id: 'api',
    http: { url: 'http://127.0.0.1/', headers: { Authorization: 'env:PROBE_AUTH' } },
    expect: { status: 403 as any },
  });

  it('knows the env: secretRefs and env: headers, and reads their values', () => {
    expect(secretVariableNames(manifest)).toEqual(['PROBE_AUTH', 'ZENDESK_TOKEN_RO']);
    expect(secretValues(manifest, { ZENDESK_TOKEN_RO: 'token-value-1', PROBE_AUTH: 'Bearer abcdef', OTHER: 'x' }).sort()).toEqual([
      'Bearer abcdef',
      'token-value-1',
    ]);
  });

  it('redacts every string of a record, keys included', () => {
    expect(redactDeep({ a: ['x token-value-1 y'], b: { 'token-value-1': 2 }, n: 3 }, ['token-value-1'])).toEqual({
      a: ['x [REDACTED] y'],
      b: { '[REDACTED]': 2 },
      n: 3,
    });
  });

  it('redacts before trimming, so a cut cannot leave half a secret', () => {
    const secret = 'SECRETVALUE123';
    const long = `${'a'.repeat(2995)}${secret}${'b'.repeat(3000)}`;
    const out = recordOutput(long, [secret], 3000);
    expect(out).not.toContain('SECRET');
    expect(out).toContain('characters cut');
    expect(out.length).toBeLessThan(3100);
    expect(recordOutput('  short\n', [])).toBe('short');
  });
});

describe('records', () => {
  it('a drill id sorts by time and names the three files', () => {
    const id = newDrillId(new Date('2026-11-23T18:45:01.123Z'), 'abc123');
    expect(id).toBe('20261123T184501Z-abc123');
    expect(drillFiles(id)).toEqual({
      id,
      journal: 'drills/20261123T184501Z-abc123.journal.jsonl',
      report: 'drills/20261123T184501Z-abc123.report.json',
      markdown: 'drills/20261123T184501Z-abc123.report.md',
    });
  });

  it('durations read as a margin: ms, tenths of seconds, minutes and seconds', () => {
    expect([340, 2_450, 59_999, 597_000, 3_725_000, -1_500].map(formatElapsed)).toEqual([
      '340ms',
      '2.4s',
      '59.9s',
      '9m57s',
      '1h2m',
      '-1.5s',
    ]);
  });

  it('the markdown report fences output that holds backticks', () => {
    const md = renderDrillMarkdown({
      drillId: 'd',
      agent: 'a',
      manifest: 'rollout.json',
      manifestSha256: 'm',
      rollbackSha256: 'r',
      tool: { name: 't', version: '1' },
      actor: { name: 'me', source: 'flag' },
      startedAt: '',
      finishedAt: '',
      window: '1m',
      windowMs: 60_000,
      passed: false,
      interrupted: false,
      elapsedMs: 1000,
      marginMs: 59_000,
      reasons: ['step "s" failed: exit code 1'],
      options: { confirmManual: false, restore: true },
      steps: [step('s', 'failed', { output: 'a ``` b' })],
      probes: [],
      restore: { status: 'none', steps: [] },
      files: { journal: 'j', report: 'r', markdown: 'm' },
    });
    expect(md).toContain('````text\na ``` b\n````');
    expect(md).toContain('- step "s" failed: exit code 1');
  });
});

describe('containedPath', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    await mkdir(join(dir, 'm', 'scripts'), { recursive: true });
    await writeFile(join(dir, 'outside.sh'), '');
    await writeFile(join(dir, 'm', 'scripts', 'in.sh'), '');
    await symlink(join(dir, 'outside.sh'), join(dir, 'm', 'scripts', 'out.sh'));
    await symlink(join(dir, 'm', 'scripts', 'in.sh'), join(dir, 'm', 'scripts', 'inner-link.sh'));
  });
  afterAll(async () => cleanup());

  it('accepts paths inside, refuses .. escapes, absolute paths elsewhere and symlinks out', async () => {
    const folder = join(dir, 'm');
    expect(await containedPath(folder, './scripts/in.sh', 'x')).toEqual({ ok: true, path: join(folder, 'scripts', 'in.sh') });
    expect((await containedPath(folder, 'scripts/inner-link.sh', 'x')).ok).toBe(true);
    expect((await containedPath(folder, 'scripts/not-yet.sh', 'x')).ok).toBe(true);
    expect(await containedPath(folder, '../outside.sh', 'the script')).toEqual({
      ok: false,
      message: `the script "../outside.sh" is outside the manifest's folder (${folder})`,
    });
    expect((await containedPath(folder, 'scripts/../../outside.sh', 'x')).ok).toBe(false);
    expect((await containedPath(folder, join(dir, 'outside.sh'), 'x')).ok).toBe(false);
    const link = await containedPath(folder, './scripts/out.sh', 'x');
    expect(link.ok).toBe(false);
    expect(link.ok ? '' : link.message).toContain('is a symbolic link to');
  });

  it("only relative paths with a slash are the manifest's files", () => {
    expect(['./scripts/a.sh', 'scripts/a', '../a'].map(isManifestRelativeProgram)).toEqual([true, true, true]);
    expect(['bash', 'curl', '/usr/bin/env'].map(isManifestRelativeProgram)).toEqual([false, false, false]);
  });
});
