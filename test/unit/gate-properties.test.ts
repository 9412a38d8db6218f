import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateGate } from '../../src/gate/evaluate.js';
import { criterionRequest, signalRequests } from '../../src/gate/requests.js';
import type { GateInput } from '../../src/gate/types.js';
import type { Manifest } from '../../src/manifest/types.js';
import type { Observation, Origin, Point } from '../../src/metrics/types.js';
import { requestKey } from '../../src/metrics/types.js';
import type { AuditEntry } from '../../src/state/audit.js';
import { rollbackSha256 } from '../../src/state/rollback-hash.js';
import { EXAMPLES } from '../helpers/cli.js';
import { FUZZ_RUNS as RUNS, fuzzTimeout } from '../helpers/run-counts.js';

/**
 * The gate fails closed, whatever the evidence: on the support-triage example, at each of its
 * stages, with random observations (and random criteria marked observe), evaluateGate never says
 * go when a criterion that decides has no value, or a value that is NaN, ±Infinity or not a
 * number at all; and it says go only when every criterion that decides passed.
 */

const TIMEOUT = fuzzTimeout(20);

const DAY = 86_400_000;
const SINCE = Date.parse('2026-10-01T00:00:00Z');
const END = SINCE + 14 * DAY;
const EXAMPLE: Manifest = JSON.parse(readFileSync(join(EXAMPLES, 'support-triage', 'rollout.json'), 'utf8'));
const STAGES = EXAMPLE.stages.map((stage) => stage.id);
const origin: Origin = { kind: 'source', source: 'prom', type: 'prometheus' };

/** The example at `stageId`, entered at SINCE, in that stage's mode, with no refusal tests to prove. */
function manifestAt(stageId: string, observe: readonly boolean[]): Manifest {
  const copy = structuredClone(EXAMPLE) as any;
  copy.state.stage = stageId;
  copy.state.since = new Date(SINCE).toISOString();
  const stage = copy.stages.find((s: any) => s.id === stageId);
  copy.state.governanceMode = stage.governanceMode;
  delete copy.guardrails.boundaries.tests;
  (stage.exitCriteria ?? []).forEach((criterion: any, i: number) => {
    if (observe[i]) criterion.observe = true;
    else delete criterion.observe;
  });
  return copy as Manifest;
}

/** A drill of the current rollback section that passed within the window, for the rollback-tested criterion. */
function drillEntry(manifest: Manifest): AuditEntry {
  return {
    seq: 1,
    at: new Date(END - DAY).toISOString(),
    actor: 'test@example.com',
    action: 'drill',
    before: null,
    after: null,
    reason: null,
    manifestSha256: 'x',
    details: { passed: true, rollbackSha256: rollbackSha256(manifest) },
    tool: { name: 'agent-rollout', version: 'test' },
    prev: null,
    hash: 'x',
  };
}

const hourly = (at: (t: number) => number): Point[] => {
  const points: Point[] = [];
  for (let t = SINCE + 3_600_000; t <= END; t += 3_600_000) points.push([t, at(t)]);
  return points;
};

/** Evidence on which each stage's gate says go: every value in bounds, every series whole. */
function goodObservation(manifest: Manifest, key: string): Observation {
  if (key.includes('@for:')) return { status: 'series', points: hourly(() => 0.01), origin, dated: true };
  const good: Record<string, number> = {
    invocations: 6000,
    security_events: 0,
    cost_per_invocation_usd: manifest.inventory.costEnvelope?.usdPerInvocation ?? 0.08,
    output_policy_violations: 0,
    error_rate: 0.01,
    data_class_escapes: 0,
    support_tickets_per_day: 1,
  };
  return { status: 'value', value: good[key] ?? 0, origin, dated: true };
}

function baseInput(stageId: string, observe: readonly boolean[] = []): GateInput {
  const manifest = manifestAt(stageId, observe);
  const stage = manifest.stages.find((s) => s.id === stageId);
  if (!stage) throw new Error(stageId);
  const observations = new Map(
    signalRequests(manifest, stage).map((request) => [requestKey(request), goodObservation(manifest, requestKey(request))]),
  );
  return {
    manifest,
    stageId,
    window: { startMs: SINCE, endMs: END, basis: 'stage-entry' },
    stageEntry: { atMs: SINCE, from: 'state.since' },
    observations,
    trail: { entries: [drillEntry(manifest)], problems: [] },
    validationErrors: [],
    now: END + DAY,
  };
}

