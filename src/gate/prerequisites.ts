import { durationMs } from '../time/duration.js';
import { reachesEveryone } from '../manifest/access.js';
import type { Stage } from '../manifest/types.js';
import { inventoryReport } from '../inventory/completeness.js';
import { effectiveMode } from '../state/transitions.js';
import type { Observation } from '../metrics/types.js';
import { originLabel, requestKey } from '../metrics/types.js';
import { guardrailEvidenceCheck } from './guardrail-evidence.js';
import { criterionRequest, sampleRequest } from './requests.js';
import type { GateInput, PrerequisiteResult } from './types.js';
import { plural } from '../text/plural.js';
import { formatSpan } from '../time/duration.js';
import { formatTime } from '../time/timestamp.js';
import { formatNumber, listText } from './wording.js';

type Row = Omit<PrerequisiteResult, 'status'>;

/** The latest time a JavaScript Date can hold (ms since the epoch). */
const MAX_TIME_MS = 8.64e15;

function row(id: string, expected: string, part: Omit<Row, 'id' | 'expected'>): PrerequisiteResult {
  const result: PrerequisiteResult = { id, status: part.outcome, expected, ...part };
  if (part.outcome === 'pass') delete result.hint;
  return result;
}

function manifestValid(input: GateInput): PrerequisiteResult {
  const errors = input.validationErrors;
  return row('manifest-valid', 'no validation errors', {
    outcome: errors.length === 0 ? 'pass' : 'error',
    observed: errors.length,
    observedText: errors.length === 0 ? 'valid' : plural(errors.length, 'error'),
    reason:
      errors.length === 0
        ? 'the manifest validates'
        : `the manifest does not validate: ${errors[0]}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`,
    hint: 'run `agent-rollout validate` and fix every error',
  });
}

function enabled(input: GateInput): PrerequisiteResult {
  const on = input.manifest.state.enabled;
  return row('enabled', 'state.enabled is true', {
    outcome: on ? 'pass' : 'fail',
    observed: on ? 'enabled' : 'disabled',
    observedText: on ? 'enabled' : 'disabled',
    reason: on ? 'the agent is enabled' : 'the agent is switched off everywhere (state.enabled is false)',
    hint: 'find out why it was disabled; `agent-rollout enable` when it is safe',
  });
}

function notPaused(input: GateInput): PrerequisiteResult {
  const paused = input.manifest.state.paused;
  return row('not-paused', 'no pause in force', {
    outcome: paused ? 'fail' : 'pass',
    observed: paused ? 'paused' : 'not paused',
    observedText: paused ? `paused ${formatTime(Date.parse(paused.at))}` : 'not paused',
    reason: paused
      ? `the rollout is paused since ${formatTime(Date.parse(paused.at))}${paused.by ? ` by ${paused.by}` : ''}: ${paused.reason}`
      : 'no pause in force',
    hint: 'resolve the cause of the pause, then `agent-rollout resume`',
  });
}

function stageReached(input: GateInput, index: number): PrerequisiteResult | undefined {
  const current = input.manifest.stages.findIndex((stage) => stage.id === input.manifest.state.stage);
  if (current < 0 || index <= current) return undefined;
  return row('stage-reached', `the rollout is at ${input.stageId} or later`, {
    outcome: 'inconclusive',
    observed: input.manifest.state.stage,
    observedText: `at ${input.manifest.state.stage}`,
    reason: `${input.stageId} has not started: the rollout is at ${input.manifest.state.stage}`,
    hint: `gate the current stage: agent-rollout gate ${input.manifest.state.stage}`,
  });
}

function inventoryComplete(input: GateInput): PrerequisiteResult {
  // The same definition as `agent-rollout inventory --check`: one notion of "complete".
  const gaps = inventoryReport(input.manifest).gaps.map((gap) => gap.message);
  const result = row('inventory-complete', 'a complete inventory', {
    outcome: gaps.length === 0 ? 'pass' : 'fail',
    observed: gaps.length,
    observedText: gaps.length === 0 ? 'complete' : plural(gaps.length, 'gap'),
    reason: gaps.length === 0 ? 'the inventory is complete' : `the inventory is incomplete: ${listText(gaps, 2)}`,
    hint: 'complete the inventory (`agent-rollout inventory`)',
  });
  if (gaps.length > 0) result.details = gaps;
  return result;
}

