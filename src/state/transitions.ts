import type { Verdict } from '../gate/types.js';
import { currentStage, reachesEveryone } from '../manifest/access.js';
import type { GovernanceMode, Manifest, OrgState, Stage, State } from '../manifest/types.js';
import { formatTime } from '../time/timestamp.js';

/**
 * The state changes of the state commands, as pure functions from a manifest to the state it
 * should hold next. Each answers one of three ways: the change (before, after, the audit entry's
 * details, a one-line summary), nothing to change (already so: nothing is written), or a refusal
 * (why, and what would override it). The commands write, audit and print; nothing here does I/O.
 */

export const STATE_ACTIONS = ['pause', 'resume', 'enable', 'disable', 'rollback', 'org', 'mode'] as const;
export type StateAction = (typeof STATE_ACTIONS)[number];

export const GOVERNANCE_MODES = ['observe', 'enforce'] as const satisfies readonly GovernanceMode[];

export interface TransitionContext {
  /** When the change is made, UTC RFC 3339. */
  at: string;
  /** Who makes it. */
  actor: string;
  /** Why (--reason). */
  reason?: string | undefined;
  /** --force: override a refusal that can be overridden (the command insists on a reason). */
  force?: boolean | undefined;
}

export type Transition =
  | { outcome: 'changed'; action: StateAction; before: State; after: State; details: Record<string, unknown>; summary: string }
  | { outcome: 'unchanged'; action: StateAction; summary: string }
  | { outcome: 'refused'; action: StateAction; message: string; hint: string };

/** The org names the schema accepts as keys of state.orgs. */
const ORG_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;

/** Whether a name can be a key of state.orgs. */
export function isOrgName(name: string): boolean {
  return ORG_NAME.test(name);
}

/** The governance mode in force: state.governanceMode, else the current stage's. */
export function effectiveMode(manifest: Manifest): { mode: GovernanceMode; source: 'state' | 'stage' } | undefined {
  if (manifest.state.governanceMode) return { mode: manifest.state.governanceMode, source: 'state' };
  const stage = currentStage(manifest);
  return stage ? { mode: stage.governanceMode, source: 'stage' } : undefined;
}

function changed(action: StateAction, before: State, after: State, summary: string, details: Record<string, unknown> = {}): Transition {
  return { outcome: 'changed', action, before, after, details, summary };
}

function quote(text: string): string {
  return JSON.stringify(text);
}

export function pause(manifest: Manifest, context: TransitionContext & { reason: string }): Transition {
  const { state } = manifest;
  if (state.paused) {
    const by = state.paused.by ? ` by ${state.paused.by}` : '';
    return {
      outcome: 'unchanged',
      action: 'pause',
      summary: `the rollout is already paused (since ${formatTime(state.paused.at)}${by}: ${quote(state.paused.reason)})`,
    };
  }
  const after: State = { ...state, paused: { reason: context.reason, at: context.at, by: context.actor } };
  return changed('pause', state, after, `paused the rollout at stage ${quote(state.stage)}: advance is blocked until resume`);
}

export function resume(manifest: Manifest): Transition {
  const { state } = manifest;
  if (!state.paused) return { outcome: 'unchanged', action: 'resume', summary: 'the rollout is not paused' };
  const { paused, ...after } = state;
  return changed('resume', state, after, `resumed the rollout (paused since ${formatTime(paused.at)}: ${quote(paused.reason)})`);
}

export function enable(manifest: Manifest): Transition {
  const { state } = manifest;
  if (state.enabled) return { outcome: 'unchanged', action: 'enable', summary: 'the agent is already enabled (state.enabled is true)' };
  return changed('enable', state, { ...state, enabled: true }, 'switched the agent on (state.enabled true)');
}