/** Values that are not a finite number: what a broken source, a bad paste or a cast could put there. */
const notFinite = fc.oneof(
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
  fc.constantFrom<unknown>(null, undefined, true, false, '', '0', '0.01', 'NaN', '+Inf', [], [0], {}, { value: 0 }, 0n),
  fc.string({ maxLength: 8 }),
);
const anyNumber = fc.oneof(fc.double(), fc.constantFrom(0, -0, 0.01, 1, 3, 6000, Number.MAX_VALUE, Number.MIN_VALUE, -1));
const anyValue = fc.oneof({ arbitrary: anyNumber, weight: 3 }, { arbitrary: notFinite, weight: 2 });

/** A point of a series: mostly hourly over the window, now and then anything at all. */
const point = fc.tuple(
  fc.oneof(
    { arbitrary: fc.integer({ min: 0, max: 14 * 24 }).map((h) => SINCE + h * 3_600_000), weight: 4 },
    { arbitrary: fc.double(), weight: 1 },
  ),
  anyValue,
);

type Change = { kind: 'keep' } | { kind: 'missing' } | { kind: 'replace'; observation: Observation };

/** What happens to one observation: kept, dropped, or replaced by anything a source could return. */
const change: fc.Arbitrary<Change> = fc.oneof(
  { arbitrary: fc.constant<Change>({ kind: 'keep' }), weight: 4 },
  { arbitrary: fc.constant<Change>({ kind: 'missing' }), weight: 1 },
  {
    arbitrary: fc
      .record({ value: anyValue, dated: fc.boolean() })
      .map(({ value, dated }): Change => ({ kind: 'replace', observation: { status: 'value', value: value as number, origin, dated } })),
    weight: 4,
  },
  {
    // A whole hourly series with a few values replaced (in the window or not).
    arbitrary: fc.array(fc.tuple(fc.integer({ min: 0, max: 14 * 24 - 1 }), anyValue), { maxLength: 3 }).map((edits): Change => {
      const points = hourly(() => 0.01) as [number, number][];
      for (const [at, value] of edits) (points[at] as [number, number])[1] = value as number;
      return { kind: 'replace', observation: { status: 'series', points, origin, dated: true } };
    }),
    weight: 2,
  },
  {
    arbitrary: fc
      .array(point, { maxLength: 40 })
      .map((points): Change => ({ kind: 'replace', observation: { status: 'series', points: points as Point[], origin, dated: true } })),
    weight: 1,
  },
  { arbitrary: fc.constant<Change>({ kind: 'replace', observation: { status: 'no-data', origin, reason: 'no data' } }), weight: 1 },
  { arbitrary: fc.constant<Change>({ kind: 'replace', observation: { status: 'error', origin, reason: 'source failed' } }), weight: 1 },
);

/** The most criteria a stage of the example has. */
const MOST_CRITERIA = Math.max(...EXAMPLE.stages.map((stage) => (stage.exitCriteria ?? []).length));
/** Every request key any stage reads, so one record of changes serves every stage. */
const ALL_KEYS = [...new Set(EXAMPLE.stages.flatMap((stage) => signalRequests(EXAMPLE, stage).map(requestKey)))];

const scenario = fc.record({
  stageId: fc.constantFrom(...STAGES),
  observe: fc.array(fc.boolean(), { minLength: MOST_CRITERIA, maxLength: MOST_CRITERIA }),
  changes: fc.record(Object.fromEntries(ALL_KEYS.map((key) => [key, change])) as Record<string, fc.Arbitrary<Change>>),
});

function inputOf({ stageId, observe, changes }: { stageId: string; observe: boolean[]; changes: Record<string, Change> }): GateInput {
  const input = baseInput(stageId, observe);
  const observations = new Map(input.observations);
  for (const [key, what] of Object.entries(changes)) {
    if (!observations.has(key)) continue;
    if (what.kind === 'missing') observations.delete(key);
    else if (what.kind === 'replace') observations.set(key, what.observation);
  }
  return { ...input, observations };
}

const isFiniteNumber = (value: unknown): boolean => typeof value === 'number' && Number.isFinite(value);

