import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateGate, decideVerdict } from '../../src/gate/evaluate.js';
import type { GateInput, GateReport } from '../../src/gate/types.js';
import { chooseWindow, stageEntry } from '../../src/gate/window.js';
import type { Manifest } from '../../src/manifest/types.js';
import type { Observation, Point } from '../../src/metrics/types.js';
import { requestKey } from '../../src/metrics/types.js';
import type { AuditEntry } from '../../src/state/audit.js';
import { rollbackSha256 } from '../../src/state/rollback-hash.js';
import { evidenceDetails } from '../../src/guardrails/evidence.js';
import { evidenceIdentity } from '../../src/guardrails/identity.js';
import { EXAMPLES } from '../helpers/cli.js';

const DAY = 86_400_000;
const SINCE = Date.parse('2026-10-01T00:00:00Z');
const END = SINCE + 7 * DAY;
const EXAMPLE: Manifest = JSON.parse(readFileSync(join(EXAMPLES, 'support-triage', 'rollout.json'), 'utf8'));

function manifest(edit: (m: any) => void = () => undefined): Manifest {
  const copy = structuredClone(EXAMPLE) as any;
  copy.state.since = new Date(SINCE).toISOString();
  delete copy.guardrails.boundaries.tests;
  edit(copy);
  return copy as Manifest;
}

const source = { kind: 'source', source: 'prom', type: 'prometheus' } as const;
const value = (v: number, dated = true): Observation => ({ status: 'value', value: v, origin: source, dated });

const PILOT_OK: Record<string, number> = {
  security_events: 0,
  cost_per_invocation_usd: 0.08,
  output_policy_violations: 0,
  invocations: 150,
};

function observations(values: Record<string, Observation | number>): Map<string, Observation> {
  return new Map(Object.entries(values).map(([k, v]) => [k, typeof v === 'number' ? value(v) : v]));
}

function input(overrides: Partial<GateInput> & { values?: Record<string, Observation | number> } = {}): GateInput {
  const { values, ...rest } = overrides;
  return {
    manifest: manifest(),
    stageId: 'internal-pilot',
    window: { startMs: SINCE, endMs: END, basis: 'stage-entry' },
    stageEntry: { atMs: SINCE, from: 'state.since' },
    observations: observations({ ...PILOT_OK, ...values }),
    trail: { entries: [], problems: [] },
    validationErrors: [],
    now: END + DAY,
    ...rest,
  };
}

const criterion = (report: GateReport, id: string) => report.criteria.find((c) => c.id === id);
const prerequisite = (report: GateReport, id: string) => report.prerequisites.find((p) => p.id === id);

