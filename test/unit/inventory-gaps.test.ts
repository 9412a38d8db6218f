import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inventoryReport } from '../../src/inventory/completeness.js';
import { findInventoryGaps } from '../../src/inventory/gaps.js';
import type { Manifest } from '../../src/manifest/types.js';
import { EXAMPLES } from '../helpers/cli.js';

function example(name: string): Manifest {
  return JSON.parse(readFileSync(join(EXAMPLES, name, 'rollout.json'), 'utf8')) as Manifest;
}

describe('inventory gaps', () => {
  it('the bundled examples have none', () => {
    const examples = readdirSync(EXAMPLES).filter((name) => existsSync(join(EXAMPLES, name, 'rollout.json')));
    expect(examples).toEqual(expect.arrayContaining(['finance-ledger', 'otel-genai', 'support-triage']));
    for (const name of examples) expect({ name, gaps: findInventoryGaps(example(name)) }).toEqual({ name, gaps: [] });
  });

  it('a credential nobody can revoke on its own, or whose revocability, owner, scopes or revocation is unknown', () => {
    const manifest = example('support-triage') as any;
    manifest.inventory.credentials[1].independentlyRevocable = false; // kb-ro
    delete manifest.inventory.credentials[2].independentlyRevocable; // slack-bot
    delete manifest.inventory.credentials[2].owner;
    delete manifest.inventory.credentials[2].scopes;
    delete manifest.inventory.credentials[2].revoke;
    manifest.rollback.steps = manifest.rollback.steps.filter((s: any) => s.credential !== 'slack-bot');
    const gaps = findInventoryGaps(manifest);
    expect(gaps.map((g) => [g.kind, g.subject])).toEqual([
      ['credential-not-independently-revocable', 'kb-ro'],
      ['credential-no-revoke', 'slack-bot'],
      ['credential-revocability-unknown', 'slack-bot'],
      ['credential-no-owner', 'slack-bot'],
      ['credential-no-scopes', 'slack-bot'],
    ]);
    expect(gaps[0]).toMatchObject({
      section: 'credentials',
      pointer: '/inventory/credentials/1',
      message: expect.stringContaining('cannot be revoked on its own'),
    });
    for (const gap of gaps) expect(gap.hint.length).toBeGreaterThan(10);
  });

  it('a rollback step that revokes a credential counts as knowing how to revoke it', () => {
    const manifest = example('support-triage') as any;
    delete manifest.inventory.credentials[0].revoke; // zendesk-ro: rollback step revoke-zendesk-ro still revokes it
    expect(findInventoryGaps(manifest)).toEqual([]);
  });

  it('a tool whose data classes are unknown (absent), but not one that reaches none ([])', () => {
    const manifest = example('support-triage') as any;
    delete manifest.inventory.tools[3].dataClasses; // routing-rules
    expect(manifest.inventory.tools[2].dataClasses).toEqual([]); // slack-notes: none, not a gap
    expect(findInventoryGaps(manifest)).toEqual([
      expect.objectContaining({
        section: 'tools',
        kind: 'tool-data-classes-unknown',
        subject: 'routing-rules',
        pointer: '/inventory/tools/3',
      }),
    ]);
  });

  it('a data class a tool or output inspection names but nobody declared', () => {
    const manifest = example('support-triage') as any;
    manifest.inventory.tools[0].dataClasses.push('health');
    manifest.guardrails.output.dataClasses.push('health');
    const gaps = findInventoryGaps(manifest);
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toMatchObject({ section: 'dataClasses', kind: 'data-class-undeclared', subject: 'health' });
    expect(gaps[0]?.message).toBe('data class "health" is named by tool "zendesk" and output inspection but not declared');
  });

  it('a trigger from another agent with no owner; other triggers need none; no trigger at all is a gap', () => {
    const manifest = example('support-triage') as any;
    manifest.inventory.triggers.push({ kind: 'agent', source: 'orchestrator' });
    manifest.inventory.triggers.push({ kind: 'api' });
    expect(findInventoryGaps(manifest).map((g) => [g.kind, g.subject])).toEqual([['trigger-agent-no-owner', 'agent orchestrator']]);
    manifest.inventory.triggers = [];
    expect(findInventoryGaps(manifest).map((g) => g.kind)).toEqual(['triggers-none']);
  });

  it('a cost envelope missing, or missing fields', () => {
    const manifest = example('finance-ledger') as any;
    delete manifest.inventory.costEnvelope.apiCallsPerInvocation;
    delete manifest.inventory.costEnvelope.invocationsPerDay;
    expect(findInventoryGaps(manifest)).toEqual([
      expect.objectContaining({
        kind: 'cost-envelope-incomplete',
        message: 'the cost envelope does not estimate API calls per invocation, invocations per day at 100%',
      }),
    ]);
    delete manifest.inventory.costEnvelope;
    expect(findInventoryGaps(manifest).map((g) => g.kind)).toEqual(['cost-envelope-missing']);
  });
});

describe('inventory completeness', () => {
  it('every section of a complete inventory is at 100%', () => {
    const report = inventoryReport(example('finance-ledger'));
    expect(report.complete).toBe(true);
    expect(report.sections.map((s) => [s.section, s.items, s.completeItems, s.percent, s.complete])).toEqual([
      ['credentials', 4, 4, 100, true],
      ['tools', 5, 5, 100, true],
      ['dataClasses', 2, 2, 100, true],
      ['triggers', 3, 3, 100, true],
      ['costEnvelope', 4, 4, 100, true],
    ]);
  });

  it('counts entries without a gap, fields of the envelope, and never shows 100% with a gap open', () => {
    const manifest = example('support-triage') as any;
    manifest.inventory.credentials[1].independentlyRevocable = false;
    delete manifest.inventory.credentials[1].owner; // two gaps, one entry
    delete manifest.inventory.costEnvelope.tokensPerInvocation;
    manifest.inventory.tools[0].dataClasses.push('health'); // a gap about a class, not about an entry
    const report = inventoryReport(manifest);
    const section = (id: string) => report.sections.find((s) => s.section === id);
    expect(report.complete).toBe(false);
    expect(section('credentials')).toMatchObject({ items: 3, completeItems: 2, percent: 66, complete: false });
    expect(section('costEnvelope')).toMatchObject({ unit: 'fields', items: 4, completeItems: 3, percent: 75, complete: false });
    expect(section('dataClasses')).toMatchObject({ items: 2, completeItems: 2, percent: 99, complete: false });
    expect(section('tools')).toMatchObject({ percent: 100, complete: true });
    expect(report.gaps).toHaveLength(4);
  });

  it('an empty section is complete unless emptiness is itself a gap', () => {
    const manifest = example('support-triage') as any;
    manifest.inventory.triggers = [];
    const report = inventoryReport(manifest);
    expect(report.sections.find((s) => s.section === 'triggers')).toMatchObject({ items: 0, percent: 0, complete: false });
  });
});
