import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { audienceText, criterionText, formatNumber } from '../../src/plan/criterion-text.js';
import type { PlanInput } from '../../src/plan/model.js';
import { buildPlan } from '../../src/plan/model.js';
import type { Manifest } from '../../src/manifest/types.js';
import type { AuditEntry, AuditInput } from '../../src/state/audit.js';
import { chainEntry } from '../../src/state/audit.js';
import { rollbackSha256 } from '../../src/state/rollback-hash.js';
import { EXAMPLES } from '../helpers/cli.js';

function example(name: string): Manifest {
  return JSON.parse(readFileSync(join(EXAMPLES, name, 'rollout.json'), 'utf8')) as Manifest;
}

/** A fixed clock: well past both examples' minimum durations. */
const NOW = new Date('2026-12-20T12:00:00Z');

function trail(...inputs: Partial<AuditInput>[]): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (const input of inputs) {
    entries.push(
      chainEntry(
        {
          at: '2026-12-01T10:00:00Z',
          actor: 'tester',
          action: 'gate',
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

function plan(manifest: Manifest, overrides: Partial<PlanInput> = {}) {
  return buildPlan({ path: 'rollout.json', manifest, diagnostics: [], trail: [], trailProblems: 0, now: NOW, ...overrides });
}

describe('criteria in words', () => {
  const manifest = example('support-triage');
  const criteria = manifest.stages.flatMap((s) => s.exitCriteria ?? []);
  const text = (id: string) => criterionText(criteria.find((c) => c.id === id)!, manifest);

  it('max 0, max, withinPercent of a manifest value, for, and a drill', () => {
    expect(text('zero-security-events')).toBe('security_events must be 0');
    expect(text('cost-within-estimate')).toBe('cost_per_invocation_usd within 20% of 0.08 USD (0.064 to 0.096 USD)');
    expect(text('error-rate-below-threshold')).toBe('error_rate at most 0.02 (2%)');
    expect(text('support-volume-manageable')).toBe('support_tickets_per_day at most 3 tickets/day');
    expect(text('error-rate-stable')).toBe('error_rate at most 0.02 (2%) at every sample for 14d');
    expect(text('rollback-tested')).toBe('a rollback drill of the current rollback section passed within 30d');
  });

  it('min, and a range', () => {
    expect(criterionText({ id: 'a', signal: 'invocations', min: 100 }, manifest)).toBe('invocations at least 100 invocations');
    expect(criterionText({ id: 'b', signal: 'error_rate', min: 0.001, max: 0.05 }, manifest)).toBe(
      'error_rate between 0.001 (0.1%) and 0.05 (5%)',
    );
    expect(criterionText({ id: 'c', signal: 'undeclared', max: 2 }, manifest)).toBe('undeclared at most 2');
  });

  it('numbers without float noise; audiences in words', () => {
    expect(formatNumber(0.08 * 0.8)).toBe('0.064');
    expect(audienceText(manifest.stages[0]!.audience)).toBe(
      'org support-pilot; 2 users alice@example.com, bob@example.com; about 20 invocations/day',
    );
    expect(audienceText({ percent: 100 })).toBe('everyone (100%)');
  });
});

describe('the plan model', () => {
  it('support-triage: + per stage compared with the stage before; the beta adds slack-bot; the GA holds the same', () => {
    const { stages } = plan(example('support-triage'));
    const changes = stages.map((s) => s.credentials.map((c) => `${c.change} ${c.id}`));
    expect(changes).toEqual([
      ['added zendesk-ro', 'added kb-ro'],
      ['kept zendesk-ro', 'kept kb-ro', 'added slack-bot'],
      ['kept zendesk-ro', 'kept kb-ro', 'kept slack-bot'],
    ]);
    expect(stages[1]!.credentials[2]).toEqual({
      id: 'slack-bot',
      change: 'added',
      kind: 'api-token',
      scopes: ['chat:write'],
      access: 'write',
    });
    expect(stages.map((s) => s.position)).toEqual(['current', 'next', 'later']);
  });

  it('finance-ledger: ledger-rw is added in the limited beta; a dropped credential is listed as dropped', () => {
    const manifest = example('finance-ledger');
    expect(
      plan(manifest)
        .stages[1]!.credentials.filter((c) => c.change !== 'kept')
        .map((c) => `${c.change} ${c.id}`),
    ).toEqual(['added ledger-rw']);
    manifest.stages[2]!.credentials = ['ap-invoices-ro', 'ledger-rw'];
    expect(plan(manifest).stages[2]!.credentials.map((c) => `${c.change} ${c.id}`)).toEqual([
      'kept ap-invoices-ro',
      'kept ledger-rw',
      'dropped ledger-ro',
      'dropped bank-feed-ro',
    ]);
    expect(plan(manifest).stages.map((s) => s.position)).toEqual(['passed', 'current', 'next']);
  });

  it('each stage: audience, data access, spend limit beside the estimate, mode, minimums and criteria', () => {
    const [pilot, beta] = plan(example('support-triage')).stages;
    expect(pilot).toMatchObject({
      dataAccess: 'staging',
      spendLimit: { usdPerDay: 4, tokensPerDay: 500000 },
      estimate: { invocationsPerDay: 20, usdPerDay: 1.6, tokensPerDay: 240000 },
      spendCheck: 'within',
      governanceMode: 'observe',
      minDuration: '7d',
      minSamples: 100,
    });
    expect(beta!.estimate).toMatchObject({ invocationsPerDay: 25, usdPerDay: 2 });
    expect(beta!.exitCriteria.at(-1)).toMatchObject({ id: 'cost-within-estimate', observe: true });
    const tight = example('support-triage');
    tight.stages[0]!.spendLimit = { usdPerDay: 1 };
    expect(plan(tight).stages[0]!.spendCheck).toBe('below-estimate');
  });

  it('guardrails, rollback and where the rollout stands', () => {
    const result = plan(example('finance-ledger'));
    expect(result.guardrails).toMatchObject({
      input: ['prompt injection: block', 'credentials: block', 'pii: redact'],
      output: { dataClasses: ['financial', 'pii'], action: 'block' },
      tests: 'guardrails/cases.jsonl',
    });
    expect(result.rollback).toMatchObject({ window: '5m', restore: expect.arrayContaining(['release-posting-queue']) });
    expect(result.rollback!.steps[2]).toEqual({
      id: 'revoke-ledger-rw',
      text: 'run ./scripts/revoke.sh ledger-rw',
      credential: 'ledger-rw',
      timeout: '30s',
      manual: false,
    });
    expect(result.rollback!.steps.at(-1)?.manual).toBe(true);
    expect(result.state).toMatchObject({
      enabled: true,
      stage: 'limited-beta',
      position: 2,
      stageCount: 3,
      since: '2026-11-02T08:00:00Z',
      sinceSource: 'state.since',
      next: 'general-availability',
    });
    expect(result.state.orgs).toEqual([
      { org: 'entity-uk-ltd', enabled: true },
      { org: 'entity-de-gmbh', enabled: false },
    ]);
  });
});

describe('what blocks the next step', () => {
  it('with no audit trail: the criteria are not evaluated and no drill has run', () => {
    const result = plan(example('support-triage'));
    expect(result.blockedBy.map((b) => b.kind)).toEqual(['criteria-not-evaluated', 'drill-never-run']);
    expect(result.blockedBy[0]).toMatchObject({
      criteria: ['zero-security-events', 'cost-within-estimate', 'no-output-violations'],
      hint: 'agent-rollout gate internal-pilot --record',
    });
  });

  it('a passing gate of the stage and a passing drill of the current rollback section clear both', () => {
    const manifest = example('support-triage');
    const sha = rollbackSha256(manifest);
    const entries = trail(
      {
        action: 'gate',
        details: {
          stage: 'internal-pilot',
          verdict: 'go',
          criteria: [
            { id: 'zero-security-events', status: 'pass' },
            { id: 'cost-within-estimate', status: 'pass' },
            { id: 'no-output-violations', status: 'pass' },
          ],
        },
      },
      { action: 'drill', details: { passed: true, rollbackSha256: sha, durationMs: 1000, windowMs: 600000 } },
    );
    const result = plan(manifest, { trail: entries });
    expect(result.blockedBy).toEqual([]);
    expect(result.state.lastGate).toMatchObject({ action: 'gate', verdict: 'go' });
    expect(result.rollback!.lastDrill).toMatchObject({ passed: true, current: true });
  });

  it('a no-go gate names its failing criteria; a criterion the gate did not evaluate is still open', () => {
    const entries = trail({
      action: 'gate',
      details: {
        stage: 'internal-pilot',
        verdict: 'no-go',
        criteria: [
          { id: 'zero-security-events', status: 'fail' },
          { id: 'cost-within-estimate', status: 'pass' },
        ],
      },
    });
    const result = plan(example('support-triage'), { trail: entries });
    expect(result.blockedBy.filter((b) => b.kind !== 'drill-never-run')).toEqual([
      expect.objectContaining({
        kind: 'gate-not-go',
        criteria: ['zero-security-events'],
        message: expect.stringContaining('was no-go: zero-security-events fail'),
      }),
      expect.objectContaining({ kind: 'criteria-not-evaluated', criteria: ['no-output-violations'] }),
    ]);
  });

  it('a gate from before the stage was entered, or of another stage, does not count', () => {
    const early = trail({ at: '2026-11-10T00:00:00Z', details: { stage: 'internal-pilot', verdict: 'go', criteria: [] } });
    expect(plan(example('support-triage'), { trail: early }).blockedBy[0]?.kind).toBe('criteria-not-evaluated');
    const other = trail({ details: { stage: 'limited-beta', verdict: 'go', criteria: [] } });
    expect(plan(example('support-triage'), { trail: other }).state.lastGate).toBeUndefined();
  });

  it('an advance out of the stage carries its gate', () => {
    const manifest = example('support-triage');
    const entries = trail({
      action: 'advance',
      details: {
        from: 'internal-pilot',
        to: 'limited-beta',
        forced: false,
        gate: {
          verdict: 'go',
          criteria: [
            { id: 'zero-security-events', status: 'pass' },
            { id: 'cost-within-estimate', status: 'pass' },
            { id: 'no-output-violations', status: 'pass' },
          ],
        },
      },
    });
    const result = plan(manifest, { trail: entries });
    expect(result.state.lastGate).toMatchObject({ action: 'advance', verdict: 'go' });
    expect(result.blockedBy.map((b) => b.kind)).toEqual(['drill-never-run']);
  });

  it('a drill of an older rollback section, a failed drill, a drill too old for the criterion', () => {
    const manifest = example('finance-ledger');
    const sha = rollbackSha256(manifest);
    const kinds = (entries: AuditEntry[]) =>
      plan(manifest, { trail: entries })
        .blockedBy.map((b) => b.kind)
        .filter((k) => k.startsWith('drill'));
    expect(kinds(trail({ action: 'drill', details: { passed: true, rollbackSha256: 'an-older-section' } }))).toEqual(['drill-outdated']);
    expect(kinds(trail({ action: 'drill', details: { passed: false, rollbackSha256: sha } }))).toEqual(['drill-failed']);
    // finance-ledger's limited beta wants a passing drill within 14d; NOW is 2026-12-20.
    const old = trail({ action: 'drill', at: '2026-12-01T00:00:00Z', details: { passed: true, rollbackSha256: sha } });
    expect(plan(manifest, { trail: old }).blockedBy.find((b) => b.kind === 'drill-too-old')?.message).toContain(
      'older than the 14d that criterion "rollback-tested" allows',
    );
    const recent = trail({ action: 'drill', at: '2026-12-15T00:00:00Z', details: { passed: true, rollbackSha256: sha } });
    expect(kinds(recent)).toEqual([]);
  });

  it('observe mode before a stage that reaches 100%: in the state, in an org, or in the stage itself', () => {
    const manifest = example('finance-ledger');
    manifest.state.governanceMode = 'observe';
    manifest.state.orgs = { 'entity-uk-ltd': { enabled: true, governanceMode: 'observe' } };
    manifest.stages[2]!.governanceMode = 'observe';
    const blockers = plan(manifest).blockedBy.filter((b) => b.kind === 'observe-before-full-audience');
    expect(blockers.map((b) => b.message)).toEqual([
      expect.stringContaining('governance is in observe mode, and "general-availability" reaches 100% of users'),
      expect.stringContaining('org entity-uk-ltd is still in observe mode'),
      expect.stringContaining('stage "general-availability" reaches 100% of users but is declared in observe mode'),
    ]);
    // Not before a stage that reaches only part of the users.
    expect(plan(example('support-triage')).blockedBy.some((b) => b.kind === 'observe-before-full-audience')).toBe(false);
  });

  it('a pause, the kill switch, validation errors, a broken trail, an incomplete inventory, a stage too young', () => {
    const manifest = example('support-triage');
    manifest.state.enabled = false;
    manifest.state.paused = { reason: 'cost spike', at: '2026-12-19T08:00:00Z', by: 'alice@example.com' };
    delete manifest.inventory.tools[0]!.dataClasses;
    manifest.state.since = '2026-12-18T12:00:00Z';
    const diagnostics = [{ rule: 'AR105', severity: 'error' as const, message: 'm', hint: 'h', pointer: '/x', line: 1, column: 1 }];
    const result = plan(manifest, { diagnostics, trailProblems: 2 });
    expect(result.blockedBy.map((b) => b.kind)).toEqual([
      'validation-errors',
      'audit-trail-broken',
      'disabled',
      'paused',
      'inventory-incomplete',
      'stage-too-young',
      'criteria-not-evaluated',
      'drill-never-run',
    ]);
    expect(result.blockedBy[3]?.message).toBe('the rollout is paused since 2026-12-19 08:00:00 UTC by alice@example.com: cost spike');
    expect(result.blockedBy[5]?.message).toBe('"internal-pilot" has run 2d of its minimum 7d (since 2026-12-18 12:00:00 UTC)');
    expect(result.findings).toMatchObject({ errors: 1, warnings: 0 });
  });

  it('the stage-entry time comes from the audit trail when state.since is absent', () => {
    const manifest = example('finance-ledger');
    delete manifest.state.since;
    const entries = trail({
      action: 'advance',
      at: '2026-12-19T00:00:00Z',
      after: { ...manifest.state },
      details: { from: 'internal-pilot', to: 'limited-beta', gate: { verdict: 'go', criteria: [] } },
    });
    const result = plan(manifest, { trail: entries });
    expect(result.state).toMatchObject({ since: '2026-12-19T00:00:00Z', sinceSource: 'audit' });
    expect(result.blockedBy.find((b) => b.kind === 'stage-too-young')?.hint).toBe('wait until 2027-01-18 00:00:00 UTC');
  });

  it('at the last stage there is no next step', () => {
    const manifest = example('support-triage');
    manifest.state.stage = 'general-availability';
    const result = plan(manifest);
    expect(result.state.next).toBeUndefined();
    expect(result.stages.map((s) => s.position)).toEqual(['passed', 'passed', 'current']);
  });
});