describe('criteria', () => {
  it('go when every criterion passes and every prerequisite holds', () => {
    const report = evaluateGate(input());
    expect(report.verdict).toBe('go');
    expect(report.next).toEqual(['Advance to limited-beta: `agent-rollout advance`']);
  });

  it('a go for a stage the rollout has left does not suggest advancing from it', () => {
    const later = manifest((m) => (m.state.stage = 'limited-beta'));
    const report = evaluateGate(input({ manifest: later }));
    expect(report.verdict).toBe('go');
    expect(report.next).toEqual([
      'internal-pilot is not the current stage (limited-beta): `agent-rollout advance` gates limited-beta, not internal-pilot.',
    ]);
  });

  it('max and min are inclusive bounds', () => {
    const atMax = evaluateGate(input({ manifest: manifest((m) => (m.stages[0].exitCriteria[0].max = 2)), values: { security_events: 2 } }));
    expect(criterion(atMax, 'zero-security-events')?.status).toBe('pass');
    const above = evaluateGate(input({ values: { security_events: 0.0000001 } }));
    expect(criterion(above, 'zero-security-events')).toMatchObject({ status: 'fail', reason: '1e-7 is above the maximum 0' });
    expect(above.verdict).toBe('no-go');
    const withMin = manifest((m) => m.stages[0].exitCriteria.push({ id: 'enough', signal: 'invocations', min: 150 }));
    expect(criterion(evaluateGate(input({ manifest: withMin })), 'enough')?.status).toBe('pass');
    expect(criterion(evaluateGate(input({ manifest: withMin, values: { invocations: 149.5 } })), 'enough')).toMatchObject({
      status: 'fail',
      reason: '149.5 is below the minimum 150',
    });
  });

  it('withinPercent compares with the number at "of", inclusive at the edge', () => {
    expect(criterion(evaluateGate(input({ values: { cost_per_invocation_usd: 0.096 } })), 'cost-within-estimate')?.status).toBe('pass');
    expect(criterion(evaluateGate(input({ values: { cost_per_invocation_usd: 0.064 } })), 'cost-within-estimate')?.status).toBe('pass');
    const over = criterion(evaluateGate(input({ values: { cost_per_invocation_usd: 0.0961 } })), 'cost-within-estimate');
    expect(over?.status).toBe('fail');
    expect(over?.reason).toBe('0.0961 is not within 20% of 0.08 (inventory.costEnvelope.usdPerInvocation) (20.125% above)');
    expect(over?.expected).toBe('within 20% of 0.08 USD (0.064 to 0.096)');
    const elsewhere = manifest((m) => (m.inventory.costEnvelope.usdPerInvocation = 0.5));
    expect(
      criterion(evaluateGate(input({ manifest: elsewhere, values: { cost_per_invocation_usd: 0.45 } })), 'cost-within-estimate')?.status,
    ).toBe('pass');
  });

  it('withinPercent whose "of" is not a number is an error, not a pass', () => {
    const broken = manifest((m) => (m.stages[0].exitCriteria[1].of = 'agent.name'));
    const report = evaluateGate(input({ manifest: broken }));
    expect(criterion(report, 'cost-within-estimate')).toMatchObject({ status: 'error' });
    expect(criterion(report, 'cost-within-estimate')?.reason).toContain('agent.name is not a number');
    expect(report.verdict).toBe('error');
  });

  it('an observe criterion is shown with what it would be, and never decides', () => {
    const observed = manifest((m) => (m.stages[0].exitCriteria[1].observe = true));
    const report = evaluateGate(input({ manifest: observed, values: { cost_per_invocation_usd: 0.5 } }));
    expect(criterion(report, 'cost-within-estimate')).toMatchObject({ status: 'observe', outcome: 'fail', observe: true });
    expect(criterion(report, 'cost-within-estimate')?.reason).toMatch(/^observed only, does not decide: would be fail: /);
    expect(report.verdict).toBe('go');
    const broken = evaluateGate(
      input({ manifest: observed, values: { cost_per_invocation_usd: { status: 'error', origin: source, reason: 'boom' } } }),
    );
    expect(broken.verdict).toBe('go');
  });

  it('no data is inconclusive and a failed source is an error, each with its reason', () => {
    const noData = evaluateGate(
      input({ values: { security_events: { status: 'no-data', origin: source, reason: 'no data: the query returned no series' } } }),
    );
    expect(criterion(noData, 'zero-security-events')).toMatchObject({
      status: 'inconclusive',
      observed: null,
      reason: 'no data: the query returned no series',
    });
    expect(noData.verdict).toBe('inconclusive');
    const failed = evaluateGate(
      input({ values: { security_events: { status: 'error', origin: source, reason: 'prom: connection refused' } } }),
    );
    expect(criterion(failed, 'zero-security-events')).toMatchObject({ status: 'error', reason: 'prom: connection refused' });
    expect(failed.verdict).toBe('error');
  });

  it('verdict precedence: error over no-go over inconclusive over go', () => {
    expect(decideVerdict(['pass', 'inconclusive', 'fail', 'error'])).toBe('error');
    expect(decideVerdict(['pass', 'inconclusive', 'fail'])).toBe('no-go');
    expect(decideVerdict(['pass', 'inconclusive'])).toBe('inconclusive');
    expect(decideVerdict(['pass'])).toBe('go');
    expect(decideVerdict([])).toBe('go');
  });
});

