import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FlagdCore } from '@openfeature/flagd-core';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import type { FlagdDocument, FlagdOptions, FlagdSource } from '../../src/export/flagd.js';
import { buildFlagdDocument, DuplicateAgentError, percentWeights, renderFlagdDocument } from '../../src/export/flagd.js';
import type { Manifest } from '../../src/manifest/types.js';
import { EXAMPLES, ROOT } from '../helpers/cli.js';

/** flagd's published schema, copied with its licence into test/fixtures/flagd (README there). */
const FLAGD_DIR = resolve(ROOT, 'test/fixtures/flagd');

const OPTIONS: FlagdOptions = {
  contextKey: 'orgId',
  userKey: 'userId',
  exportedAt: '2026-11-20T09:00:00Z',
  generatedBy: 'agent-rollout test',
};

function example(name: string): FlagdSource {
  const text = readFileSync(join(EXAMPLES, name, 'rollout.json'), 'utf8');
  return { manifest: JSON.parse(text) as Manifest, sha256: createHash('sha256').update(text).digest('hex') };
}

const SUPPORT = example('support-triage');
const FINANCE = example('finance-ledger');

/** A copy of a bundled example with its state (and optionally its stages) changed. */
function variant(base: FlagdSource, change: (manifest: any) => void): FlagdSource {
  const manifest = structuredClone(base.manifest) as any;
  change(manifest);
  return { manifest: manifest as Manifest, sha256: base.sha256 };
}

/** flagd's published schema (flags.json, which $refs targeting.json), read from where it is kept. */
function flagdSchemaValidator(): (document: unknown) => string[] {
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addSchema(JSON.parse(readFileSync(join(FLAGD_DIR, 'targeting.json'), 'utf8')) as object);
  const validate = ajv.compile(JSON.parse(readFileSync(join(FLAGD_DIR, 'flags.json'), 'utf8')) as object);
  return (document) => (validate(document) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));
}

/** flagd's own evaluator on an exported document; fails on any configuration problem it logs. */
function evaluator(document: FlagdDocument) {
  const problems: string[] = [];
  const logger = {
    error: (...args: unknown[]) => problems.push(args.map(String).join(' ')),
    warn: (...args: unknown[]) => problems.push(args.map(String).join(' ')),
    info: () => undefined,
    debug: (...args: unknown[]) => {
      const text = args.map(String).join(' ');
      if (/invalid|error/i.test(text)) problems.push(text);
    },
  };
  const core = new FlagdCore(undefined, logger);
  core.setConfigurations(JSON.stringify(document));
  expect(problems).toEqual([]);
  return {
    enabled(agent: string, context: Record<string, string>, codeDefault = true) {
      const result = core.resolveBooleanEvaluation(`${agent}.enabled`, codeDefault, context, logger);
      expect(result.errorCode, JSON.stringify(result)).toBeUndefined();
      return result;
    },
    mode(agent: string, context: Record<string, string>) {
      const result = core.resolveStringEvaluation(`${agent}.governance-mode`, 'code-default', context, logger);
      expect(result.errorCode, JSON.stringify(result)).toBeUndefined();
      return result.value;
    },
    problems,
  };
}

/** What the manifest says an org gets, computed from state directly; undefined where the percent split decides. */
function expectedEnabled(manifest: Manifest, org: string): boolean | undefined {
  if (!manifest.state.enabled) return false;
  const override = manifest.state.orgs?.[org]?.enabled;
  if (override !== undefined) return override;
  const audience = manifest.stages.find((s) => s.id === manifest.state.stage)?.audience ?? {};
  if (audience.orgs?.includes(org)) return true;
  const percent = audience.percent ?? 0;
  if (percent >= 100) return true;
  if (percent <= 0) return false;
  return undefined;
}

function expectedMode(manifest: Manifest, org: string): string {
  const stage = manifest.stages.find((s) => s.id === manifest.state.stage);
  return manifest.state.orgs?.[org]?.governanceMode ?? manifest.state.governanceMode ?? stage?.governanceMode ?? 'enforce';
}

/** Every org a manifest names: overrides and the audiences of every stage. */
function namedOrgs(manifest: Manifest): string[] {
  const orgs = new Set(Object.keys(manifest.state.orgs ?? {}));
  for (const stage of manifest.stages) for (const org of stage.audience.orgs ?? []) orgs.add(org);
  return [...orgs].sort();
}

const SYNTHETIC = Array.from({ length: 10_000 }, (_, i) => `org-${i}`);

