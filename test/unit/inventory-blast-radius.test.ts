import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blastRadius } from '../../src/inventory/blast-radius.js';
import type { Manifest } from '../../src/manifest/types.js';
import { EXAMPLES } from '../helpers/cli.js';

function example(name: string): Manifest {
  return JSON.parse(readFileSync(join(EXAMPLES, name, 'rollout.json'), 'utf8')) as Manifest;
}

/** Data class → "tool[credential]" list, for compact assertions. */
function reach(list: { dataClass: string; via: { tool: string; credential?: string }[] }[]): Record<string, string[]> {
  return Object.fromEntries(list.map((r) => [r.dataClass, r.via.map((v) => `${v.tool}[${v.credential ?? ''}]`)]));
}

describe('blast radius', () => {
  it('support-triage: the pilot reads through its two read-only credentials; the beta adds a write tool that names no data class', () => {
    const [pilot, beta, ga] = blastRadius(example('support-triage'));
    expect(pilot).toMatchObject({ stage: 'internal-pilot', index: 0, dataAccess: 'staging', credentials: ['zendesk-ro', 'kb-ro'] });
    expect(reach(pilot!.read)).toEqual({
      pii: ['zendesk[zendesk-ro]'],
      'internal-docs': ['knowledge-base[kb-ro]', 'routing-rules[]'],
    });
    expect(pilot!.read.find((r) => r.dataClass === 'pii')).toMatchObject({ sensitive: true, declared: true });
    expect(pilot!.read.find((r) => r.dataClass === 'internal-docs')?.sensitive).toBe(false);
    expect(pilot!.write).toEqual([]);
    expect(pilot!.writeTools).toEqual([]);
    expect(pilot!.toolsWithoutCredential).toEqual([{ tool: 'slack-notes', access: 'write', credential: 'slack-bot' }]);
    expect(pilot!.triggers.map((t) => t.label)).toEqual(['ticket-created', 'hourly-sweep']);
    expect(pilot!.triggers[1]).toEqual({ label: 'hourly-sweep', kind: 'schedule', cron: '0 * * * *', owner: 'support-platform' });

    expect(beta).toMatchObject({ dataAccess: 'production', credentials: ['zendesk-ro', 'kb-ro', 'slack-bot'], toolsWithoutCredential: [] });
    expect(beta!.write).toEqual([]);
    expect(beta!.writeTools).toEqual([{ tool: 'slack-notes', access: 'write', credential: 'slack-bot' }]);
    expect(ga!.writeTools).toEqual(beta!.writeTools);
  });

  it('finance-ledger: financial data becomes writable through ledger-rw from the limited beta on', () => {
    const [pilot, beta] = blastRadius(example('finance-ledger'));
    expect(pilot!.write).toEqual([]);
    expect(reach(pilot!.read)).toEqual({
      financial: ['ap-invoices[ap-invoices-ro]', 'ledger-replica[ledger-ro]', 'bank-statements[bank-feed-ro]'],
      pii: ['ap-invoices[ap-invoices-ro]', 'bank-statements[bank-feed-ro]'],
    });
    expect(reach(beta!.write)).toEqual({ financial: ['ledger-journal[ledger-rw]'] });
    expect(beta!.write[0]?.sensitive).toBe(true);
    // fx-rates needs no credential and reaches no class: usable everywhere, in no read or write list.
    expect(pilot!.tools.map((t) => t.tool)).toContain('fx-rates');
  });

  it('a usable tool with unknown data classes is reported, not guessed; a tool of an unheld credential is not usable', () => {
    const manifest = example('support-triage') as any;
    delete manifest.inventory.tools[1].dataClasses; // knowledge-base
    const [pilot] = blastRadius(manifest);
    expect(pilot!.unknownReach).toEqual([{ tool: 'knowledge-base', access: 'read', credential: 'kb-ro' }]);
    expect(reach(pilot!.read)).toEqual({ pii: ['zendesk[zendesk-ro]'], 'internal-docs': ['routing-rules[]'] });
    manifest.stages[0].credentials = [];
    const [bare] = blastRadius(manifest);
    expect(bare!.tools.map((t) => t.tool)).toEqual(['routing-rules']);
    expect(bare!.unknownReach).toEqual([]);
  });

  it('a write tool writes only the classes the agent may write; a read tool never writes; an undeclared class counts both ways', () => {
    const manifest = example('finance-ledger') as any;
    manifest.inventory.tools[3].dataClasses = ['financial', 'pii', 'health']; // ledger-journal, write
    const beta = blastRadius(manifest)[1]!;
    expect(Object.keys(reach(beta.write))).toEqual(['financial', 'health']); // pii is read-only
    expect(beta.write.find((r) => r.dataClass === 'health')).toMatchObject({ declared: false, sensitive: true });
    expect(reach(beta.read).pii).toContain('ledger-journal[ledger-rw]');
  });
});