/** The kill switch. Allowed without a reason (an emergency must be fast); the entry then says so. */
export function disable(manifest: Manifest, context: TransitionContext): Transition {
  const { state } = manifest;
  if (!state.enabled) return { outcome: 'unchanged', action: 'disable', summary: 'the agent is already disabled (state.enabled is false)' };
  const details = context.reason ? {} : { emergency: true };
  return changed(
    'disable',
    state,
    { ...state, enabled: false },
    'switched the agent off everywhere (the kill switch: state.enabled false)',
    details,
  );
}

/**
 * Back to the previous stage, or to a named earlier one; never forward, never to the stage it is
 * in. The stage's own governance mode comes back with it, and `since` restarts.
 */
export function rollback(manifest: Manifest, context: TransitionContext & { to?: string | undefined }): Transition {
  const { state, stages } = manifest;
  const index = stages.findIndex((stage) => stage.id === state.stage);
  const ids = stages.map((stage) => stage.id);
  if (index < 0) {
    return {
      outcome: 'refused',
      action: 'rollback',
      message: `the current stage ${quote(state.stage)} is not one of the manifest's stages`,
      hint: `fix state.stage (stages: ${ids.join(', ')}); \`agent-rollout validate\` shows where`,
    };
  }
  const earlier = ids.slice(0, index);
  let targetIndex: number;
  if (context.to === undefined) {
    if (index === 0) {
      return {
        outcome: 'refused',
        action: 'rollback',
        message: `${quote(state.stage)} is the first stage: there is no earlier stage to roll back to`,
        hint: 'to switch the agent off, run `agent-rollout disable`',
      };
    }
    targetIndex = index - 1;
  } else {
    targetIndex = ids.indexOf(context.to);
    if (targetIndex < 0) {
      return {
        outcome: 'refused',
        action: 'rollback',
        message: `there is no stage ${quote(context.to)}`,
        hint:
          earlier.length > 0
            ? `earlier stages: ${earlier.join(', ')}`
            : `${quote(state.stage)} is the first stage: there is nothing to roll back to`,
      };
    }
    if (targetIndex >= index) {
      const where =
        targetIndex === index
          ? `${quote(context.to)} is the current stage`
          : `stage ${quote(context.to)} comes after the current stage ${quote(state.stage)}`;
      return {
        outcome: 'refused',
        action: 'rollback',
        message: `${where}: rollback goes back to an earlier stage, never forward`,
        hint: `${earlier.length > 0 ? `earlier stages: ${earlier.join(', ')}; ` : ''}to move forward, run \`agent-rollout advance\` (it needs a passing gate)`,
      };
    }
  }
  const target = stages[targetIndex];
  if (!target) throw new Error('unreachable: the target index is in range');
  const after: State = { ...state, stage: target.id, since: context.at, governanceMode: target.governanceMode };
  const modeNote =
    (state.governanceMode ?? stages[index]?.governanceMode) !== target.governanceMode ? `; governance mode ${target.governanceMode}` : '';
  return changed('rollback', state, after, `rolled back from stage ${quote(state.stage)} to ${quote(target.id)}${modeNote}`, {
    from: state.stage,
    to: target.id,
  });
}

/** Refuses observe mode where the audience reaches 100%, unless forced. */
function observeAtFullAudience(
  manifest: Manifest,
  action: StateAction,
  mode: GovernanceMode,
  context: TransitionContext,
  what: string,
): Transition | 'forced' | undefined {
  const stage = currentStage(manifest);
  if (mode !== 'observe' || !stage || !reachesEveryone(stage)) return undefined;
  if (context.force) return 'forced';
  return {
    outcome: 'refused',
    action,
    message: `stage ${quote(stage.id)} reaches 100% of its audience: ${what} must stay in enforce mode there (the guide's hard requirement)`,
    hint: 'observe mode is for calibrating guardrails in early stages; to override anyway, pass --force --reason "<why>"',
  };
}

/**
 * Switching to observe weakens the guardrails (violations are logged, no longer blocked), so it
 * needs a reason, like a pause; the way back to enforce does not.
 */
