import { durationMs } from '../time/duration.js';
import { inRange } from '../time/timestamp-parse.js';
import { resolveDottedPath } from '../manifest/dotted-path.js';
import type { Criterion, Manifest } from '../manifest/types.js';
import type { Observation, Point } from '../metrics/types.js';
import { originLabel, requestKey } from '../metrics/types.js';
import type { AuditEntry } from '../state/audit.js';
import { rollbackSha256 } from '../state/rollback-hash.js';
import { guardrailEvidenceCheck } from './guardrail-evidence.js';
import { criterionRequest } from './requests.js';
import type { CriterionResult, EvaluationWindow, GateInput } from './types.js';
import { plural } from '../text/plural.js';
import { formatSpan } from '../time/duration.js';
import { formatTime } from '../time/timestamp.js';
import { formatAgainst, formatNumber } from './wording.js';

/** The bounds a criterion puts on a value; `within` is the withinPercent test. */
interface Bounds {
  max?: number;
  min?: number;
  within?: { reference: number; percent: number; tolerance: number; path: string };
}

/** A value outside the bounds: which side, and the bound as a person reads it. */
interface Violation {
  side: 'above' | 'below';
  text: string;
}

/** Rounding slack for withinPercent, so 0.096 is within 20% of 0.08 as arithmetic says it is. */
const RELATIVE_SLACK = 1e-9;

function violation(value: number, bounds: Bounds): Violation | undefined {
  if (bounds.max !== undefined && value > bounds.max)
    return { side: 'above', text: `${formatAgainst(value, bounds.max)} is above the maximum ${formatNumber(bounds.max)}` };
  if (bounds.min !== undefined && value < bounds.min)
    return { side: 'below', text: `${formatAgainst(value, bounds.min)} is below the minimum ${formatNumber(bounds.min)}` };
  if (bounds.within) {
    const { reference, percent, tolerance, path } = bounds.within;
    const difference = value - reference;
    if (Math.abs(difference) > tolerance + RELATIVE_SLACK * Math.max(Math.abs(reference), tolerance, 1e-12)) {
      const off =
        reference === 0
          ? ''
          : ` (${formatNumber((Math.abs(difference) / Math.abs(reference)) * 100)}% ${difference > 0 ? 'above' : 'below'})`;
      return {
        side: difference > 0 ? 'above' : 'below',
        text: `${formatNumber(value)} is not within ${formatNumber(percent)}% of ${formatNumber(reference)} (${path})${off}`,
      };
    }
  }
  return undefined;
}

function passText(value: number, bounds: Bounds): string {
  const parts: string[] = [];
  const v = formatNumber(value);
  if (bounds.max !== undefined && bounds.min !== undefined) parts.push(`${formatNumber(bounds.min)} ≤ ${v} ≤ ${formatNumber(bounds.max)}`);
  else if (bounds.max !== undefined) parts.push(`${v} ≤ ${formatNumber(bounds.max)}`);
  else if (bounds.min !== undefined) parts.push(`${v} ≥ ${formatNumber(bounds.min)}`);
  if (bounds.within) {
    const { reference, percent } = bounds.within;
    const off = reference === 0 ? 0 : (Math.abs(value - reference) / Math.abs(reference)) * 100;
    parts.push(`${v} is ${formatNumber(off)}% from ${formatNumber(reference)}, within ${formatNumber(percent)}%`);
  }
  return parts.join('; ');
}

