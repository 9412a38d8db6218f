import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Manifest, State } from '../../src/manifest/types.js';
import type { AuditEntry, AuditInput } from '../../src/state/audit.js';
import { chainEntry } from '../../src/state/audit.js';
import { selectEntries, sinceTime } from '../../src/state/audit-query.js';
import { stateGaps, verifyAgainstManifest } from '../../src/state/audit-verify.js';
import { checkStateDrift } from '../../src/state/drift.js';
import { fieldChanges } from '../../src/state/field-changes.js';
import { rollbackSha256 } from '../../src/state/rollback-hash.js';
import { stageEnteredAt } from '../../src/state/stage-entry.js';
import { rolloutStatus } from '../../src/state/status.js';
import type { Transition } from '../../src/state/transitions.js';
import {
  advance,
  advanceTarget,
  disable,
  effectiveMode,
  enable,
  isOrgName,
  mode,
  org,
  pause,
  resume,
  rollback,
} from '../../src/state/transitions.js';

const EXAMPLES = join(import.meta.dirname, '../../examples');
const support = JSON.parse(readFileSync(join(EXAMPLES, 'support-triage/rollout.json'), 'utf8')) as Manifest;

const AT = '2026-12-01T10:00:00Z';
const context = { at: AT, actor: 'alice@example.com' };

/** The support example with its state replaced (a fresh copy every time). */
function withState(patch: Partial<State>): Manifest {
  const manifest = structuredClone(support);
  manifest.state = { ...manifest.state, ...patch };
  return manifest;
}

function changedOf(transition: Transition): Extract<Transition, { outcome: 'changed' }> {
  expect(transition.outcome, JSON.stringify(transition)).toBe('changed');
  return transition as Extract<Transition, { outcome: 'changed' }>;
}

function refusedOf(transition: Transition): Extract<Transition, { outcome: 'refused' }> {
  expect(transition.outcome, JSON.stringify(transition)).toBe('refused');
  return transition as Extract<Transition, { outcome: 'refused' }>;
}

describe('pause and resume', () => {
  it('pause records reason, time and actor, and keeps the state key order', () => {
    const t = changedOf(pause(support, { ...context, reason: 'INC-1' }));
    expect(t.after.paused).toEqual({ reason: 'INC-1', at: AT, by: 'alice@example.com' });
    expect(Object.keys(t.after)).toEqual([...Object.keys(support.state), 'paused']);
    expect(t.before).toEqual(support.state);
    expect(support.state.paused).toBeUndefined();
  });

  it('pausing a paused rollout is nothing to do, and says since when and why', () => {
    const t = pause(withState({ paused: { reason: 'INC-0', at: '2026-11-30T00:00:00Z', by: 'bob' } }), { ...context, reason: 'INC-1' });
    expect(t).toMatchObject({
      outcome: 'unchanged',
      summary: expect.stringContaining('already paused (since 2026-11-30 00:00:00 UTC by bob: "INC-0")'),
    });
  });

  it('resume removes the pause; resuming an unpaused rollout is nothing to do', () => {
    const t = changedOf(resume(withState({ paused: { reason: 'INC-0', at: AT } })));
    expect(t.after).toEqual(support.state);
    expect(resume(support).outcome).toBe('unchanged');
  });
});

describe('enable and disable', () => {
  it('disable without a reason is an emergency; with one it is not', () => {
    expect(changedOf(disable(support, context)).details).toEqual({ emergency: true });
    const reasoned = changedOf(disable(support, { ...context, reason: 'leak' }));
    expect(reasoned.details).toEqual({});
    expect(reasoned.after.enabled).toBe(false);
  });

  it('enable turns the switch back on; each is a no-op when already so', () => {
    expect(changedOf(enable(withState({ enabled: false }))).after.enabled).toBe(true);
    expect(enable(support).outcome).toBe('unchanged');
    expect(disable(withState({ enabled: false }), context).outcome).toBe('unchanged');
  });
});