describe('for: every sample over the period', () => {
  const forManifest = manifest((m) => m.stages[0].exitCriteria.push({ id: 'stable', signal: 'error_rate', max: 0.02, for: '7d' }));
  const key = requestKey({ signal: 'error_rate', kind: 'range', rangeMs: 7 * DAY });
  const hourly = (from: number, to: number, at: (t: number) => number): Point[] => {
    const points: Point[] = [];
    for (let t = from + 3_600_000; t <= to; t += 3_600_000) points.push([t, at(t)]);
    return points;
  };
  const series = (points: Point[], stepMs?: number): Observation => ({
    status: 'series',
    points,
    origin: source,
    dated: true,
    ...(stepMs ? { stepMs } : {}),
  });
  const run = (observation: Observation, window = { startMs: SINCE, endMs: END, basis: 'stage-entry' as const }) =>
    evaluateGate(input({ manifest: forManifest, window, values: { [key]: observation } }));

  it('passes when every sample holds over the whole period', () => {
    const report = run(series(hourly(SINCE, END, () => 0.01)));
    expect(criterion(report, 'stable')).toMatchObject({
      status: 'pass',
      samples: 168,
      reason: 'all 168 samples over 7d hold (0.01 to 0.01)',
    });
    expect(report.verdict).toBe('go');
  });

  it('fails on one sample out of bounds, naming when', () => {
    const spike = SINCE + 2 * DAY + 10 * 3_600_000;
    const report = run(series(hourly(SINCE, END, (t) => (t === spike ? 0.2 : 0.01))));
    expect(criterion(report, 'stable')).toMatchObject({ status: 'fail', observed: 0.2 });
    expect(criterion(report, 'stable')?.reason).toBe(
      '0.2 is above the maximum 0.02 at 2026-10-03 10:00:00 UTC (1 of 168 samples out of bounds)',
    );
  });

  it('a single value is inconclusive: it cannot show every sample held', () => {
    const report = evaluateGate(input({ manifest: forManifest, values: { [key]: value(0.01) } }));
    expect(criterion(report, 'stable')?.status).toBe('inconclusive');
    expect(criterion(report, 'stable')?.reason).toContain('one value cannot show that every sample held for 7d');
    expect(report.verdict).toBe('inconclusive');
  });

  it('a series that covers only part of the period, or has a gap, is inconclusive', () => {
    const short = run(series(hourly(SINCE + 3 * DAY, END, () => 0.01)));
    expect(criterion(short, 'stable')?.status).toBe('inconclusive');
    expect(criterion(short, 'stable')?.reason).toMatch(/^the samples cover 4d/);
    const gappy = hourly(SINCE, END, () => 0.01).filter(([t]) => t < SINCE + 2 * DAY || t > SINCE + 2 * DAY + 6 * 3_600_000);
    const gap = run(series(gappy, 3_600_000));
    expect(criterion(gap, 'stable')?.reason).toBe(
      'no samples between 2026-10-02 23:00:00 UTC and 2026-10-03 07:00:00 UTC, a gap of 8h where a step is 1h, so the series does not show every interval',
    );
    // Without a step of its own, a series is judged at for / 24 (7h here): the 8h gap is within 1.5 steps.
    expect(criterion(run(series(gappy)), 'stable')?.status).toBe('pass');
  });

  it('two samples fourteen days apart never hold for the period, whatever their values', () => {
    const twoWeeks = manifest((m) => m.stages[0].exitCriteria.push({ id: 'stable', signal: 'error_rate', max: 0.02, for: '14d' }));
    const twoKey = requestKey({ signal: 'error_rate', kind: 'range', rangeMs: 14 * DAY });
    const report = evaluateGate(
      input({
        manifest: twoWeeks,
        window: { startMs: SINCE, endMs: SINCE + 14 * DAY, basis: 'stage-entry' },
        values: {
          [twoKey]: series([
            [SINCE, 0.01],
            [SINCE + 14 * DAY, 0.01],
          ]),
        },
      }),
    );
    expect(criterion(report, 'stable')?.status).toBe('inconclusive');
    expect(criterion(report, 'stable')?.reason).toContain('a gap of 14d where a step is 14h');
    expect(report.verdict).not.toBe('go');
  });

  it('a window shorter than the period is inconclusive and says when it could pass', () => {
    const report = run(series(hourly(SINCE, SINCE + 3 * DAY, () => 0.01)), {
      startMs: SINCE,
      endMs: SINCE + 3 * DAY,
      basis: 'stage-entry',
    });
    expect(criterion(report, 'stable')).toMatchObject({ status: 'inconclusive', nextPassAt: SINCE + 7 * DAY });
    expect(criterion(report, 'stable')?.reason).toBe(
      'the window is 3d, shorter than the 7d every sample must hold for; could pass from 2026-10-08 00:00:00 UTC',
    );
  });
});

