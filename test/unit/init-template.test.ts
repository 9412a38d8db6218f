import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { InitAnswers } from '../../src/init/answers.js';
import { DEFAULT_ANSWERS, nameFromId } from '../../src/init/answers.js';
import { schemaReference } from '../../src/init/schema-ref.js';
import { buildManifest } from '../../src/init/template.js';
import { parseManifest } from '../../src/manifest/load.js';
import { loadSchemaValidator } from '../../src/manifest/schema-validator.js';
import { validateLoaded } from '../../src/manifest/validate.js';
import { dailyEstimate } from '../../src/manifest/cost.js';
import { inventoryReport } from '../../src/inventory/completeness.js';

const SCHEMA_ID = 'https://agent-rollout.dev/schemas/rollout.v1.schema.json';

async function validate(document: unknown) {
  const loaded = parseManifest('rollout.json', new TextEncoder().encode(JSON.stringify(document, null, 2)));
  return validateLoaded(loaded, await loadSchemaValidator()).diagnostics;
}

describe('the init template', () => {
  it('with the placeholders: validates with no finding at all, and its inventory lists each placeholder as a gap', async () => {
    const manifest = buildManifest(DEFAULT_ANSWERS, SCHEMA_ID);
    expect(await validate(manifest)).toEqual([]);
    const report = inventoryReport(manifest);
    expect(report.complete).toBe(false);
    expect(report.gaps.map((g) => [g.kind, g.pointer])).toEqual([
      ['placeholder', '/inventory/credentials/0/secretRef'],
      ['placeholder', '/inventory/credentials/0/owner'],
      ['placeholder', '/inventory/tools/0/endpoint'],
      ['placeholder', '/inventory/triggers/0/owner'],
    ]);
    expect(Object.keys(manifest)).toEqual([
      '$schema',
      'version',
      'agent',
      'inventory',
      'guardrails',
      'metrics',
      'stages',
      'rollback',
      'state',
    ]);
    expect(manifest.$schema).toBe(SCHEMA_ID);
  });

  it('follows the guide: pilot in observe mode on staging, a few percent in enforce mode, then everyone, with a tested rollback', () => {
    const { stages, state } = buildManifest(DEFAULT_ANSWERS, SCHEMA_ID);
    expect(stages.map((s) => [s.id, s.audience.percent, s.dataAccess, s.governanceMode, s.minDuration])).toEqual([
      ['internal-pilot', undefined, 'staging', 'observe', '7d'],
      ['limited-beta', 5, 'production', 'enforce', '14d'],
      ['general-availability', 100, 'production', 'enforce', '14d'],
    ]);
    expect(stages[0]!.exitCriteria!.map((c) => c.id)).toEqual(['zero-security-events', 'cost-within-estimate', 'no-output-violations']);
    expect(stages[1]!.exitCriteria!.map((c) => c.id)).toEqual([
      'error-rate-below-threshold',
      'no-data-class-escapes',
      'support-volume-manageable',
    ]);
    expect(stages[2]!.exitCriteria!.map((c) => c.id)).toEqual(['error-rate-stable', 'rollback-tested']);
    expect(state).toEqual({ enabled: false, stage: 'internal-pilot', governanceMode: 'observe' });
  });

  it('spend limits sit between the estimate and three times it, at every stage', () => {
    const manifest = buildManifest(DEFAULT_ANSWERS, SCHEMA_ID);
    for (const stage of manifest.stages) {
      const estimate = dailyEstimate(stage, manifest.inventory.costEnvelope)!.usdPerDay;
      expect(stage.spendLimit!.usdPerDay).toBeGreaterThanOrEqual(estimate);
      expect(stage.spendLimit!.usdPerDay).toBeLessThanOrEqual(3 * estimate);
    }
  });

  it('with other answers: sensitive classes the agent reads are inspected on output, so it still validates', async () => {
    const answers: InitAnswers = {
      ...DEFAULT_ANSWERS,
      agent: { id: 'claims-bot', name: 'Claims bot', owner: 'claims', model: 'acme/model-2' },
      credential: {
        id: 'claims-db',
        kind: 'database-user',
        secretRef: 'vault:database/creds/claims-ro',
        scopes: ['claims:read'],
        owner: 'dba',
        independentlyRevocable: true,
      },
      tool: { id: 'claims-db', kind: 'database', credential: 'claims-db', access: 'read', dataClasses: ['health', 'pii'] },
      dataClasses: [
        { id: 'health', access: 'read' },
        { id: 'pii', access: 'read' },
        { id: 'claim-notes', access: 'write' },
      ],
      triggers: [{ id: 'nightly', kind: 'schedule', cron: '0 2 * * *' }],
      cost: { tokensPerInvocation: 3000, apiCallsPerInvocation: 2, usdPerInvocation: 0.01, invocationsPerDay: 10000 },
      stages: { pilotUsers: [], pilotOrgs: ['claims-team'], pilotInvocationsPerDay: 50, betaPercent: 10 },
    };
    const manifest = buildManifest(answers, './schemas/rollout.v1.schema.json');
    expect(manifest.guardrails?.output?.dataClasses).toEqual(['health', 'pii']);
    expect(manifest.stages[0]!.audience).toEqual({ orgs: ['claims-team'], invocationsPerDay: 50 });
    expect(manifest.rollback!.steps.map((s) => s.id)).toEqual(['kill-switch', 'revoke-claims-db', 'announce']);
    // What the drill revokes, the restore issues again (AR130).
    expect(manifest.rollback!.restore).toEqual([
      {
        id: 'issue-claims-db',
        credential: 'claims-db',
        manual: 'Issue claims-db again and put it where claims-bot reads it. Replace with a command and a timeout.',
      },
    ]);
    expect(manifest.metrics!.signals!['invocations']!.query).toBe('sum(increase(agent_invocations_total{agent="claims-bot"}[$window]))');
    expect(await validate(manifest)).toEqual([]);
  });

  it('a write credential in the pilot is only a warning (AR107): the file still validates', async () => {
    const answers: InitAnswers = {
      ...DEFAULT_ANSWERS,
      credential: { ...DEFAULT_ANSWERS.credential, scopes: ['records:write'], access: 'write' },
    };
    const diagnostics = await validate(buildManifest(answers, SCHEMA_ID));
    expect(diagnostics.map((d) => [d.rule, d.severity])).toEqual([['AR107', 'warning']]);
  });

  it('names from ids', () => {
    expect(nameFromId('support-triage')).toBe('Support triage');
    expect(nameFromId('a.b_c')).toBe('A b c');
  });
});

