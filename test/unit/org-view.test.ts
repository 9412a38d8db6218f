import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FlagdCore } from '@openfeature/flagd-core';
import { describe, expect, it } from 'vitest';
import type { FlagdSource } from '../../src/export/flagd.js';
import { buildFlagdDocument } from '../../src/export/flagd.js';
import { murmur3 } from '../../src/export/fractional-bucket.js';
import { orgAccess } from '../../src/export/org-view.js';
import type { Manifest } from '../../src/manifest/types.js';
import { EXAMPLES } from '../helpers/cli.js';
import { seededRandom } from '../helpers/seeded-random.js';

function example(name: string): Manifest {
  return JSON.parse(readFileSync(join(EXAMPLES, name, 'rollout.json'), 'utf8')) as Manifest;
}

/** A bundled example at `percent` in its current stage, with its org overrides as they are. */
function atPercent(base: Manifest, percent: number, id = base.agent.id): Manifest {
  const manifest = structuredClone(base) as any;
  manifest.agent.id = id;
  const stage = manifest.stages.find((s: any) => s.id === manifest.state.stage);
  stage.audience = { ...stage.audience, percent };
  return manifest as Manifest;
}

/** What the exported flags serve for `{ orgId }`, by flagd's own evaluator. */
function flagdServes(manifests: Manifest[]) {
  const sources: FlagdSource[] = manifests.map((manifest) => ({
    manifest,
    sha256: createHash('sha256').update(manifest.agent.id).digest('hex'),
  }));
  const document = buildFlagdDocument(sources, {
    contextKey: 'orgId',
    userKey: 'userId',
    exportedAt: '2026-12-01T09:00:00Z',
    generatedBy: 'agent-rollout test',
  });
  const silent = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined };
  const core = new FlagdCore(undefined, silent);
  core.setConfigurations(JSON.stringify(document));
  return {
    enabled: (agent: string, orgId: string) => core.resolveBooleanEvaluation(`${agent}.enabled`, true, { orgId }, silent).value,
    mode: (agent: string, orgId: string) => core.resolveStringEvaluation(`${agent}.governance-mode`, 'x', { orgId }, silent).value,
  };
}

/** The hash flagd-core itself uses (a dependency of @openfeature/flagd-core). */
const MurmurHash3 = createRequire(import.meta.url)('imurmurhash') as new (key: string) => { result(): number };

const ORG_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@-';

describe('the fractional bucketing of flagd, reproduced', () => {
  it('murmur3 is the hash flagd-core uses (imurmurhash) for strings of every length, ASCII and not', () => {
    const random = seededRandom(14);
    const samples = [
      '',
      'a',
      'ab',
      'abc',
      'abcd',
      'abcde',
      'support-triage.enabledacme',
      'é',
      '日本語の組織',
      '\u{1F600}x',
      '\u00ff\u00ff\u00ff\u00ff',
    ];
    for (let n = 0; n < 3000; n++) {
      const length = Math.floor(random() * 40);
      let text = '';
      for (let i = 0; i < length; i++)
        text += random() < 0.9 ? ORG_CHARS[Math.floor(random() * ORG_CHARS.length)] : String.fromCharCode(Math.floor(random() * 0xffff));
      samples.push(text);
    }
    for (const text of samples) expect(murmur3(text), JSON.stringify(text)).toBe(new MurmurHash3(text).result() >>> 0);
  });

  it('status --org agrees with the exported flags evaluated by flagd-core, over thousands of orgs and several percentages', () => {
    const random = seededRandom(7);
    const manifests = [
      ...[0, 0.5, 2.5, 5, 10, 33.3, 50, 99.99, 100].map((percent, i) => atPercent(example('finance-ledger'), percent, `finance-${i}`)),
      ...[1, 25, 75].map((percent, i) => atPercent(example('support-triage'), percent, `support-${i}`)),
      example('finance-ledger'),
      example('support-triage'),
    ];
    const flags = flagdServes(manifests);
    const orgs: string[] = [];
    for (const manifest of manifests) orgs.push(...Object.keys(manifest.state.orgs ?? {}));
    for (const manifest of manifests) orgs.push(...manifest.stages.flatMap((s) => s.audience.orgs ?? []));
    for (let n = 0; n < 800; n++) {
      const length = 1 + Math.floor(random() * 20);
      let org = ORG_CHARS[Math.floor(random() * 62)] ?? 'a';
      for (let i = 1; i < length; i++) org += ORG_CHARS[Math.floor(random() * ORG_CHARS.length)];
      orgs.push(org);
    }
    const seen = new Set<string>();
    for (const manifest of manifests) {
      for (const org of orgs) {
        const access = orgAccess(manifest, org);
        seen.add(access.why);
        expect(access.on, `${manifest.agent.id} ${org} (${access.why})`).toBe(flags.enabled(manifest.agent.id, org));
        expect(access.mode, `${manifest.agent.id} ${org}`).toBe(flags.mode(manifest.agent.id, org));
      }
    }
    // Both sides of every split were met, so the agreement is not all-off or all-on.
    expect(seen).toContain('inside the stage percentage bucket');
    expect(seen).toContain('outside the stage percentage bucket');
    expect(seen).toContain('org forced off');
    expect(seen).toContain('org forced on');
    expect(seen).toContain('stage audience is 100%');
  });

  it('a switched-off agent is off for every org, whatever its overrides say', () => {
    const manifest = structuredClone(example('finance-ledger')) as any;
    manifest.state.enabled = false;
    const flags = flagdServes([manifest]);
    for (const org of ['entity-uk-ltd', 'entity-de-gmbh', 'anyone']) {
      expect(orgAccess(manifest, org)).toMatchObject({ on: false, why: 'kill switch off' });
      expect(flags.enabled(manifest.agent.id, org)).toBe(false);
    }
  });
});