function expectedText(criterion: Criterion, bounds: Bounds | undefined, unit: string): string {
  const parts: string[] = [];
  const u = unit ? ` ${unit}` : '';
  if (bounds?.max !== undefined && bounds.min !== undefined) parts.push(`${formatNumber(bounds.min)} to ${formatNumber(bounds.max)}${u}`);
  else if (bounds?.max !== undefined) parts.push(`≤ ${formatNumber(bounds.max)}${u}`);
  else if (bounds?.min !== undefined) parts.push(`≥ ${formatNumber(bounds.min)}${u}`);
  if (bounds?.within) {
    const { reference, tolerance, percent } = bounds.within;
    parts.push(
      `within ${formatNumber(percent)}% of ${formatNumber(reference)}${u} (${formatNumber(reference - tolerance)} to ${formatNumber(reference + tolerance)})`,
    );
  } else if (criterion.withinPercent !== undefined) {
    parts.push(`within ${formatNumber(criterion.withinPercent)}% of ${criterion.of ?? '?'}`);
  }
  const text = parts.join(', ');
  return criterion.for ? `${text}, every sample for ${criterion.for}` : text;
}

/** A series without a step of its own (declared, or a range query's) is judged as if sampled this finely: `for` / 24. */
export const DEFAULT_STEPS_PER_PERIOD = 24;
/** The coarsest step a series may declare: `for` / 7. */
export const MIN_STEPS_PER_PERIOD = 7;
/** The longest gap between two samples, in steps, that still shows every interval. */
const GAP_TOLERANCE_STEPS = 1.5;

/**
 * The step a series is judged with: its own (a range query's, or the `step` pasted metrics
 * declare), else `for` / 24. Never the gaps between its samples: two samples fourteen days apart
 * would make a step of fourteen days, and "hold for 14d" out of two points.
 */
export function seriesStep(observation: { stepMs?: number }, forMs: number): number {
  return observation.stepMs ?? forMs / DEFAULT_STEPS_PER_PERIOD;
}

type CheckPart = Pick<CriterionResult, 'outcome' | 'observed' | 'observedText' | 'reason' | 'hint' | 'nextPassAt' | 'samples' | 'source'>;