function enforceAtFullAudience(input: GateInput, stage: Stage, next: Stage | undefined): PrerequisiteResult | undefined {
  const problems: string[] = [];
  const { state } = input.manifest;
  if (reachesEveryone(stage)) {
    if (stage.governanceMode !== 'enforce')
      problems.push(`${stage.id} reaches 100% of users but its governanceMode is ${stage.governanceMode}`);
    if (state.stage === stage.id) {
      if (state.governanceMode === 'observe') problems.push(`${stage.id} reaches 100% of users but state.governanceMode is observe`);
      for (const [org, override] of Object.entries(state.orgs ?? {})) {
        if (override?.governanceMode === 'observe') problems.push(`org ${org} is in observe mode at a stage that reaches 100% of users`);
      }
    }
  }
  if (next && reachesEveryone(next) && next.governanceMode !== 'enforce')
    problems.push(`the next stage, ${next.id}, reaches 100% of users but its governanceMode is ${next.governanceMode}`);
  // Before the step to everyone, as plan's blockers say: the mode in force now, and every org
  // override, must already enforce (advance changes the global mode, never an org's).
  if (next && reachesEveryone(next) && state.stage === stage.id && !reachesEveryone(stage)) {
    if (effectiveMode(input.manifest)?.mode === 'observe')
      problems.push(`governance is in observe mode, and the next stage, ${next.id}, reaches 100% of users`);
    for (const [org, override] of Object.entries(state.orgs ?? {})) {
      if (override?.governanceMode === 'observe')
        problems.push(`org ${org} is in observe mode, and the next stage, ${next.id}, reaches 100% of users`);
    }
  }
  if (!reachesEveryone(stage) && !(next && reachesEveryone(next))) return undefined;
  const result = row('enforce-at-full-audience', 'enforce mode for a stage that reaches 100%', {
    outcome: problems.length === 0 ? 'pass' : 'fail',
    observed: problems.length === 0 ? 'enforce' : 'observe',
    observedText: problems.length === 0 ? 'enforce' : 'observe',
    reason: problems.length === 0 ? 'policy controls enforce where the audience reaches 100%' : (problems[0] as string),
    hint: 'set "governanceMode": "enforce" before reaching every user (`agent-rollout mode enforce`)',
  });
  if (problems.length > 1) result.details = problems;
  return result;
}

function refusalTests(input: GateInput, index: number): PrerequisiteResult | undefined {
  const tests = input.manifest.guardrails?.boundaries?.tests;
  if (index !== 0 || !tests) return undefined;
  return row('refusal-tests', 'refusal tests passed against the current agent, guardrails and cases', guardrailEvidenceCheck(input));
}

/** The observations the deciding criteria and the sample count read. */
function decidingObservations(input: GateInput, stage: Stage): Observation[] {
  const keys = new Set<string>();
  for (const criterion of stage.exitCriteria ?? []) {
    if (criterion.observe) continue;
    const request = criterionRequest(criterion);
    if (request) keys.add(requestKey(request));
  }
  const samples = sampleRequest(input.manifest, stage);
  if (samples) keys.add(requestKey(samples));
  return [...keys].map((key) => input.observations.get(key)).filter((o): o is Observation => o !== undefined);
}

function minDuration(input: GateInput, stage: Stage): PrerequisiteResult | undefined {
  if (!stage.minDuration) return undefined;
  const needMs = durationMs(stage.minDuration);
  const { window, stageEntry: entry } = input;
  const lengthMs = window.endMs - window.startMs;
  const expected = `a window of at least ${stage.minDuration} within the stage`;
  const observedText = formatSpan(lengthMs);
  const base = { observed: lengthMs, observedText };
  const undated = decidingObservations(input, stage).filter((o) => o.status === 'value' && !o.dated);
  if (undated.length > 0) {
    const from = [...new Set(undated.map((o) => originLabel(o.origin)))].join(', ');
    return row('min-duration', expected, {
      ...base,
      outcome: 'inconclusive',
      reason: `values from ${from} have no window, so they cannot show ${stage.minDuration} in the stage`,
      hint: `say what period the values cover with --window ${stage.minDuration}, or paste JSON with a "window"`,
    });
  }
  const firstPass = (entry?.atMs ?? window.startMs) + needMs;
  if (entry && window.startMs < entry.atMs) {
    return row('min-duration', expected, {
      ...base,
      outcome: 'inconclusive',
      reason: `the window starts ${formatTime(window.startMs)}, before the stage was entered (${formatTime(entry.atMs)}); evidence from before the stage does not count`,
      hint: `evaluate a window inside the stage; from ${formatTime(firstPass)} it can span ${stage.minDuration}`,
      nextPassAt: firstPass,
    });
  }
  if (lengthMs < needMs) {
    const young = window.basis === 'stage-entry';
    return row('min-duration', expected, {
      ...base,
      outcome: 'inconclusive',
      reason: young
        ? `the stage has run ${formatSpan(lengthMs)} of its ${stage.minDuration}; it can pass from ${formatTime(firstPass)}`
        : `the window is ${formatSpan(lengthMs)}, shorter than ${stage.minDuration}${entry ? `; a window from the stage's entry spans ${stage.minDuration} from ${formatTime(firstPass)}` : ''}`,
      hint: young
        ? `run the gate again after ${formatTime(firstPass)}`
        : `evaluate at least ${stage.minDuration} (--window ${stage.minDuration})${entry && firstPass > input.now ? `, after ${formatTime(firstPass)}` : ''}`,
      ...(young || entry ? { nextPassAt: firstPass } : {}),
    });
  }
  if (!entry) {
    // Fail closed: a window of any length says nothing about how long the stage has run.
    return row('min-duration', expected, {
      ...base,
      outcome: 'inconclusive',
      reason: `when the rollout entered ${stage.id} is unknown (no state.since, and no audit entry moved it there), so nothing shows it has run ${stage.minDuration}`,
      hint: 'record when the stage began: "since" (RFC 3339) in state; commands that move the rollout (advance, rollback, init) record it',
    });
  }
  return row('min-duration', expected, {
    ...base,
    outcome: 'pass',
    reason: `the window spans ${formatSpan(lengthMs)} from ${formatTime(window.startMs)}`,
  });
}

