import { durationMs } from '../time/duration.js';
import { judgeEvidence } from '../guardrails/evidence.js';
import { formatTime } from '../time/timestamp.js';
import type { GuardrailRun } from '../guardrails/evidence.js';
import type { CheckResult, GateInput } from './types.js';

/** A check's outcome and what it shows, without its id and expectation. */
export type EvidenceCheck = Pick<CheckResult, 'outcome' | 'observed' | 'observedText' | 'reason' | 'hint'>;

const RUN_TESTS = 'run `agent-rollout guardrails test` against the agent as it is now';

function failedText(run: GuardrailRun): string {
  const categories = run.failedCategories?.length ? `categories ${run.failedCategories.join(', ')} below their bar` : '';
  const attempts = run.failed !== undefined && run.total !== undefined ? `${run.failed} of ${run.total} attempts failed` : '';
  return [categories, attempts].filter(Boolean).join('; ') || 'it did not pass';
}

/**
 * Judges the guardrail test evidence for a gate (the refusal-tests prerequisite, and the
 * `guardrails.passedWithin` criterion when `within` is given). Only a run of the agent, the
 * guardrails section and the cases as they are now counts; the newest such run decides, so a
 * failing run is not outvoted by an earlier pass. Runs after the window's end do not count. Pure.
 */
export function guardrailEvidenceCheck(input: GateInput, within?: string): EvidenceCheck {
  const tests = input.manifest.guardrails?.boundaries?.tests;
  const identity = input.guardrailEvidence;
  if (!tests || !identity) {
    return {
      outcome: 'error',
      observed: null,
      observedText: '-',
      reason: 'the manifest has no refusal tests (guardrails.boundaries.tests), so there is nothing to have passed',
      hint: 'add guardrails.boundaries.tests with a cases file and how to ask the agent',
    };
  }
  const broken = input.trail.problems[0];
  if (broken) {
    return {
      outcome: 'error',
      observed: null,
      observedText: '-',
      reason: `the audit trail fails verification (line ${broken.line}: ${broken.message}), so its test records cannot be trusted`,
      hint: 'run `agent-rollout audit verify` and restore the trail from git',
    };
  }
  const evidence = judgeEvidence(input.trail.entries, identity, { endMs: input.window.endMs });
  switch (evidence.state) {
    case 'unknown':
      return {
        outcome: 'error',
        observed: null,
        observedText: '-',
        reason: evidence.reason,
        hint: 'fix the path in the manifest, or add the file',
      };
    case 'none':
      return {
        outcome: 'inconclusive',
        observed: null,
        observedText: 'none',
        reason: 'no guardrail test run is recorded',
        hint: RUN_TESTS,
      };
    case 'outdated':
      return {
        outcome: 'inconclusive',
        observed: evidence.run?.at ?? null,
        observedText: 'outdated',
        reason: `no guardrail test run of the current agent, guardrails and cases: ${evidence.reason}`,
        hint: RUN_TESTS,
      };
    case 'current': {
      const run = evidence.run as GuardrailRun;
      const when = formatTime(run.at);
      if (!run.passed) {
        return {
          outcome: 'fail',
          observed: run.at,
          observedText: `failed ${when}`,
          reason: `the last guardrail test run of the current agent, guardrails and cases, on ${when}, failed: ${failedText(run)}`,
          hint: 'fix the agent or its guardrails until `agent-rollout guardrails test` passes',
        };
      }
      if (within !== undefined && Date.parse(run.at) < input.window.endMs - durationMs(within)) {
        return {
          outcome: 'inconclusive',
          observed: run.at,
          observedText: `passed ${when}`,
          reason: `the last guardrail test run of the current agent, guardrails and cases passed on ${when}, longer ago than ${within}`,
          hint: RUN_TESTS,
        };
      }
      return {
        outcome: 'pass',
        observed: run.at,
        observedText: `passed ${when}`,
        reason: `the guardrail tests passed on ${when} against the current agent, guardrails and cases`,
      };
    }
  }
}