function fromSeries(
  criterion: Criterion,
  bounds: Bounds,
  observation: Extract<Observation, { status: 'series' }>,
  window: EvaluationWindow,
  unit: string,
): CheckPart {
  const forMs = durationMs(criterion.for as string);
  const rangeStart = Math.max(window.startMs, window.endMs - forMs);
  // Samples stamped outside the period (a sample from 1970, or from after the window) are not current data.
  const points = observation.points.filter(([t]) => t >= rangeStart && t <= window.endMs);
  const outside = observation.points.length - points.length;
  const source = originLabel(observation.origin);
  const u = unit ? ` ${unit}` : '';
  if (points.length === 0) {
    const stray = observation.points.find(([t]) => inRange(t));
    return {
      outcome: 'inconclusive',
      observed: null,
      observedText: 'no samples',
      reason: `no samples of ${criterion.signal} in the last ${criterion.for} of the window${stray ? ` (${plural(outside, 'sample')} stamped outside it, e.g. at ${formatTime(stray[0])}, are not current data)` : ''}`,
      samples: 0,
      source,
    };
  }
  // A loop, not Math.max(...values): a million samples would overflow the call stack.
  let highest = -Infinity;
  let lowest = Infinity;
  for (const [, v] of points) {
    if (v > highest) highest = v;
    if (v < lowest) lowest = v;
  }
  const bad = points.map((point) => ({ point, broken: violation(point[1], bounds) })).filter((p) => p.broken);
  if (bad.length > 0) {
    const above = bad.filter((b) => b.broken?.side === 'above');
    const worst =
      above.length > 0
        ? above.reduce((a, b) => (b.point[1] > a.point[1] ? b : a))
        : bad.reduce((a, b) => (b.point[1] < a.point[1] ? b : a));
    return {
      outcome: 'fail',
      observed: worst.point[1],
      observedText: `${formatNumber(worst.point[1])}${u} at ${formatTime(worst.point[0])}`,
      reason: `${worst.broken?.text} at ${formatTime(worst.point[0])} (${bad.length} of ${plural(points.length, 'sample')} out of bounds)`,
      hint: `look at ${criterion.signal} around ${formatTime(worst.point[0])}; the criterion needs every sample to hold`,
      samples: points.length,
      source,
    };
  }
  const shown = bounds.min !== undefined && bounds.max === undefined && !bounds.within ? lowest : highest;
  const base = {
    observed: shown,
    observedText: `${bounds.min !== undefined && bounds.max === undefined ? 'lowest' : 'highest'} ${formatNumber(shown)}${u} of ${points.length}`,
    samples: points.length,
    source,
  };
  if (points.length < 2 && observation.stepMs === undefined) {
    return {
      ...base,
      outcome: 'inconclusive',
      reason: `one sample cannot show that ${criterion.signal} held for ${criterion.for}`,
      hint: 'paste a series with a sample per interval, or use a prometheus source',
    };
  }
  if (window.endMs - window.startMs < forMs) {
    const canPass = window.basis === 'stage-entry' ? window.startMs + forMs : undefined;
    return {
      ...base,
      outcome: 'inconclusive',
      reason: `the window is ${formatSpan(window.endMs - window.startMs)}, shorter than the ${criterion.for} every sample must hold for${canPass ? `; could pass from ${formatTime(canPass)}` : ''}`,
      hint: canPass
        ? `run the gate again after ${formatTime(canPass)}`
        : `evaluate a window of at least ${criterion.for} (--window ${criterion.for})`,
      ...(canPass ? { nextPassAt: canPass } : {}),
    };
  }
  const step = seriesStep(observation, forMs);
  const stepText = formatSpan(step);
  const first = (points[0] as Point)[0];
  const last = (points.at(-1) as Point)[0];
  // The series spans the period: each sample stands for the step before it, so the first may
  // come up to a step after the start (plus a step for a range query's alignment), and the last
  // at most 1.5 steps before the end, the tolerance between samples.
  const lead = first - rangeStart;
  const trail = window.endMs - last;
  if (lead > 2 * step || trail > GAP_TOLERANCE_STEPS * step) {
    const covered = Math.min(last, window.endMs) - Math.max(first - step, rangeStart);
    const [from, to] = lead > 2 * step ? [rangeStart, first] : [last, window.endMs];
    return {
      ...base,
      outcome: 'inconclusive',
      reason: `the samples cover ${formatSpan(covered)} of the ${criterion.for} needed: none between ${formatTime(from)} and ${formatTime(to)} (a step is ${stepText})`,
      hint: `check that ${criterion.signal} has data for the whole ${criterion.for}`,
    };
  }
  let gapStart = first;
  let gap = 0;
  for (let i = 1; i < points.length; i++) {
    const size = (points[i] as Point)[0] - (points[i - 1] as Point)[0];
    if (size > gap) {
      gap = size;
      gapStart = (points[i - 1] as Point)[0];
    }
  }
  if (gap > step * GAP_TOLERANCE_STEPS) {
    return {
      ...base,
      outcome: 'inconclusive',
      reason: `no samples between ${formatTime(gapStart)} and ${formatTime(gapStart + gap)}, a gap of ${formatSpan(gap)} where a step is ${stepText}, so the series does not show every interval`,
      hint: `check why ${criterion.signal} has a gap (scrapes missed, the agent down)`,
    };
  }
  return {
    ...base,
    outcome: 'pass',
    reason: `all ${points.length} samples over ${criterion.for} hold (${formatNumber(lowest)} to ${formatNumber(highest)})`,
  };
}

/**
 * Why a value cannot be compared with a bound (NaN, ±Infinity, anything not a number), or
 * undefined when it can. The metrics layer already makes such values errors; the gate checks
 * again, because NaN compares false with every bound, so it would pass a `max` as it would a `min`.
 */