function observeNeedsReason(action: StateAction, mode: GovernanceMode, context: TransitionContext, who: string): Transition | undefined {
  if (mode !== 'observe' || context.reason) return undefined;
  return {
    outcome: 'refused',
    action,
    message: `switching ${who} to observe mode stops blocking policy violations: say why with --reason`,
    hint: 'add --reason "<why>" (e.g. the ticket of the false positives); it is recorded in the audit trail',
  };
}

/** The global governance mode. */
export function mode(manifest: Manifest, context: TransitionContext & { mode: GovernanceMode }): Transition {
  const { state } = manifest;
  const current = effectiveMode(manifest);
  if (current?.mode === context.mode) {
    const from = current.source === 'stage' ? ` (the stage ${quote(state.stage)}'s mode)` : '';
    return { outcome: 'unchanged', action: 'mode', summary: `the governance mode is already ${context.mode}${from}` };
  }
  const refusal = observeAtFullAudience(manifest, 'mode', context.mode, context, 'the agent');
  if (typeof refusal === 'object') return refusal;
  const unexplained = observeNeedsReason('mode', context.mode, context, 'the agent');
  if (unexplained) return unexplained;
  const details = refusal === 'forced' ? { forced: true } : {};
  return changed(
    'mode',
    state,
    { ...state, governanceMode: context.mode },
    `governance mode ${current?.mode ?? '(unset)'} → ${context.mode}`,
    details,
  );
}

export type OrgChange =
  | { change: 'enable'; org: string }
  | { change: 'disable'; org: string }
  | { change: 'mode'; org: string; mode: GovernanceMode }
  | { change: 'clear'; org: string };

function withOrg(state: State, org: string, value: OrgState | undefined): State {
  const orgs = { ...(state.orgs ?? {}) };
  if (value === undefined) delete orgs[org];
  else orgs[org] = value;
  if (Object.keys(orgs).length > 0) return { ...state, orgs };
  const { orgs: _none, ...rest } = state;
  return rest;
}

/** Per-org overrides of `enabled` and `governanceMode`. */
export function org(manifest: Manifest, context: TransitionContext & OrgChange): Transition {
  const { state } = manifest;
  const name = context.org;
  const current = state.orgs?.[name];
  const details: Record<string, unknown> = { org: name, change: context.change };
  switch (context.change) {
    case 'enable':
    case 'disable': {
      const enabled = context.change === 'enable';
      if (current?.enabled === enabled)
        return { outcome: 'unchanged', action: 'org', summary: `org ${quote(name)} is already ${enabled ? 'enabled' : 'disabled'}` };
      const after = withOrg(state, name, { ...current, enabled });
      const note = enabled && !state.enabled ? ' (the global kill switch is off: the agent stays off until `agent-rollout enable`)' : '';
      return changed('org', state, after, `turned the agent ${enabled ? 'on' : 'off'} for org ${quote(name)}${note}`, details);
    }
    case 'mode': {
      if (current?.governanceMode === context.mode)
        return { outcome: 'unchanged', action: 'org', summary: `org ${quote(name)} is already in ${context.mode} mode` };
      const refusal = observeAtFullAudience(manifest, 'org', context.mode, context, `org ${quote(name)}`);
      if (typeof refusal === 'object') return refusal;
      const unexplained = observeNeedsReason('org', context.mode, context, `org ${quote(name)}`);
      if (unexplained) return unexplained;
      if (refusal === 'forced') details['forced'] = true;
      details['mode'] = context.mode;
      const after = withOrg(state, name, { ...current, governanceMode: context.mode });
      return changed(
        'org',
        state,
        after,
        `org ${quote(name)}: governance mode ${current?.governanceMode ?? effectiveMode(manifest)?.mode ?? '(unset)'} → ${context.mode}`,
        details,
      );
    }
    case 'clear': {
      if (current === undefined) return { outcome: 'unchanged', action: 'org', summary: `org ${quote(name)} has no override` };
      return changed(
        'org',
        state,
        withOrg(state, name, undefined),
        `removed the overrides of org ${quote(name)}: it follows the global state again`,
        details,
      );
    }
  }
}