/** Why the evidence of a deciding criterion cannot make a go, or undefined when it could. */
function unusableEvidence(input: GateInput): string | undefined {
  const stage = input.manifest.stages.find((s) => s.id === input.stageId);
  for (const criterion of stage?.exitCriteria ?? []) {
    if (criterion.observe) continue;
    const request = criterionRequest(criterion);
    if (!request) continue;
    const observation = input.observations.get(requestKey(request));
    if (!observation) return `${criterion.id}: no value`;
    if (observation.status === 'value' && !isFiniteNumber(observation.value)) return `${criterion.id}: ${String(observation.value)}`;
    if (observation.status === 'series' && observation.points.some(([, v]) => !isFiniteNumber(v)))
      return `${criterion.id}: a series with a value that is not a finite number`;
  }
  return undefined;
}

describe('the gate on the support-triage example', () => {
  it('says go at every stage on good evidence (so the properties below start from go)', () => {
    for (const stageId of STAGES) {
      const report = evaluateGate(baseInput(stageId));
      expect(report.verdict, `${stageId}: ${report.summary}`).toBe('go');
    }
  });

  it(
    `never says go when a deciding criterion has no value, or NaN, ±Infinity or a value that is not a number (${RUNS} cases)`,
    () => {
      fc.assert(
        fc.property(scenario, (generated) => {
          const input = inputOf(generated);
          const why = unusableEvidence(input);
          fc.pre(why !== undefined);
          const report = evaluateGate(input);
          expect(report.verdict, why).not.toBe('go');
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    `says go only when every deciding criterion passed and every prerequisite holds (${RUNS} cases)`,
    () => {
      let goes = 0;
      fc.assert(
        fc.property(scenario, (generated) => {
          const report = evaluateGate(inputOf(generated));
          const deciding = report.criteria.filter((c) => !c.observe);
          if (report.verdict === 'go') {
            goes++;
            expect(deciding.map((c) => [c.id, c.status])).toEqual(deciding.map((c) => [c.id, 'pass']));
            expect(report.prerequisites.every((p) => p.status === 'pass')).toBe(true);
          }
          // Observe criteria are shown and never decide; the others show what they came to.
          for (const c of report.criteria) expect(c.status).toBe(c.observe ? 'observe' : c.outcome);
        }),
        { numRuns: RUNS },
      );
      // Not vacuous: the scenarios reach go too, not only verdicts that hold trivially.
      expect(goes).toBeGreaterThan(0);
    },
    TIMEOUT,
  );

  it('a value that is not a finite number is an error for the criterion that reads it, not a pass', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, '0', null]) {
      const report = evaluateGate(
        inputOf({
          stageId: 'internal-pilot',
          observe: [],
          changes: { security_events: { kind: 'replace', observation: { status: 'value', value: bad as number, origin, dated: true } } },
        }),
      );
      expect(
        report.criteria.find((c) => c.id === 'zero-security-events'),
        String(bad),
      ).toMatchObject({ status: 'error', observed: null });
      expect(report.verdict).toBe('error');
    }
    const key = requestKey({ signal: 'error_rate', kind: 'range', rangeMs: 14 * DAY });
    const points = hourly((t) => (t === SINCE + 5 * DAY ? Number.NaN : 0.01));
    const ga = inputOf({
      stageId: 'general-availability',
      observe: [],
      changes: { [key]: { kind: 'replace', observation: { status: 'series', points, origin, dated: true } } },
    });
    expect(evaluateGate(ga).criteria.find((c) => c.id === 'error-rate-stable')).toMatchObject({ status: 'error' });
    const infinite = evaluateGate(
      inputOf({
        stageId: 'internal-pilot',
        observe: [],
        changes: { invocations: { kind: 'replace', observation: { status: 'value', value: Infinity, origin, dated: true } } },
      }),
    );
    expect(infinite.prerequisites.find((p) => p.id === 'min-samples')).toMatchObject({
      status: 'error',
      reason: 'invocations is Infinity, not a finite number',
    });
  });

  it('a tiny fractional sample count gives no estimate (it would lie past the last time a Date holds), instead of crashing', () => {
    const report = evaluateGate(
      inputOf({
        stageId: 'internal-pilot',
        observe: [],
        changes: { invocations: { kind: 'replace', observation: { status: 'value', value: 5e-324, origin, dated: true } } },
      }),
    );
    const samples = report.prerequisites.find((p) => p.id === 'min-samples');
    expect(samples).toMatchObject({
      status: 'inconclusive',
      reason: '5e-324 of 100 invocations, too few to judge',
      hint: 'wait for more traffic in this stage',
    });
    expect(samples?.nextPassAt).toBeUndefined();
  });
});
