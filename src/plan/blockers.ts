import { reachesEveryone } from '../manifest/access.js';
import { plural } from '../text/plural.js';
import { durationMs, formatSpan } from '../time/duration.js';
import { formatTime } from '../time/timestamp.js';
import type { Manifest } from '../manifest/types.js';
import type { AuditEntry } from '../state/audit.js';
import { rollbackSha256 } from '../state/rollback-hash.js';
import { effectiveMode } from '../state/transitions.js';
import type { InventoryReport } from '../inventory/completeness.js';
import { lastDrills } from './history.js';
import type { Blocker, Plan } from './types.js';

export interface BlockerInput {
  manifest: Manifest;
  /** The plan so far (state, stages, rollback). */
  plan: Pick<Plan, 'manifest' | 'findings' | 'state' | 'signalCoverage'>;
  trail: readonly AuditEntry[];
  trailProblems: number;
  now: Date;
  inventory: InventoryReport;
}

/**
 * What blocks the next step, in the order a person clears them: the manifest and trail, the
 * kill switch and pauses, the inventory, the stage's age, its exit criteria, the rollback drill,
 * and observe mode before a stage that reaches everyone. Pure.
 */
export function findBlockers(input: BlockerInput): Blocker[] {
  const { manifest, plan, trail, now } = input;
  const { state } = plan;
  const blockers: Blocker[] = [];
  /** A command for this manifest: `-m PATH` unless it is the default ./rollout.json. */
  const run = (command: string): string => `agent-rollout ${command}${plan.manifest === 'rollout.json' ? '' : ` -m ${plan.manifest}`}`;
  const stage = manifest.stages.find((s) => s.id === manifest.state.stage);
  const next = state.next === undefined ? undefined : manifest.stages.find((s) => s.id === state.next);

  if (plan.findings.errors > 0) {
    blockers.push({
      kind: 'validation-errors',
      message: `the manifest has ${plural(plan.findings.errors, 'validation error')}`,
      hint: `agent-rollout validate ${plan.manifest}`,
    });
  }
  if (input.trailProblems > 0) {
    blockers.push({
      kind: 'audit-trail-broken',
      message: `the audit trail has ${plural(input.trailProblems, 'problem')}: an entry was edited, dropped or reordered`,
      hint: run('audit verify'),
    });
  }
  if (!manifest.state.enabled) {
    blockers.push({
      kind: 'disabled',
      message: 'the agent is disabled everywhere (state.enabled is false)',
      hint: `${run('enable')}, once it is safe to turn it on`,
    });
  }
  if (manifest.state.paused) {
    const { reason, at, by } = manifest.state.paused;
    blockers.push({
      kind: 'paused',
      message: `the rollout is paused since ${formatTime(at)}${by ? ` by ${by}` : ''}: ${reason}`,
      hint: `${run('resume')}, once the cause is dealt with`,
    });
  }
  if (!input.inventory.complete) {
    blockers.push({
      kind: 'inventory-incomplete',
      message: `the inventory has ${plural(input.inventory.gaps.length, 'gap')}`,
      hint: `${run('inventory --check')} lists them; ${run('inventory')} fills them in`,
    });
  }
  if (!stage) return blockers;

  const coverage = plan.signalCoverage;
  if (!coverage.complete && next && manifest.stages[0]?.id === stage.id) {
    blockers.push({
      kind: 'signal-coverage-incomplete',
      message: `the signals do not yet cover what the practice requires before leaving the first stage: ${coverage.incomplete.join(', ')} ${coverage.incomplete.length === 1 ? 'has' : 'have'} no signal with an attribution`,
      hint: `give signals in metrics.signals "measures" and "attribution" (docs/signals.md); agent-rollout validate ${plan.manifest} names each missing one`,
    });
  }

  if (stage.minDuration !== undefined && state.since !== undefined) {
    const needed = durationMs(stage.minDuration);
    const ran = now.getTime() - Date.parse(state.since);
    if (ran < needed) {
      const until = new Date(Date.parse(state.since) + needed).toISOString();
      blockers.push({
        kind: 'stage-too-young',
        message: `"${stage.id}" has run ${formatSpan(ran)} of its minimum ${stage.minDuration} (since ${formatTime(state.since)})`,
        hint: `wait until ${formatTime(until)}`,
      });
    }
  }

  const criteria = stage.exitCriteria ?? [];
  const gate = state.lastGate;
  if (criteria.length > 0) {
    const ids = criteria.map((c) => c.id);
    const gateCommand = run(`gate ${stage.id} --record`);
    if (!gate) {
      blockers.push({
        kind: 'criteria-not-evaluated',
        message: `no gate has been recorded for "${stage.id}": ${ids.length === 1 ? 'its exit criterion is' : `its ${ids.length} exit criteria are`} not yet evaluated`,
        hint: gateCommand,
        criteria: ids,
      });
    } else {
      const evaluated = new Map(gate.criteria.map((c) => [c.id, c.status]));
      const missing = ids.filter((id) => !evaluated.has(id));
      if (gate.verdict !== 'go') {
        const failing = ids.filter((id) => evaluated.has(id) && !['pass', 'observe'].includes(evaluated.get(id) as string));
        blockers.push({
          kind: 'gate-not-go',
          message: `the last recorded gate for "${stage.id}" (${formatTime(gate.at)}) was ${gate.verdict}${failing.length > 0 ? `: ${failing.map((id) => `${id} ${evaluated.get(id)}`).join(', ')}` : ''}`,
          hint: gateCommand,
          criteria: failing,
        });
      }
      if (missing.length > 0) {
        blockers.push({
          kind: 'criteria-not-evaluated',
          message: `the last recorded gate for "${stage.id}" did not evaluate ${missing.join(', ')}`,
          hint: gateCommand,
          criteria: missing,
        });
      }
    }
  }

  const sha256 = rollbackSha256(manifest);
  if (sha256 === undefined) {
    blockers.push({
      kind: 'no-rollback',
      message: 'the manifest has no rollback section, so there is nothing to drill',
      hint: `describe how to switch the agent off and revoke its credentials (rollback), then ${run('drill')}`,
    });
  } else {
    const drills = lastDrills(trail, sha256);
    if (!drills.lastPassing) {
      if (!drills.newest) {
        blockers.push({ kind: 'drill-never-run', message: 'no rollback drill has been run', hint: run('drill') });
      } else if (drills.last && !drills.last.passed) {
        blockers.push({
          kind: 'drill-failed',
          message: `the last drill of the current rollback section failed (${formatTime(drills.last.at)})`,
          hint: `fix the rollback, then ${run('drill')}`,
        });
      } else {
        blockers.push({
          kind: 'drill-outdated',
          message: `the rollback section changed since the last drill (${formatTime(drills.newest.at)}): no drill covers it as it is now`,
          hint: run('drill'),
        });
      }
    } else {
      for (const criterion of criteria) {
        if (!criterion.drill) continue;
        const age = now.getTime() - Date.parse(drills.lastPassing.at);
        if (age > durationMs(criterion.drill.passedWithin)) {
          blockers.push({
            kind: 'drill-too-old',
            message: `the last passing drill (${formatTime(drills.lastPassing.at)}) is older than the ${criterion.drill.passedWithin} that criterion "${criterion.id}" allows`,
            hint: run('drill'),
          });
        }
      }
    }
  }

  if (next && reachesEveryone(next)) {
    const mode = effectiveMode(manifest)?.mode;
    const observing = Object.entries(manifest.state.orgs ?? {})
      .filter(([, o]) => o?.governanceMode === 'observe')
      .map(([org]) => org);
    if (mode === 'observe') {
      blockers.push({
        kind: 'observe-before-full-audience',
        message: `governance is in observe mode, and "${next.id}" reaches 100% of users: enforce mode before broad rollout is a hard requirement`,
        hint: run('mode enforce'),
      });
    }
    if (observing.length > 0) {
      blockers.push({
        kind: 'observe-before-full-audience',
        message: `${observing.length === 1 ? 'org' : 'orgs'} ${observing.join(', ')} ${observing.length === 1 ? 'is' : 'are'} still in observe mode, and "${next.id}" reaches 100% of users`,
        hint: observing.map((org) => run(`org mode ${org} enforce`)).join('; '),
      });
    }
    if (next.governanceMode === 'observe') {
      blockers.push({
        kind: 'observe-before-full-audience',
        message: `stage "${next.id}" reaches 100% of users but is declared in observe mode`,
        hint: `set "governanceMode": "enforce" on stage "${next.id}"`,
      });
    }
  }
  return blockers;
}