/** Why `advance` does not move: before the gate is evaluated (the first four), or because of its verdict. */
export type AdvanceRefusal = 'disabled' | 'paused' | 'unknown-stage' | 'last-stage' | 'gate-error' | 'gate-not-go';

export type AdvanceTransition =
  | {
      outcome: 'changed';
      action: 'advance';
      before: State;
      after: State;
      from: string;
      to: string;
      /** Moved over a no-go or inconclusive gate with --force. */
      forced: boolean;
      /** The new stage's governance mode, now state.governanceMode. */
      governanceMode: GovernanceMode;
    }
  | AdvanceRefused;

export interface AdvanceRefused {
  outcome: 'refused';
  action: 'advance';
  refusal: AdvanceRefusal;
  message: string;
  hint?: string;
}

function advanceRefused(refusal: AdvanceRefusal, message: string, hint?: string): AdvanceRefused {
  return { outcome: 'refused', action: 'advance', refusal, message, ...(hint === undefined ? {} : { hint }) };
}

/**
 * Where `advance` leads, or why it cannot move whatever the gate says: the kill switch is off,
 * the rollout is paused, state.stage is not a stage, or it is the last one. The command asks
 * this before it gathers the gate's evidence, and `advance` asks it again.
 */
export function advanceTarget(manifest: Manifest): { outcome: 'ready'; from: Stage; to: Stage } | AdvanceRefused {
  const { state, stages } = manifest;
  if (!state.enabled)
    return advanceRefused(
      'disabled',
      'the agent is switched off (state.enabled is false): advance refuses',
      'find out why it was disabled; run `agent-rollout enable` first',
    );
  if (state.paused) {
    const { at, by, reason } = state.paused;
    return advanceRefused(
      'paused',
      `the rollout is paused since ${formatTime(Date.parse(at))}${by ? ` by ${by}` : ''} (${reason}): advance refuses`,
      'resolve the cause of the pause, then `agent-rollout resume`',
    );
  }
  const index = stages.findIndex((stage) => stage.id === state.stage);
  const from = stages[index];
  if (!from)
    return advanceRefused(
      'unknown-stage',
      `state.stage is "${state.stage}", which is not a stage of the manifest`,
      `stages: ${stages.map((stage) => stage.id).join(', ')}; run \`agent-rollout validate\``,
    );
  const to = stages[index + 1];
  if (!to) return advanceRefused('last-stage', `${state.stage} is the last stage: there is nothing to advance to`);
  return { outcome: 'ready', from, to };
}

/** `a no-go`, `an inconclusive`. */
export function withArticle(verdict: Verdict): string {
  return `${verdict === 'inconclusive' ? 'an' : 'a'} ${verdict}`;
}

/**
 * The move to the next stage, given the gate evaluated now: on go, the next stage with its
 * governance mode and `since` restarting; over a no-go or inconclusive gate only with --force
 * (the command insists on a reason), marked forced; never over an error, forced or not.
 */
export function advance(manifest: Manifest, context: Pick<TransitionContext, 'at' | 'force'> & { verdict: Verdict }): AdvanceTransition {
  const target = advanceTarget(manifest);
  if (target.outcome !== 'ready') return target;
  const { state } = manifest;
  const { verdict } = context;
  if (verdict === 'error')
    return advanceRefused(
      'gate-error',
      'the gate could not be evaluated (error); fix it and run advance again. --force does not override an error.',
    );
  const forced = verdict !== 'go';
  if (forced && !context.force)
    return advanceRefused(
      'gate-not-go',
      `the gate says ${verdict}; ${state.stage} stays the current stage. (To override ${withArticle(verdict)} gate: --force --reason "...", recorded in the audit trail.)`,
    );
  const { to } = target;
  return {
    outcome: 'changed',
    action: 'advance',
    before: state,
    after: { ...state, stage: to.id, since: context.at, governanceMode: to.governanceMode },
    from: state.stage,
    to: to.id,
    forced,
    governanceMode: to.governanceMode,
  };
}