describe('rollback', () => {
  const atGa = withState({ stage: 'general-availability', governanceMode: 'enforce', since: '2026-11-01T00:00:00Z' });

  it('goes back one stage, restarting since and taking the stage governance mode', () => {
    const t = changedOf(rollback(withState({ stage: 'limited-beta', governanceMode: 'enforce' }), context));
    expect(t.after).toMatchObject({ stage: 'internal-pilot', since: AT, governanceMode: 'observe' });
    expect(t.details).toEqual({ from: 'limited-beta', to: 'internal-pilot' });
  });

  it('goes back to a named earlier stage', () => {
    expect(changedOf(rollback(atGa, { ...context, to: 'internal-pilot' })).after.stage).toBe('internal-pilot');
  });

  it('refuses forward, the current stage, an unknown stage, and going back from the first stage', () => {
    const beta = withState({ stage: 'limited-beta' });
    expect(refusedOf(rollback(beta, { ...context, to: 'general-availability' })).message).toMatch(
      /comes after the current stage "limited-beta": rollback goes back to an earlier stage, never forward/,
    );
    expect(refusedOf(rollback(beta, { ...context, to: 'limited-beta' })).message).toMatch(/"limited-beta" is the current stage/);
    expect(refusedOf(rollback(beta, { ...context, to: 'beta' })).hint).toBe('earlier stages: internal-pilot');
    const first = refusedOf(rollback(support, context));
    expect(first.message).toMatch(/"internal-pilot" is the first stage/);
    expect(first.hint).toMatch(/agent-rollout disable/);
    expect(refusedOf(rollback(withState({ stage: 'nowhere' }), context)).message).toMatch(/not one of the manifest's stages/);
  });
});

describe('advance', () => {
  const go = { at: AT, verdict: 'go' as const };

  it('on go: the next stage, its governance mode, since restarting; the rest of the state kept in its order', () => {
    const t = advance(support, go);
    expect(t).toMatchObject({ outcome: 'changed', action: 'advance', from: 'internal-pilot', to: 'limited-beta', forced: false });
    if (t.outcome !== 'changed') return;
    expect(t.before).toBe(support.state);
    expect(t.after).toEqual({ ...support.state, stage: 'limited-beta', since: AT, governanceMode: 'enforce' });
    expect(t.governanceMode).toBe('enforce');
    expect(Object.keys(t.after)).toEqual(Object.keys(support.state));
    expect(support.state.stage).toBe('internal-pilot');
  });

  it('over a no-go or inconclusive gate only with --force, and then marked forced', () => {
    for (const verdict of ['no-go', 'inconclusive'] as const) {
      const refused = advance(support, { at: AT, verdict });
      expect(refused).toMatchObject({ outcome: 'refused', refusal: 'gate-not-go' });
      if (refused.outcome === 'refused') {
        expect(refused.message).toBe(
          `the gate says ${verdict}; internal-pilot stays the current stage. (To override ${verdict === 'no-go' ? 'a' : 'an'} ${verdict} gate: --force --reason "...", recorded in the audit trail.)`,
        );
      }
      expect(advance(support, { at: AT, verdict, force: true })).toMatchObject({ outcome: 'changed', to: 'limited-beta', forced: true });
    }
  });

  it('never over an error verdict, forced or not', () => {
    for (const force of [false, true]) {
      expect(advance(support, { at: AT, verdict: 'error', force })).toMatchObject({
        outcome: 'refused',
        refusal: 'gate-error',
        message: 'the gate could not be evaluated (error); fix it and run advance again. --force does not override an error.',
      });
    }
  });

  it('refuses a switched-off agent, a paused rollout, an unknown stage and the last stage, whatever the gate and --force say', () => {
    const cases = [
      [withState({ enabled: false }), 'disabled', /switched off/, /agent-rollout enable/],
      [
        withState({ paused: { reason: 'INC-7', at: '2026-11-30T08:15:00Z', by: 'bob' } }),
        'paused',
        /^the rollout is paused since 2026-11-30 08:15:00 UTC by bob \(INC-7\): advance refuses$/,
        /agent-rollout resume/,
      ],
      [
        withState({ stage: 'nowhere' }),
        'unknown-stage',
        /"nowhere", which is not a stage/,
        /stages: internal-pilot, limited-beta, general-availability/,
      ],
      [withState({ stage: 'general-availability' }), 'last-stage', /general-availability is the last stage/, undefined],
    ] as const;
    for (const [manifest, refusal, message, hint] of cases) {
      const target = advanceTarget(manifest);
      expect(target).toMatchObject({ outcome: 'refused', refusal });
      const forced = advance(manifest, { at: AT, verdict: 'go', force: true });
      expect(forced).toEqual(target);
      if (forced.outcome !== 'refused') continue;
      expect(forced.message).toMatch(message);
      if (hint) expect(forced.hint).toMatch(hint);
      else expect(forced.hint).toBeUndefined();
    }
    expect(advanceTarget(support)).toMatchObject({ outcome: 'ready', from: { id: 'internal-pilot' }, to: { id: 'limited-beta' } });
  });
});

describe('governance mode', () => {
  const atGa = withState({ stage: 'general-availability', governanceMode: 'enforce' });

  it('switches the global mode; the same mode (set, or the stage default) is nothing to do', () => {
    expect(changedOf(mode(support, { ...context, mode: 'enforce' })).after.governanceMode).toBe('enforce');
    expect(mode(support, { ...context, mode: 'observe' }).outcome).toBe('unchanged');
    const noMode = withState({});
    delete noMode.state.governanceMode;
    expect(effectiveMode(noMode)).toEqual({ mode: 'observe', source: 'stage' });
    expect(mode(noMode, { ...context, mode: 'observe' })).toMatchObject({
      outcome: 'unchanged',
      summary: expect.stringContaining('stage "internal-pilot"\'s mode'),
    });
  });

  it('refuses observe where the audience reaches 100%, naming the flags that override', () => {
    const refused = refusedOf(mode(atGa, { ...context, mode: 'observe' }));
    expect(refused.message).toMatch(/stage "general-availability" reaches 100% of its audience/);
    expect(refused.hint).toMatch(/--force --reason/);
    const forced = changedOf(mode(atGa, { ...context, mode: 'observe', force: true, reason: 'INC-9' }));
    expect(forced.details).toEqual({ forced: true });
    expect(forced.after.governanceMode).toBe('observe');
  });

  it('does not mark a change forced when nothing was overridden', () => {
    expect(changedOf(mode(support, { ...context, mode: 'enforce', force: true, reason: 'x' })).details).toEqual({});
  });
});

describe('org overrides', () => {
  it('enable, disable and mode set one org entry; clear removes it, and orgs when it empties', () => {
    const off = changedOf(org(support, { ...context, change: 'disable', org: 'support-pilot' }));
    expect(off.after.orgs).toEqual({ 'support-pilot': { enabled: false } });
    const added = changedOf(org(support, { ...context, change: 'mode', org: 'acme', mode: 'enforce' }));
    expect(added.after.orgs).toEqual({ 'support-pilot': { enabled: true }, acme: { governanceMode: 'enforce' } });
    expect(added.details).toEqual({ org: 'acme', change: 'mode', mode: 'enforce' });
    const cleared = changedOf(org(support, { ...context, change: 'clear', org: 'support-pilot' }));
    expect(cleared.after.orgs).toBeUndefined();
    expect(Object.keys(cleared.after)).not.toContain('orgs');
  });

  it('is nothing to do when the org is already so, or has no override to clear', () => {
    expect(org(support, { ...context, change: 'enable', org: 'support-pilot' }).outcome).toBe('unchanged');
    expect(org(support, { ...context, change: 'clear', org: 'acme' }).outcome).toBe('unchanged');
  });

  it('enabling an org under the global kill switch says the agent stays off', () => {
    const t = changedOf(org(withState({ enabled: false }), { ...context, change: 'enable', org: 'acme' }));
    expect(t.summary).toMatch(/global kill switch is off/);
  });

  it('refuses an org in observe mode at 100% unless forced', () => {
    const atGa = withState({ stage: 'general-availability', governanceMode: 'enforce' });
    expect(refusedOf(org(atGa, { ...context, change: 'mode', org: 'acme', mode: 'observe' })).message).toMatch(
      /org "acme" must stay in enforce mode/,
    );
    expect(
      changedOf(org(atGa, { ...context, change: 'mode', org: 'acme', mode: 'observe', force: true, reason: 'r' })).details,
    ).toMatchObject({ forced: true });
  });

  it('knows which names the schema accepts', () => {
    expect(isOrgName('acme-internal')).toBe(true);
    expect(isOrgName('a.b_c@d-e')).toBe(true);
    expect(isOrgName('-acme')).toBe(false);
    expect(isOrgName('ac me')).toBe(false);
    expect(isOrgName('')).toBe(false);
  });
});

describe('fieldChanges', () => {
  it('lists leaves that were added, removed or changed, with dotted paths', () => {
    expect(fieldChanges({ a: 1, o: { x: true } }, { a: 2, o: { x: true, y: { z: 'q' } } })).toEqual([
      { path: 'state.a', kind: 'changed', before: 1, after: 2 },
      { path: 'state.o.y.z', kind: 'added', after: 'q' },
    ]);
    expect(fieldChanges({ p: { r: 'x', at: 't' } }, {})).toEqual([
      { path: 'state.p.r', kind: 'removed', before: 'x' },
      { path: 'state.p.at', kind: 'removed', before: 't' },
    ]);
    expect(fieldChanges({ b: 1, a: 2 }, { a: 2, b: 1 })).toEqual([]);
  });
});

function trailOf(inputs: Partial<AuditInput>[]): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (const input of inputs) {
    entries.push(
      chainEntry(
        {
          at: AT,
          actor: 'alice',
          action: 'pause',
          before: null,
          after: null,
          reason: null,
          manifestSha256: 'x',
          tool: { name: 'agent-rollout', version: '0' },
          ...input,
        },
        entries.at(-1),
      ),
    );
  }
  return entries;
}