describe('prerequisites', () => {
  it('minDuration: a stage too young is inconclusive with the time it could pass', () => {
    const report = evaluateGate(input({ window: { startMs: SINCE, endMs: SINCE + 2 * DAY, basis: 'stage-entry' } }));
    expect(prerequisite(report, 'min-duration')).toMatchObject({ status: 'inconclusive', nextPassAt: END });
    expect(prerequisite(report, 'min-duration')?.reason).toBe('the stage has run 2d of its 7d; it can pass from 2026-10-08 00:00:00 UTC');
    expect(report.notBefore).toBe(END);
    expect(report.next).toContain('The gate could pass from 2026-10-08 00:00:00 UTC at the earliest.');
  });

  it('minDuration: a window that starts before the stage was entered does not count', () => {
    const report = evaluateGate(input({ window: { startMs: SINCE - DAY, endMs: END, basis: 'window-flag' } }));
    expect(prerequisite(report, 'min-duration')?.status).toBe('inconclusive');
    expect(prerequisite(report, 'min-duration')?.reason).toContain('before the stage was entered');
  });

  it('minDuration: values without a window (a bare --set) cannot prove it', () => {
    const report = evaluateGate(
      input({ values: { security_events: { status: 'value', value: 0, origin: { kind: 'set' }, dated: false } } }),
    );
    expect(prerequisite(report, 'min-duration')?.reason).toBe('values from --set have no window, so they cannot show 7d in the stage');
    expect(report.verdict).toBe('inconclusive');
  });

  it('minDuration with the entry time unknown is inconclusive, however long the window: it proves nothing about the stage', () => {
    const { stageEntry: _entry, ...rest } = input({ window: { startMs: SINCE, endMs: END, basis: 'min-duration' } });
    const report = evaluateGate(rest);
    expect(prerequisite(report, 'min-duration')).toMatchObject({ status: 'inconclusive' });
    expect(prerequisite(report, 'min-duration')?.reason).toContain('is unknown (no state.since, and no audit entry moved it there)');
    expect(report.verdict).not.toBe('go');
  });

  it('enforce before the step to everyone: an org left in observe mode, or observe in force, blocks it', () => {
    const atBeta = (edit: (m: any) => void) =>
      manifest((m) => {
        m.state.stage = 'limited-beta';
        m.state.governanceMode = 'enforce';
        edit(m);
      });
    const org = evaluateGate(
      input({
        stageId: 'limited-beta',
        manifest: atBeta((m) => (m.state.orgs = { 'support-pilot': { enabled: true, governanceMode: 'observe' } })),
      }),
    );
    expect(prerequisite(org, 'enforce-at-full-audience')).toMatchObject({
      status: 'fail',
      reason: 'org support-pilot is in observe mode, and the next stage, general-availability, reaches 100% of users',
    });
    const global = evaluateGate(input({ stageId: 'limited-beta', manifest: atBeta((m) => (m.state.governanceMode = 'observe')) }));
    expect(prerequisite(global, 'enforce-at-full-audience')?.status).toBe('fail');
    const clean = evaluateGate(input({ stageId: 'limited-beta', manifest: atBeta(() => undefined) }));
    expect(prerequisite(clean, 'enforce-at-full-audience')?.status).toBe('pass');
  });

  it('minSamples: too few is inconclusive, with an estimate at the current rate', () => {
    const report = evaluateGate(input({ values: { invocations: 50 } }));
    expect(prerequisite(report, 'min-samples')).toMatchObject({ status: 'inconclusive', observed: 50, nextPassAt: END + 7 * DAY });
    expect(prerequisite(report, 'min-samples')?.reason).toBe(
      '50 of 100 invocations, too few to judge; at this rate enough by about 2026-10-15 00:00:00 UTC',
    );
  });

  it('a pause or a disabled agent is no-go', () => {
    const paused = evaluateGate(
      input({ manifest: manifest((m) => (m.state.paused = { reason: 'guardrail spike', at: '2026-10-05T12:00:00Z', by: 'bob' })) }),
    );
    expect(paused.verdict).toBe('no-go');
    expect(prerequisite(paused, 'not-paused')?.reason).toBe('the rollout is paused since 2026-10-05 12:00:00 UTC by bob: guardrail spike');
    const disabled = evaluateGate(input({ manifest: manifest((m) => (m.state.enabled = false)) }));
    expect(disabled.verdict).toBe('no-go');
    expect(prerequisite(disabled, 'enabled')?.status).toBe('fail');
  });

  it('an incomplete inventory is no-go, listing the gaps that `inventory --check` reports', () => {
    const report = evaluateGate(input({ manifest: manifest((m) => delete m.inventory.credentials[0].owner) }));
    expect(prerequisite(report, 'inventory-complete')).toMatchObject({
      status: 'fail',
      details: ['credential "zendesk-ro" has no owner: nobody is named to revoke it'],
    });
    expect(report.verdict).toBe('no-go');
    // One definition with `inventory --check`: a shared credential is a gap there, so here too.
    const shared = evaluateGate(input({ manifest: manifest((m) => (m.inventory.credentials[0].independentlyRevocable = false)) }));
    expect(prerequisite(shared, 'inventory-complete')?.status).toBe('fail');
    expect(prerequisite(shared, 'inventory-complete')?.reason).toContain('cannot be revoked on its own');
  });

  it('enforce mode is required before and at a stage that reaches 100%', () => {
    const observeGa = manifest((m) => {
      m.state.stage = 'limited-beta';
      m.stages[2].governanceMode = 'observe';
    });
    const values = {
      error_rate: 0.01,
      data_class_escapes: 0,
      support_tickets_per_day: 1,
      security_events: 0,
      cost_per_invocation_usd: 0.08,
      invocations: 300,
    };
    const report = evaluateGate(input({ manifest: observeGa, stageId: 'limited-beta', values }));
    expect(prerequisite(report, 'enforce-at-full-audience')).toMatchObject({
      status: 'fail',
      reason: 'the next stage, general-availability, reaches 100% of users but its governanceMode is observe',
    });
    expect(report.verdict).toBe('no-go');
    const atBeta = (m: any) => {
      m.state.stage = 'limited-beta';
      m.state.governanceMode = 'enforce'; // as advance leaves it
    };
    const fine = evaluateGate(
      input({
        manifest: manifest(atBeta),
        stageId: 'limited-beta',
        values,
        window: { startMs: SINCE, endMs: SINCE + 14 * DAY, basis: 'window-flag' },
      }),
    );
    expect(prerequisite(fine, 'enforce-at-full-audience')?.status).toBe('pass');
    expect(fine.verdict).toBe('go');
    expect(prerequisite(evaluateGate(input()), 'enforce-at-full-audience')).toBeUndefined();
  });

  it('a manifest with validation errors is never go', () => {
    const report = evaluateGate(input({ validationErrors: ['AR101 criterion reads signal "x", which is not declared'] }));
    expect(report.verdict).toBe('error');
    expect(prerequisite(report, 'manifest-valid')?.reason).toContain('AR101');
  });

  it('a stage with only observe criteria cannot be go', () => {
    const report = evaluateGate(input({ manifest: manifest((m) => m.stages[0].exitCriteria.forEach((c: any) => (c.observe = true))) }));
    expect(report.verdict).toBe('inconclusive');
    expect(prerequisite(report, 'exit-criteria')?.status).toBe('inconclusive');
  });
});