describe('the $schema a new manifest gets', () => {
  const schema = { root: '/opt/agent-rollout', path: '/opt/agent-rollout/schemas/rollout.v1.schema.json', id: SCHEMA_ID };

  it('a relative path inside this package (a checkout, its examples)', () => {
    expect(schemaReference('/opt/agent-rollout/examples/new', schema)).toBe('../../schemas/rollout.v1.schema.json');
    expect(schemaReference('/opt/agent-rollout', schema)).toBe('./schemas/rollout.v1.schema.json');
  });

  it('a relative path to the nearest node_modules/agent-rollout at or above the manifest, in every layout', () => {
    const installed = new Set(['/repo/node_modules/agent-rollout/schemas/rollout.v1.schema.json']);
    const exists = (path: string): boolean => installed.has(path);
    expect(schemaReference('/repo', schema, exists)).toBe('./node_modules/agent-rollout/schemas/rollout.v1.schema.json');
    expect(schemaReference('/repo/agents/coder', schema, exists)).toBe('../../node_modules/agent-rollout/schemas/rollout.v1.schema.json');
    // A nearer install (a workspace of its own) wins over the root's.
    installed.add('/repo/agents/node_modules/agent-rollout/schemas/rollout.v1.schema.json');
    expect(schemaReference('/repo/agents/coder', schema, exists)).toBe('../node_modules/agent-rollout/schemas/rollout.v1.schema.json');
  });

  it("the schema's $id anywhere else (a global install, npx)", () => {
    expect(schemaReference(join('/home/me/agents/support'), schema)).toBe(SCHEMA_ID);
    expect(schemaReference('/opt/agent-rollout-other', schema)).toBe(SCHEMA_ID);
  });
});