describe('the state against the trail', () => {
  const paused = { ...support.state, paused: { reason: 'r', at: AT } };

  it('matches, drifts, has no trail, or has only recorded results', () => {
    expect(checkStateDrift(support.state, [])).toEqual({ status: 'no-trail' });
    expect(checkStateDrift(support.state, trailOf([{ action: 'gate' }])).status).toBe('not-recorded');
    const trail = trailOf([{ before: support.state, after: paused }, { action: 'drill' }]);
    expect(checkStateDrift(paused, trail)).toMatchObject({ status: 'match', entry: { seq: 1 } });
    const drift = checkStateDrift(support.state, trail);
    // In the order of the trail entry's keys: sorted, as chainEntry writes them.
    expect(drift).toMatchObject({ status: 'drift', entry: { seq: 1 } });
    expect(drift.status === 'drift' && drift.changes.map((c) => c.path)).toEqual(['state.paused.at', 'state.paused.reason']);
  });

  it('finds a hand edit between two recorded changes (the later entry starts elsewhere)', () => {
    const edited = { ...paused, enabled: false };
    const trail = trailOf([
      { before: support.state, after: paused },
      { action: 'gate' },
      { action: 'resume', before: edited, after: support.state },
    ]);
    expect(stateGaps(trail)).toEqual([
      {
        line: 3,
        seq: 3,
        action: 'resume',
        previousSeq: 1,
        changes: [{ path: 'state.enabled', kind: 'changed', before: true, after: false }],
      },
    ]);
    const verification = verifyAgainstManifest(support.state, { entries: trail, problems: [], exists: true });
    expect(verification.findings).toBe(1);
    expect(verification.state).toEqual({ status: 'match', seq: 3 });
  });

  it('an init entry (before null) starts the history afresh', () => {
    const trail = trailOf([
      { action: 'init', before: null, after: support.state },
      { before: support.state, after: paused },
    ]);
    expect(stateGaps(trail)).toEqual([]);
  });
});