describe('audit-trail evidence', () => {
  const entry = (action: string, at: string, details: Record<string, unknown>, after: unknown = null): AuditEntry => ({
    seq: 1,
    at,
    actor: 'a',
    action,
    before: null,
    after,
    reason: null,
    manifestSha256: 'x',
    details,
    tool: { name: 'agent-rollout', version: 'test' },
    prev: null,
    hash: 'h',
  });

  it('refusal tests before the first stage: the newest run of the current agent, guardrails and cases decides', () => {
    const withTests = manifest((m) => (m.guardrails.boundaries.tests = structuredClone((EXAMPLE as any).guardrails.boundaries.tests)));
    const cases = new TextEncoder().encode('{"id":"a","input":"hi","expect":"allow","category":"benign"}\n');
    const identity = evidenceIdentity(withTests, { cases });
    const current = { passed: true, ...evidenceDetails(identity), total: 1, failed: 0 };
    const none = evaluateGate(input({ manifest: withTests, guardrailEvidence: identity }));
    expect(prerequisite(none, 'refusal-tests')).toMatchObject({ status: 'inconclusive', reason: 'no guardrail test run is recorded' });
    const otherCases = evaluateGate(
      input({
        manifest: withTests,
        guardrailEvidence: identity,
        trail: { entries: [entry('guardrails', '2026-10-02T00:00:00Z', { ...current, casesSha256: 'b'.repeat(64) })], problems: [] },
      }),
    );
    expect(prerequisite(otherCases, 'refusal-tests')?.reason).toBe(
      'no guardrail test run of the current agent, guardrails and cases: the cases file changed since the run of 2026-10-02 00:00:00 UTC',
    );
    const legacy = evaluateGate(
      input({
        manifest: withTests,
        guardrailEvidence: identity,
        trail: {
          entries: [entry('guardrails', '2026-10-02T00:00:00Z', { passed: true, casesSha256: identity.casesSha256 })],
          problems: [],
        },
      }),
    );
    expect(prerequisite(legacy, 'refusal-tests')).toMatchObject({ status: 'inconclusive' });
    expect(prerequisite(legacy, 'refusal-tests')?.reason).toContain('recorded no agentSha256 or guardrailsSha256');
    const passed = evaluateGate(
      input({
        manifest: withTests,
        guardrailEvidence: identity,
        trail: { entries: [entry('guardrails', '2026-10-02T00:00:00Z', current)], problems: [] },
      }),
    );
    expect(prerequisite(passed, 'refusal-tests')?.status).toBe('pass');
    expect(passed.verdict).toBe('go');
    const failedLater = evaluateGate(
      input({
        manifest: withTests,
        guardrailEvidence: identity,
        trail: {
          entries: [
            entry('guardrails', '2026-10-02T00:00:00Z', current),
            entry('guardrails', '2026-10-03T00:00:00Z', { ...current, passed: false, failed: 1, failedCategories: ['benign'] }),
          ],
          problems: [],
        },
      }),
    );
    expect(prerequisite(failedLater, 'refusal-tests')).toMatchObject({
      status: 'fail',
      reason:
        'the last guardrail test run of the current agent, guardrails and cases, on 2026-10-03 00:00:00 UTC, failed: categories benign below their bar; 1 of 1 attempts failed',
    });
    const unreadable = evaluateGate(
      input({
        manifest: withTests,
        guardrailEvidence: evidenceIdentity(withTests, { cases: { problem: 'cannot read the cases file: no such file' } }),
      }),
    );
    expect(prerequisite(unreadable, 'refusal-tests')?.status).toBe('error');
  });

  it('guardrails.passedWithin: a passing run of the current agent, guardrails and cases within the period, at any stage', () => {
    const beta = manifest((m) => {
      m.guardrails.boundaries.tests = structuredClone((EXAMPLE as any).guardrails.boundaries.tests);
      m.state.stage = 'limited-beta';
      m.state.governanceMode = 'enforce';
      m.stages[1].exitCriteria.push({ id: 'refusals-hold', guardrails: { passedWithin: '7d' } });
    });
    const cases = new TextEncoder().encode('{"id":"a","input":"hi","expect":"allow","category":"benign"}\n');
    const identity = evidenceIdentity(beta, { cases });
    const run = (at: string, details: Record<string, unknown> = {}) =>
      entry('guardrails', at, { passed: true, ...evidenceDetails(identity), total: 1, failed: 0, ...details });
    const gate = (entries: AuditEntry[]) =>
      criterion(
        evaluateGate(input({ manifest: beta, stageId: 'limited-beta', guardrailEvidence: identity, trail: { entries, problems: [] } })),
        'refusals-hold',
      );
    expect(gate([])).toMatchObject({
      kind: 'guardrails',
      status: 'inconclusive',
      observedText: 'none',
      reason: 'no guardrail test run is recorded',
    });
    expect(gate([run('2026-10-06T00:00:00Z')])).toMatchObject({ status: 'pass', observed: '2026-10-06T00:00:00Z' });
    // The model changed since the run: the run is about another agent.
    const swapped = structuredClone(beta) as any;
    swapped.agent.model = 'other-provider/other-model';
    const swappedGate = criterion(
      evaluateGate(
        input({
          manifest: swapped,
          stageId: 'limited-beta',
          guardrailEvidence: evidenceIdentity(swapped, { cases }),
          trail: { entries: [run('2026-10-06T00:00:00Z')], problems: [] },
        }),
      ),
      'refusals-hold',
    );
    expect(swappedGate).toMatchObject({
      status: 'inconclusive',
      observedText: 'outdated',
      reason:
        'no guardrail test run of the current agent, guardrails and cases: agent.model changed since the run of 2026-10-06 00:00:00 UTC',
    });
    expect(gate([run('2026-09-20T00:00:00Z')])?.reason).toContain('longer ago than 7d');
    expect(gate([run('2026-10-06T00:00:00Z'), run('2026-10-07T00:00:00Z', { passed: false, failed: 1 })])?.status).toBe('fail');
    // A run after the end of the window does not count.
    expect(gate([run('2026-10-09T00:00:00Z')])?.status).toBe('inconclusive');
    const untested = manifest((m) => {
      m.state.stage = 'limited-beta';
      m.state.governanceMode = 'enforce';
      m.stages[1].exitCriteria.push({ id: 'refusals-hold', guardrails: { passedWithin: '7d' } });
    });
    expect(criterion(evaluateGate(input({ manifest: untested, stageId: 'limited-beta' })), 'refusals-hold')?.status).toBe('error');
  });

  it('drill.passedWithin: only a passing drill of the current rollback section, within the period', () => {
    const ga = manifest((m) => {
      m.state.stage = 'general-availability';
      m.state.governanceMode = 'enforce';
    });
    const current = rollbackSha256(ga) as string;
    const older = rollbackSha256({ rollback: { ...ga.rollback, window: '20m' } as any }) as string;
    const key = requestKey({ signal: 'error_rate', kind: 'range', rangeMs: 14 * DAY });
    const base = {
      manifest: ga,
      stageId: 'general-availability',
      window: { startMs: SINCE, endMs: SINCE + 14 * DAY, basis: 'stage-entry' as const },
      values: {
        [key]: {
          status: 'series',
          points: Array.from({ length: 14 }, (_, i) => [SINCE + (i + 1) * DAY, 0.01] as Point),
          origin: source,
          dated: true,
          stepMs: DAY,
        } as Observation,
        data_class_escapes: 0,
        invocations: 6000,
      },
    };
    const drill = (at: string, sha: string, passed = true) =>
      entry('drill', at, { passed, rollbackSha256: sha, durationMs: 1, windowMs: 2, interrupted: false });
    const gate = (entries: AuditEntry[]) =>
      criterion(evaluateGate(input({ ...base, trail: { entries, problems: [] } })), 'rollback-tested');
    expect(gate([])).toMatchObject({ status: 'inconclusive', reason: 'no passing drill of the current rollback section within 30d' });
    expect(gate([drill('2026-10-10T00:00:00Z', older)])?.reason).toBe(
      'no passing drill of the current rollback section within 30d; the last drill, on 2026-10-10 00:00:00 UTC, was of an earlier rollback section',
    );
    expect(gate([drill('2026-10-10T00:00:00Z', current, false)])?.status).toBe('inconclusive');
    expect(gate([drill('2026-08-01T00:00:00Z', current)])?.reason).toContain('is older than 30d');
    expect(gate([drill('2026-10-10T00:00:00Z', current)])).toMatchObject({ status: 'pass', observed: '2026-10-10T00:00:00Z' });
    // A drill after the evaluation time does not count for an evaluation --at before it.
    expect(gate([drill('2026-11-01T00:00:00Z', current)])?.status).toBe('inconclusive');
    expect(evaluateGate(input({ ...base, trail: { entries: [drill('2026-10-10T00:00:00Z', current)], problems: [] } })).verdict).toBe('go');
    const tampered = criterion(
      evaluateGate(
        input({ ...base, trail: { entries: [drill('2026-10-10T00:00:00Z', current)], problems: [{ line: 1, message: 'edited' }] } }),
      ),
      'rollback-tested',
    );
    expect(tampered?.status).toBe('error');
  });

  it('stage entry: state.since, else the last advance or rollback into the stage', () => {
    const noSince = manifest((m) => delete m.state.since);
    const entries = [
      entry('advance', '2026-09-01T00:00:00Z', {}, { stage: 'internal-pilot' }),
      entry('advance', '2026-09-10T00:00:00Z', {}, { stage: 'limited-beta' }),
      entry('rollback', '2026-09-20T00:00:00Z', {}, { stage: 'internal-pilot' }),
      entry('gate', '2026-09-25T00:00:00Z', {}),
    ];
    expect(stageEntry(noSince, 'internal-pilot', entries)).toEqual({ atMs: Date.parse('2026-09-20T00:00:00Z'), from: 'audit' });
    expect(stageEntry(manifest(), 'internal-pilot', entries)).toEqual({ atMs: SINCE, from: 'state.since' });
    expect(stageEntry(noSince, 'general-availability', entries)).toBeUndefined();
  });
});

describe('the evaluation window', () => {
  const stage = EXAMPLE.stages[0];
  it('defaults to the stage entry until --at or now; --window sets the length; pasted windows are kept', () => {
    expect(chooseWindow({ stage, entry: { atMs: SINCE, from: 'state.since' }, now: END })).toEqual({
      startMs: SINCE,
      endMs: END,
      basis: 'stage-entry',
    });
    expect(chooseWindow({ stage, now: END })).toEqual({ startMs: END - 7 * DAY, endMs: END, basis: 'min-duration' });
    expect(chooseWindow({ stage, at: END - DAY, lengthMs: 2 * DAY, entry: { atMs: SINCE, from: 'state.since' }, now: END })).toEqual({
      startMs: END - 3 * DAY,
      endMs: END - DAY,
      basis: 'window-flag',
    });
    expect(chooseWindow({ stage, pasted: { start: SINCE, end: SINCE + DAY }, now: END })).toEqual({
      startMs: SINCE,
      endMs: SINCE + DAY,
      basis: 'metrics',
    });
    expect(chooseWindow({ stage: { ...stage, minDuration: undefined } as any, now: END })).toEqual({
      startMs: END - DAY,
      endMs: END,
      basis: 'default',
    });
  });
});