function shareOn(document: FlagdDocument, agent: string): number {
  const flags = evaluator(document);
  let on = 0;
  for (const org of SYNTHETIC) if (flags.enabled(agent, { orgId: org }).value) on += 1;
  return (100 * on) / SYNTHETIC.length;
}

describe('export flagd: the document', () => {
  it('has the flagd $schema, two flags per agent sorted by key, and string/number metadata only', () => {
    const document = buildFlagdDocument([SUPPORT, FINANCE], OPTIONS);
    expect(document.$schema).toBe('https://flagd.dev/schema/v0/flags.json');
    expect(Object.keys(document.flags)).toEqual([
      'finance-ledger.enabled',
      'finance-ledger.governance-mode',
      'support-triage.enabled',
      'support-triage.governance-mode',
    ]);
    for (const [key, flag] of Object.entries(document.flags)) {
      expect(flag.state, key).toBe('ENABLED');
      for (const value of Object.values(flag.metadata)) expect(['string', 'number'], key).toContain(typeof value);
      expect(flag.metadata).toMatchObject({ stage: expect.any(String), exportedAt: OPTIONS.exportedAt });
    }
    expect(document.flags['support-triage.enabled']?.metadata).toMatchObject({
      agent: 'support-triage',
      stage: 'internal-pilot',
      manifestSha256: SUPPORT.sha256,
    });
    expect(document.flags['finance-ledger.enabled']?.metadata['stage']).toBe('limited-beta');
  });

  it('is the same text whatever the order of the manifests; only the export time changes between runs', () => {
    const a = renderFlagdDocument(buildFlagdDocument([SUPPORT, FINANCE], OPTIONS));
    const b = renderFlagdDocument(buildFlagdDocument([FINANCE, SUPPORT], OPTIONS));
    expect(b).toBe(a);
    const later = renderFlagdDocument(buildFlagdDocument([SUPPORT, FINANCE], { ...OPTIONS, exportedAt: '2026-12-01T00:00:00Z' }));
    const changed = later.split('\n').filter((line, i) => line !== a.split('\n')[i]);
    expect(changed.length).toBe(4);
    for (const line of changed) expect(line).toMatch(/^ +"exportedAt": "2026-12-01T00:00:00Z",?$/);
  });

  it('refuses two manifests of the same agent', () => {
    expect(() => buildFlagdDocument([SUPPORT, SUPPORT], OPTIONS)).toThrow(DuplicateAgentError);
  });

  it('splits a percent into integer weights summing to 100 (a fraction of a percent: to 1000, 10000...)', () => {
    expect(percentWeights(5)).toEqual({ on: 5, off: 95 });
    expect(percentWeights(50)).toEqual({ on: 50, off: 50 });
    expect(percentWeights(2.5)).toEqual({ on: 25, off: 975 });
    expect(percentWeights(0.01)).toEqual({ on: 1, off: 9999 });
    const fractional = buildFlagdDocument([variant(SUPPORT, (m) => (m.state.stage = 'limited-beta'))], OPTIONS);
    expect(JSON.stringify(fractional.flags['support-triage.enabled']?.targeting)).toContain('["on",5],["off",95]');
  });
});

describe('export flagd: the published schema', () => {
  const cases: [string, FlagdSource[]][] = [
    ['both bundled examples', [SUPPORT, FINANCE]],
    ['a disabled rollout', [variant(SUPPORT, (m) => (m.state.enabled = false))]],
    ['5% with overrides both ways', [variant(FINANCE, (m) => (m.state.orgs['ap-pilot'] = { governanceMode: 'observe' }))]],
    ['100%', [variant(SUPPORT, (m) => ((m.state.stage = 'general-availability'), (m.state.orgs = {})))]],
    ['2.5%', [variant(SUPPORT, (m) => ((m.state.stage = 'limited-beta'), (m.stages[1].audience = { percent: 2.5 })))]],
  ];
  for (const [name, sources] of cases) {
    it(`${name}: validates against flags.json + targeting.json`, () => {
      const document = JSON.parse(renderFlagdDocument(buildFlagdDocument(sources, OPTIONS))) as unknown;
      expect(flagdSchemaValidator()(document)).toEqual([]);
    });
  }

  it('the schema check can fail: an array in metadata is rejected', () => {
    const document = buildFlagdDocument([SUPPORT], OPTIONS) as any;
    document.flags['support-triage.enabled'].metadata.orgs = ['a', 'b'];
    expect(flagdSchemaValidator()(document).join('\n')).toMatch(/metadata/);
  });
});