function notFinite(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : String(value);
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}…` : value)}`;
  if (value === null || value === undefined) return String(value);
  return Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function fromObservation(
  criterion: Criterion,
  bounds: Bounds,
  observation: Observation | undefined,
  window: EvaluationWindow,
  unit: string,
): CheckPart {
  const u = unit ? ` ${unit}` : '';
  if (!observation) return { outcome: 'inconclusive', observed: null, observedText: '-', reason: `no value for ${criterion.signal}` };
  const source = originLabel(observation.origin);
  const unusable = (reason: string): CheckPart => ({
    outcome: 'error',
    observed: null,
    observedText: 'error',
    reason,
    hint: 'fix the source or the value, then run the gate again',
    source,
  });
  if (observation.status === 'value') {
    const bad = notFinite(observation.value);
    if (bad !== undefined) return unusable(`${criterion.signal} is ${bad}, not a finite number`);
  }
  if (observation.status === 'series') {
    const index = observation.points.findIndex(([, v]) => notFinite(v) !== undefined);
    const point = observation.points[index];
    if (point) {
      const when = Number.isFinite(point[0]) && Math.abs(point[0]) <= 8.64e15 ? formatTime(point[0]) : `sample ${index + 1}`;
      return unusable(`${criterion.signal} has ${notFinite(point[1])} at ${when}, not a finite number`);
    }
  }
  switch (observation.status) {
    case 'error':
      return {
        outcome: 'error',
        observed: null,
        observedText: 'error',
        reason: observation.reason,
        hint: 'fix the source or the value, then run the gate again',
        source,
      };
    case 'no-data':
      return {
        outcome: 'inconclusive',
        observed: null,
        observedText: 'no data',
        reason: observation.reason,
        ...(observation.hint ? { hint: observation.hint } : {}),
        source,
      };
    case 'series':
      if (criterion.for) return fromSeries(criterion, bounds, observation, window, unit);
      return {
        outcome: 'inconclusive',
        observed: null,
        observedText: 'a series',
        reason: `${criterion.signal} was given as a series; this criterion needs one value over the window`,
        hint: `give ${criterion.signal} under "values"`,
        source,
      };
    case 'value': {
      if (criterion.for) {
        return {
          outcome: 'inconclusive',
          observed: observation.value,
          observedText: `${formatNumber(observation.value)}${u}`,
          reason: `one value cannot show that every sample held for ${criterion.for}: a series is needed (a range query or a pasted series)`,
          hint: `paste "series": {"${criterion.signal}": [[time, value], ...]} with --metrics, or query a prometheus source`,
          source,
        };
      }
      const broken = violation(observation.value, bounds);
      return {
        outcome: broken ? 'fail' : 'pass',
        observed: observation.value,
        observedText: `${formatNumber(observation.value)}${u}`,
        reason: broken ? broken.text : passText(observation.value, bounds),
        ...(broken ? { hint: `find out why ${criterion.signal} is ${broken.side === 'above' ? 'high' : 'low'} before expanding` } : {}),
        source,
      };
    }
  }
}

function boundsOf(criterion: Criterion, manifest: Manifest): Bounds | { problem: string } {
  const bounds: Bounds = {};
  if (criterion.max !== undefined) bounds.max = criterion.max;
  if (criterion.min !== undefined) bounds.min = criterion.min;
  if (criterion.withinPercent !== undefined) {
    const path = criterion.of;
    const reference = path === undefined ? undefined : resolveDottedPath(manifest, path);
    if (typeof reference !== 'number' || !Number.isFinite(reference)) {
      return { problem: `"of": ${path ?? '(missing)'} is not a number in the manifest, so there is nothing to compare with` };
    }
    bounds.within = {
      reference,
      percent: criterion.withinPercent,
      tolerance: (Math.abs(reference) * criterion.withinPercent) / 100,
      path: path as string,
    };
  }
  return bounds;
}

