import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { changedSections, inventoryChanges } from '../../src/inventory/changes.js';
import type { InventoryEdit } from '../../src/inventory/edit.js';
import { applyEdit as apply, costFieldReferences, entryName, entryReferences, keepKeyOrder } from '../../src/inventory/edit.js';
import type { Manifest } from '../../src/manifest/types.js';
import { EXAMPLES } from '../helpers/cli.js';

function document(name: string): Record<string, any> {
  return JSON.parse(readFileSync(join(EXAMPLES, name, 'rollout.json'), 'utf8')) as Record<string, any>;
}

const asManifest = (doc: Record<string, unknown>) => doc as unknown as Manifest;

/** applyEdit, typed loosely: the tests reach into the raw document. */
const applyEdit = (doc: Record<string, unknown>, edit: InventoryEdit): Record<string, any> => apply(doc, edit);

describe('inventory edit operations', () => {
  it('keepKeyOrder: keys stay where they were, new keys go last, dropped keys go, nested objects too', () => {
    const result = keepKeyOrder(
      { id: 'a', kind: 'x', revoke: { run: ['r'], runbook: 'b' }, owner: 'o' },
      { owner: 'p', revoke: { runbook: 'c', run: ['s'] }, id: 'a', scopes: ['t'] },
    );
    expect(JSON.stringify(result)).toBe('{"id":"a","revoke":{"run":["s"],"runbook":"c"},"owner":"p","scopes":["t"]}');
  });

  it('add appends an entry and leaves the document given untouched', () => {
    const before = document('support-triage');
    const copy = structuredClone(before);
    const after = applyEdit(before, { op: 'add', section: 'triggers', entry: { kind: 'agent', source: 'orchestrator', owner: 'ops' } });
    expect(after['inventory'].triggers).toHaveLength(3);
    expect(after['inventory'].triggers[2]).toEqual({ kind: 'agent', source: 'orchestrator', owner: 'ops' });
    expect(before).toEqual(copy);
  });

  it('replace keeps the entry where it was, in its key order, and a renamed credential is renamed everywhere', () => {
    const before = document('support-triage');
    const edited = { ...before['inventory'].credentials[0], id: 'zendesk-read', owner: 'security' };
    const after = applyEdit(before, { op: 'replace', section: 'credentials', index: 0, entry: { owner: 'security', ...edited } });
    const credential = after['inventory'].credentials[0];
    expect(Object.keys(credential)).toEqual(Object.keys(before['inventory'].credentials[0]));
    expect(credential).toMatchObject({ id: 'zendesk-read', owner: 'security' });
    expect(after['stages'].map((s: any) => s.credentials[0])).toEqual(['zendesk-read', 'zendesk-read', 'zendesk-read']);
    expect(after['inventory'].tools[0].credential).toBe('zendesk-read');
    expect(after['rollback'].steps[1].credential).toBe('zendesk-read');
    // Everything else is as it was.
    expect({ ...after, inventory: null, stages: null, rollback: null }).toEqual({
      ...before,
      inventory: null,
      stages: null,
      rollback: null,
    });
  });

  it('a renamed data class is renamed in the tools and in output inspection', () => {
    const before = document('finance-ledger');
    const after = applyEdit(before, {
      op: 'replace',
      section: 'dataClasses',
      index: 1,
      entry: { ...before['inventory'].dataClasses[1], id: 'personal-data' },
    });
    expect(after['inventory'].tools.map((t: any) => t.dataClasses)).toEqual([
      ['financial', 'personal-data'],
      ['financial'],
      ['financial', 'personal-data'],
      ['financial'],
      [],
    ]);
    expect(after['guardrails'].output.dataClasses).toEqual(['financial', 'personal-data']);
  });

  it('removing a credential removes it from the stages that hold it; tools and rollback steps that use it block the removal', () => {
    const manifest = asManifest(document('support-triage'));
    const references = entryReferences(manifest, 'credentials', 2);
    expect(references).toEqual([
      { where: 'tool "slack-notes"', pointer: '/inventory/tools/2/credential', blocking: true },
      { where: 'stage "limited-beta"', pointer: '/stages/1/credentials/2', blocking: false },
      { where: 'stage "general-availability"', pointer: '/stages/2/credentials/2', blocking: false },
      { where: 'rollback step "revoke-slack-bot"', pointer: '/rollback/steps/3/credential', blocking: true },
      { where: 'rollback restore step "issue-slack-bot"', pointer: '/rollback/restore/2/credential', blocking: true },
    ]);
    const after = applyEdit(document('support-triage'), { op: 'remove', section: 'credentials', index: 2 });
    expect(after['inventory'].credentials.map((c: any) => c.id)).toEqual(['zendesk-ro', 'kb-ro']);
    expect(after['stages'].map((s: any) => s.credentials)).toEqual([
      ['zendesk-ro', 'kb-ro'],
      ['zendesk-ro', 'kb-ro'],
      ['zendesk-ro', 'kb-ro'],
    ]);
  });

  it('removing a data class removes it from the tools and output inspection, none of which blocks', () => {
    const before = document('support-triage');
    expect(entryReferences(asManifest(before), 'dataClasses', 0).map((r) => [r.where, r.blocking])).toEqual([
      ['tool "zendesk"', false],
      ['output inspection', false],
    ]);
    const after = applyEdit(before, { op: 'remove', section: 'dataClasses', index: 0 });
    expect(after['inventory'].tools[0].dataClasses).toEqual([]);
    expect(after['guardrails'].output.dataClasses).toEqual([]);
  });

  it('the cost envelope: set keeps the field order, undefined removes it; criteria that compare with a field are found', () => {
    const before = document('support-triage');
    const after = applyEdit(before, {
      op: 'set-cost-envelope',
      envelope: { invocationsPerDay: 600, usdPerInvocation: 0.09, tokensPerInvocation: 12000 },
    });
    expect(JSON.stringify(after['inventory'].costEnvelope)).toBe(
      '{"tokensPerInvocation":12000,"usdPerInvocation":0.09,"invocationsPerDay":600}',
    );
    expect('costEnvelope' in applyEdit(before, { op: 'set-cost-envelope', envelope: undefined })['inventory']).toBe(false);
    const refs = costFieldReferences(asManifest(before));
    expect([...refs.keys()]).toEqual(['usdPerInvocation']);
    expect(refs.get('usdPerInvocation')?.map((r) => r.where)).toEqual([
      'criterion "cost-within-estimate" of stage "internal-pilot"',
      'criterion "cost-within-estimate" of stage "limited-beta"',
    ]);
  });

  it('entryName names entries the way the walkthrough says them', () => {
    const manifest = asManifest(document('support-triage'));
    expect(entryName(manifest, 'tools', 1)).toBe('tool "knowledge-base"');
    expect(entryName(manifest, 'triggers', 1)).toBe('trigger "hourly-sweep"');
  });
});