describe('export flagd: evaluated by @openfeature/flagd-core', () => {
  for (const source of [SUPPORT, FINANCE]) {
    const { manifest } = source;
    it(`${manifest.agent.id}: every org the manifest names gets what its state says`, () => {
      const flags = evaluator(buildFlagdDocument([source], OPTIONS));
      let decided = 0;
      for (const org of namedOrgs(manifest)) {
        const expected = expectedEnabled(manifest, org);
        if (expected !== undefined) {
          decided += 1;
          expect(flags.enabled(manifest.agent.id, { orgId: org }).value, org).toBe(expected);
          expect(flags.enabled(manifest.agent.id, { orgId: org }, !expected).value, `${org} with the opposite code default`).toBe(expected);
        }
        expect(flags.mode(manifest.agent.id, { orgId: org }), org).toBe(expectedMode(manifest, org));
      }
      expect(decided).toBeGreaterThan(0);
    });
  }

  it('finance-ledger: the org forced off is off and the org forced on is on, both in the 5% stage', () => {
    const flags = evaluator(buildFlagdDocument([FINANCE], OPTIONS));
    expect(flags.enabled('finance-ledger', { orgId: 'entity-de-gmbh' }).value).toBe(false);
    expect(flags.enabled('finance-ledger', { orgId: 'entity-uk-ltd' }).value).toBe(true);
  });

  it('support-triage: the pilot users are on by userId (with any org), other users of other orgs are off', () => {
    const flags = evaluator(buildFlagdDocument([SUPPORT], OPTIONS));
    expect(flags.enabled('support-triage', { orgId: 'acme', userId: 'alice@example.com' }).value).toBe(true);
    expect(flags.enabled('support-triage', { orgId: 'acme', userId: 'bob@example.com' }).value).toBe(true);
    expect(flags.enabled('support-triage', { orgId: 'acme', userId: 'mallory@example.com' }).value).toBe(false);
    expect(flags.enabled('support-triage', { orgId: 'acme' }).value).toBe(false);
  });

  it('a disabled rollout is off for every org, forced-on orgs and listed users too, whatever the code default', () => {
    for (const base of [SUPPORT, FINANCE]) {
      const source = variant(
        base,
        (m) => ((m.state.enabled = false), (m.state.orgs = { ...m.state.orgs, 'forced-on': { enabled: true } })),
      );
      const id = source.manifest.agent.id;
      const flags = evaluator(buildFlagdDocument([source], OPTIONS));
      for (const org of [...namedOrgs(source.manifest), ...SYNTHETIC.slice(0, 2000)]) {
        const result = flags.enabled(id, { orgId: org, userId: 'alice@example.com' }, true);
        expect([org, result.value]).toEqual([org, false]);
      }
      expect(flags.enabled(id, {}, true).value).toBe(false);
    }
  });

  it('5%: the share of 10,000 synthetic orgs that is on is within one point of 5', () => {
    const source = variant(SUPPORT, (m) => ((m.state.stage = 'limited-beta'), (m.state.orgs = {})));
    const share = shareOn(buildFlagdDocument([source], OPTIONS), 'support-triage');
    expect(Math.abs(share - 5), `share ${share}%`).toBeLessThanOrEqual(1);
  });

  it('50%: the share is within one point of 50, and every org on at 5% is still on at 50%', () => {
    const at5 = variant(SUPPORT, (m) => ((m.state.stage = 'limited-beta'), (m.state.orgs = {})));
    const at50 = variant(at5, (m) => (m.stages[1].audience = { percent: 50 }));
    const share = shareOn(buildFlagdDocument([at50], OPTIONS), 'support-triage');
    expect(Math.abs(share - 50), `share ${share}%`).toBeLessThanOrEqual(1);
    const five = evaluator(buildFlagdDocument([at5], OPTIONS));
    const fifty = evaluator(buildFlagdDocument([at50], OPTIONS));
    const onAt5 = SYNTHETIC.filter((org) => five.enabled('support-triage', { orgId: org }).value);
    expect(onAt5.length).toBeGreaterThan(0);
    for (const org of onAt5) expect([org, fifty.enabled('support-triage', { orgId: org }).value]).toEqual([org, true]);
  });

  it('an org is bucketed the same way on every evaluation, and differently per agent (flag key in the bucket)', () => {
    const support = variant(
      SUPPORT,
      (m) => ((m.state.stage = 'limited-beta'), (m.state.orgs = {}), (m.stages[1].audience = { percent: 50 })),
    );
    const other = variant(support, (m) => (m.agent.id = 'other-agent'));
    const flags = evaluator(buildFlagdDocument([support, other], OPTIONS));
    const orgs = SYNTHETIC.slice(0, 500);
    const first = orgs.map((org) => flags.enabled('support-triage', { orgId: org }).value);
    expect(orgs.map((org) => flags.enabled('support-triage', { orgId: org }).value)).toEqual(first);
    const otherAgent = orgs.map((org) => flags.enabled('other-agent', { orgId: org }).value);
    expect(otherAgent).not.toEqual(first);
  });

  it('an org forced off stays off at 100%; everyone else with an org is on', () => {
    const source = variant(
      SUPPORT,
      (m) => ((m.state.stage = 'general-availability'), (m.state.orgs = { 'opted-out': { enabled: false } })),
    );
    const flags = evaluator(buildFlagdDocument([source], OPTIONS));
    expect(flags.enabled('support-triage', { orgId: 'opted-out' }).value).toBe(false);
    expect(flags.enabled('support-triage', { orgId: 'opted-out', userId: 'alice@example.com' }).value).toBe(false);
    for (const org of SYNTHETIC.slice(0, 1000))
      expect([org, flags.enabled('support-triage', { orgId: org }, false).value]).toEqual([org, true]);
  });

  it('an org forced on is on at 0%; everyone else is off', () => {
    const source = variant(SUPPORT, (m) => {
      m.state.stage = 'limited-beta';
      m.stages[1].audience = { percent: 0 };
      m.state.orgs = { 'design-partner': { enabled: true } };
    });
    const flags = evaluator(buildFlagdDocument([source], OPTIONS));
    expect(flags.enabled('support-triage', { orgId: 'design-partner' }, false).value).toBe(true);
    for (const org of SYNTHETIC.slice(0, 1000))
      expect([org, flags.enabled('support-triage', { orgId: org }, true).value]).toEqual([org, false]);
  });

  it('no org in the context is off, even at 100% and for a listed user', () => {
    const everyone = variant(SUPPORT, (m) => ((m.state.stage = 'general-availability'), (m.state.orgs = {})));
    const flags = evaluator(buildFlagdDocument([everyone, variant(FINANCE, () => undefined)], OPTIONS));
    const contexts: Record<string, string>[] = [{}, { userId: 'alice@example.com' }, { orgId: '' }, { targetingKey: 'acme' }];
    for (const context of contexts) {
      expect(flags.enabled('support-triage', context, true).value, JSON.stringify(context)).toBe(false);
      expect(flags.enabled('finance-ledger', context, true).value, JSON.stringify(context)).toBe(false);
    }
    const pilot = evaluator(buildFlagdDocument([SUPPORT], OPTIONS));
    expect(pilot.enabled('support-triage', { userId: 'alice@example.com' }, true).value).toBe(false);
  });

  it('--context-key and --user-key: the org and the user are read from the keys given', () => {
    const flags = evaluator(buildFlagdDocument([SUPPORT], { ...OPTIONS, contextKey: 'tenantId', userKey: 'email' }));
    expect(flags.enabled('support-triage', { tenantId: 'support-pilot' }).value).toBe(true);
    expect(flags.enabled('support-triage', { orgId: 'support-pilot' }).value).toBe(false);
    expect(flags.enabled('support-triage', { tenantId: 'acme', email: 'alice@example.com' }).value).toBe(true);
    expect(flags.enabled('support-triage', { tenantId: 'acme', userId: 'alice@example.com' }).value).toBe(false);
  });

  it('governance mode: per-org override, else state.governanceMode, else the current stage', () => {
    const source = variant(FINANCE, (m) => {
      m.state.orgs = { 'entity-uk-ltd': { enabled: true, governanceMode: 'observe' }, strict: { governanceMode: 'enforce' } };
      m.state.governanceMode = 'observe';
    });
    const flags = evaluator(buildFlagdDocument([source], OPTIONS));
    expect(flags.mode('finance-ledger', { orgId: 'entity-uk-ltd' })).toBe('observe');
    expect(flags.mode('finance-ledger', { orgId: 'strict' })).toBe('enforce');
    expect(flags.mode('finance-ledger', { orgId: 'someone' })).toBe('observe');
    expect(flags.mode('finance-ledger', {})).toBe('observe');
    const fromStage = evaluator(
      buildFlagdDocument([variant(FINANCE, (m) => ((m.state.orgs = {}), delete m.state.governanceMode))], OPTIONS),
    );
    expect(fromStage.mode('finance-ledger', { orgId: 'someone' })).toBe('enforce');
    const pilot = evaluator(buildFlagdDocument([variant(SUPPORT, (m) => delete m.state.governanceMode)], OPTIONS));
    expect(pilot.mode('support-triage', { orgId: 'someone' })).toBe('observe');
  });
});