function drillResult(criterion: Criterion, input: GateInput): Omit<CriterionResult, 'id' | 'status' | 'observe' | 'kind' | 'expected'> {
  const within = criterion.drill?.passedWithin as string;
  const periodMs = durationMs(within);
  const hint = 'run `agent-rollout drill` and let it pass';
  if (input.trail.problems.length > 0) {
    const first = input.trail.problems[0];
    return {
      outcome: 'error',
      observed: null,
      observedText: '-',
      reason: `the audit trail fails verification (line ${first?.line}: ${first?.message}), so its drill records cannot be trusted`,
      hint: 'run `agent-rollout audit verify` and restore the trail from git',
    };
  }
  const sha = rollbackSha256(input.manifest);
  if (!sha)
    return {
      outcome: 'error',
      observed: null,
      observedText: '-',
      reason: 'the manifest has no rollback section, so there is nothing to drill',
      hint: 'add a rollback section, then drill it',
    };
  const endMs = input.window.endMs;
  const drills = input.trail.entries.filter((entry) => entry.action === 'drill' && Date.parse(entry.at) <= endMs);
  const passed = (entry: AuditEntry): boolean => entry.details?.['passed'] === true;
  const current = (entry: AuditEntry): boolean => entry.details?.['rollbackSha256'] === sha;
  const newest = drills.filter((entry) => passed(entry) && current(entry)).at(-1);
  if (newest && Date.parse(newest.at) >= endMs - periodMs) {
    return {
      outcome: 'pass',
      observed: newest.at,
      observedText: `passed ${formatTime(Date.parse(newest.at))}`,
      reason: `a drill of the current rollback section passed on ${formatTime(Date.parse(newest.at))}`,
    };
  }
  let detail = '';
  const last = drills.at(-1);
  if (newest) detail = `; the last one, on ${formatTime(Date.parse(newest.at))}, is older than ${within}`;
  else if (last && !current(last)) detail = `; the last drill, on ${formatTime(Date.parse(last.at))}, was of an earlier rollback section`;
  else if (last && !passed(last)) detail = `; the last drill, on ${formatTime(Date.parse(last.at))}, failed`;
  return {
    outcome: 'inconclusive',
    observed: newest?.at ?? null,
    observedText: newest ? `passed ${formatTime(Date.parse(newest.at))}` : 'none',
    reason: `no passing drill of the current rollback section within ${within}${detail}`,
    hint,
  };
}

/** Evaluates one exit criterion against the evidence. Pure. */
export function evaluateCriterion(criterion: Criterion, input: GateInput): CriterionResult {
  const observe = criterion.observe === true;
  const finish = (
    kind: CriterionResult['kind'],
    expected: string,
    part: Omit<CriterionResult, 'id' | 'status' | 'observe' | 'kind' | 'expected'>,
  ): CriterionResult => {
    const status: CriterionResult['status'] = observe ? 'observe' : part.outcome;
    const reason = observe
      ? `observed only, does not decide: ${part.outcome === 'pass' ? '' : `would be ${part.outcome}: `}${part.reason}`
      : part.reason;
    const result: CriterionResult = { id: criterion.id, kind, observe, status, expected, ...part, reason };
    if (criterion.signal) result.signal = criterion.signal;
    if (observe || part.outcome === 'pass') delete result.hint;
    return result;
  };
  if (criterion.guardrails) {
    const within = criterion.guardrails.passedWithin;
    return finish(
      'guardrails',
      `a passing guardrail test run of the current agent, guardrails and cases within ${within}`,
      guardrailEvidenceCheck(input, within),
    );
  }
  if (criterion.drill) {
    return finish(
      'drill',
      `a passing drill of the current rollback section within ${criterion.drill.passedWithin}`,
      drillResult(criterion, input),
    );
  }
  const unit = (criterion.signal ? input.manifest.metrics?.signals?.[criterion.signal]?.unit : undefined) ?? '';
  const bounds = boundsOf(criterion, input.manifest);
  if ('problem' in bounds) {
    return finish('signal', expectedText(criterion, undefined, unit), {
      outcome: 'error',
      observed: null,
      observedText: '-',
      reason: bounds.problem,
      hint: 'fix "of" in the manifest (agent-rollout validate)',
    });
  }
  const request = criterionRequest(criterion);
  const observation = request ? input.observations.get(requestKey(request)) : undefined;
  return finish('signal', expectedText(criterion, bounds, unit), fromObservation(criterion, bounds, observation, input.window, unit));
}