describe('inventory changes', () => {
  it('lists what was added, changed and removed, per section, and the sections a change cascaded into', () => {
    const before = document('support-triage');
    let after = applyEdit(before, { op: 'remove', section: 'dataClasses', index: 1 });
    after = applyEdit(after, { op: 'add', section: 'triggers', entry: { kind: 'api', source: 'internal-gateway' } });
    after = applyEdit(after, { op: 'set-cost-envelope', envelope: { usdPerInvocation: 0.1 } });
    const changes = inventoryChanges(asManifest(before), asManifest(after));
    expect(changes).toEqual([
      { section: 'tools', change: 'changed', subject: 'knowledge-base' },
      { section: 'tools', change: 'changed', subject: 'routing-rules' },
      { section: 'dataClasses', change: 'removed', subject: 'internal-docs' },
      { section: 'triggers', change: 'added', subject: 'api internal-gateway' },
      { section: 'costEnvelope', change: 'changed' },
    ]);
    expect(changedSections(changes)).toEqual(['tools', 'dataClasses', 'triggers', 'costEnvelope']);
    const renamed = applyEdit(before, {
      op: 'replace',
      section: 'credentials',
      index: 1,
      entry: { ...before['inventory'].credentials[1], id: 'kb-read' },
    });
    expect(changedSections(inventoryChanges(asManifest(before), asManifest(renamed)))).toEqual([
      'credentials',
      'tools',
      'stages',
      'rollback',
    ]);
    expect(inventoryChanges(asManifest(before), asManifest(structuredClone(before)))).toEqual([]);
  });
});