function minSamples(input: GateInput, stage: Stage): PrerequisiteResult | undefined {
  if (stage.minSamples === undefined) return undefined;
  const signal = input.manifest.metrics?.sampleSignal;
  const expected = `≥ ${formatNumber(stage.minSamples)} ${signal ?? 'samples'}`;
  if (!signal) {
    return row('min-samples', expected, {
      outcome: 'error',
      observed: null,
      observedText: '-',
      reason: 'minSamples is set but metrics.sampleSignal is not, so there is nothing to count',
      hint: 'name the signal that counts invocations in metrics.sampleSignal',
    });
  }
  const observation = input.observations.get(requestKey({ signal, kind: 'instant' }));
  if (!observation)
    return row('min-samples', expected, { outcome: 'inconclusive', observed: null, observedText: '-', reason: `no value for ${signal}` });
  switch (observation.status) {
    case 'error':
      return row('min-samples', expected, {
        outcome: 'error',
        observed: null,
        observedText: 'error',
        reason: observation.reason,
        hint: 'fix the source or the value, then run the gate again',
      });
    case 'no-data':
      return row('min-samples', expected, {
        outcome: 'inconclusive',
        observed: null,
        observedText: 'no data',
        reason: observation.reason,
        ...(observation.hint ? { hint: observation.hint } : {}),
      });
    case 'series':
      return row('min-samples', expected, {
        outcome: 'inconclusive',
        observed: null,
        observedText: 'a series',
        reason: `${signal} was given as a series; the sample count needs one value over the window`,
        hint: `give ${signal} under "values"`,
      });
    case 'value': {
      const count = observation.value;
      if (typeof count !== 'number' || !Number.isFinite(count)) {
        return row('min-samples', expected, {
          outcome: 'error',
          observed: null,
          observedText: 'error',
          reason: `${signal} is ${String(count)}, not a finite number`,
          hint: 'fix the source or the value, then run the gate again',
        });
      }
      if (count >= stage.minSamples)
        return row('min-samples', expected, {
          outcome: 'pass',
          observed: count,
          observedText: formatNumber(count),
          reason: `${formatNumber(count)} ${signal} over the window`,
        });
      const lengthMs = input.window.endMs - input.window.startMs;
      const rate = count > 0 && observation.dated ? input.window.endMs + ((stage.minSamples - count) / count) * lengthMs : undefined;
      // A tiny count (a fraction from a rate) puts the estimate past the last time a Date holds: no estimate then.
      const eta = rate !== undefined && rate <= MAX_TIME_MS ? rate : undefined;
      return row('min-samples', expected, {
        outcome: 'inconclusive',
        observed: count,
        observedText: formatNumber(count),
        reason: `${formatNumber(count)} of ${formatNumber(stage.minSamples)} ${signal}, too few to judge${eta ? `; at this rate enough by about ${formatTime(eta)}` : ''}`,
        hint: eta ? `run the gate again after ${formatTime(eta)}` : 'wait for more traffic in this stage',
        ...(eta ? { nextPassAt: Math.ceil(eta) } : {}),
      });
    }
  }
}

function decidingCriteria(stage: Stage): PrerequisiteResult | undefined {
  if ((stage.exitCriteria ?? []).some((criterion) => !criterion.observe)) return undefined;
  return row('exit-criteria', 'at least one exit criterion that decides', {
    outcome: 'inconclusive',
    observed: (stage.exitCriteria ?? []).length,
    observedText: plural((stage.exitCriteria ?? []).length, 'criterion', 'criteria'),
    reason: `${stage.id} has no exit criterion that decides, so nothing shows it is safe to expand`,
    hint: 'add exitCriteria without "observe": true',
  });
}

/** The stage-level prerequisites, in the order the gate shows them. Pure. */
export function evaluatePrerequisites(input: GateInput, stage: Stage, index: number): PrerequisiteResult[] {
  const next = input.manifest.stages[index + 1];
  const rows = [
    manifestValid(input),
    enabled(input),
    notPaused(input),
    stageReached(input, index),
    decidingCriteria(stage),
    minDuration(input, stage),
    minSamples(input, stage),
    inventoryComplete(input),
    enforceAtFullAudience(input, stage, next),
    refusalTests(input, index),
  ];
  return rows.filter((r): r is PrerequisiteResult => r !== undefined);
}