describe('stage entry, status and queries', () => {
  it('the stage-entry time is state.since, else the last advance or rollback into the stage', () => {
    expect(stageEnteredAt(support.state, [])).toEqual({ at: support.state.since, source: 'state.since' });
    const noSince = { ...support.state, stage: 'limited-beta' };
    delete noSince.since;
    const trail = trailOf([
      { action: 'advance', at: '2026-11-01T00:00:00Z', before: support.state, after: noSince },
      { action: 'rollback', at: '2026-11-02T00:00:00Z', before: noSince, after: support.state },
      { action: 'advance', at: '2026-11-03T00:00:00Z', before: support.state, after: noSince },
      { action: 'pause', at: '2026-11-04T00:00:00Z', before: noSince, after: noSince },
    ]);
    expect(stageEnteredAt(noSince, trail)).toEqual({ at: '2026-11-03T00:00:00Z', source: 'audit', seq: 3 });
    expect(stageEnteredAt({ ...noSince, stage: 'general-availability' }, trail)).toBeUndefined();
  });

  it('status takes the last gate from gate or advance entries and the last drill with its coverage', () => {
    const now = Date.parse('2026-12-01T12:00:00Z');
    const current = rollbackSha256(support);
    const trail = trailOf([
      { action: 'gate', at: '2026-11-29T12:00:00Z', details: { stage: 'internal-pilot', verdict: 'no-go' } },
      { action: 'drill', at: '2026-11-20T12:00:00Z', details: { passed: true, rollbackSha256: current } },
      {
        action: 'advance',
        at: '2026-11-30T12:00:00Z',
        before: support.state,
        after: support.state,
        details: { from: 'internal-pilot', to: 'limited-beta', gate: { verdict: 'go' } },
      },
    ]);
    const status = rolloutStatus(support, { entries: trail, problems: [], exists: true }, now);
    expect(status.lastGate).toMatchObject({
      via: 'advance',
      verdict: 'go',
      stage: 'internal-pilot',
      advancedTo: 'limited-beta',
      ageMs: 86_400_000,
      seq: 3,
    });
    expect(status.lastDrill).toMatchObject({ passed: true, coversCurrentRollback: true, ageMs: 11 * 86_400_000 });
    expect(status.stage).toMatchObject({ id: 'internal-pilot', position: 1, of: 3, since: { source: 'state.since' } });
    expect(status.trail).toEqual({ exists: true, entries: 3, problems: 0, state: 'match' });
    const changedRollback = structuredClone(support);
    changedRollback.rollback!.window = '20m';
    expect(rolloutStatus(changedRollback, { entries: trail, problems: [], exists: true }, now).lastDrill?.coversCurrentRollback).toBe(
      false,
    );
  });

  it('after a rollback in the same second as the advance before it, that advance is not the last gate of the stage', () => {
    const beta = { ...support.state, stage: 'limited-beta', since: '2026-11-30T12:00:00.400Z' };
    const back = { ...support.state, since: '2026-11-30T12:00:00Z' };
    const trail = trailOf([
      {
        action: 'advance',
        at: '2026-11-30T12:00:00.400Z',
        before: support.state,
        after: beta,
        details: { from: 'internal-pilot', to: 'limited-beta', gate: { verdict: 'go' } },
      },
      { action: 'rollback', at: '2026-11-30T12:00:00Z', before: beta, after: back },
    ]);
    const manifest = { ...support, state: back };
    expect(rolloutStatus(manifest, { entries: trail, problems: [], exists: true }, Date.parse('2026-12-01T00:00:00Z')).lastGate).toBe(
      undefined,
    );
  });

  it('--since takes a duration or a date; selection is newest first', () => {
    const now = Date.parse('2026-12-08T00:00:00Z');
    expect(sinceTime('7d', now)).toBe(Date.parse('2026-12-01T00:00:00Z'));
    expect(sinceTime('2026-12-01', now)).toBe(Date.parse('2026-12-01T00:00:00Z'));
    expect(sinceTime('2026-12-01T09:30:00+02:00', now)).toBe(Date.parse('2026-12-01T07:30:00Z'));
    expect(sinceTime('last week', now)).toBeUndefined();
    const trail = trailOf([
      { action: 'pause', at: '2026-11-20T00:00:00Z' },
      { action: 'advance', at: '2026-12-02T00:00:00Z' },
      { action: 'resume', at: '2026-12-03T00:00:00Z' },
    ]);
    expect(selectEntries(trail, { since: Date.parse('2026-12-01T00:00:00Z') }).map((e) => e.seq)).toEqual([3, 2]);
    expect(selectEntries(trail, { actions: ['pause', 'advance'] }).map((e) => e.seq)).toEqual([2, 1]);
  });
});
