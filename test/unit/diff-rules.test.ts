import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';
import { describe, expect, it } from 'vitest';
import { diffManifests } from '../../src/diff/diff.js';
import type { Change, DiffResult } from '../../src/diff/model.js';
import { changeText } from '../../src/diff/model.js';
import type { TrailFacts } from '../../src/diff/trail.js';
import type { AuditEntry, AuditInput } from '../../src/state/audit.js';
import { chainEntry } from '../../src/state/audit.js';
import { rollbackSha256 } from '../../src/state/rollback-hash.js';
import { CASES, FINANCE, SUPPORT, credential } from '../helpers/diff-cases.js';

/** A trail whose entries record each state in turn (and optionally drills). */
function trailOf(inputs: Partial<AuditInput>[], path = 'rollout.audit.jsonl'): TrailFacts {
  const entries: AuditEntry[] = [];
  for (const input of inputs) {
    entries.push(
      chainEntry(
        {
          at: '2026-11-20T10:00:00Z',
          actor: 'alice@example.com',
          action: 'enable',
          before: null,
          after: null,
          reason: null,
          manifestSha256: '0'.repeat(64),
          tool: { name: 'agent-rollout', version: '0.1.0' },
          ...input,
        },
        entries.at(-1),
      ),
    );
  }
  return { path, exists: true, entries, problems: [] };
}

/** Diffs a copy of `start` against a copy edited by `edit`; the trail records HEAD's state unless told otherwise. */
function diffEdit(
  edit: (head: any, base: any) => void,
  options: { start?: any; trail?: TrailFacts | 'audited' | 'none' } = {},
): DiffResult {
  const base = structuredClone(options.start ?? SUPPORT);
  const head = structuredClone(base);
  edit(head, base);
  const trail =
    options.trail === 'none'
      ? undefined
      : options.trail === undefined || options.trail === 'audited'
        ? trailOf([{ action: 'mode', before: base.state, after: head.state }])
        : options.trail;
  return diffManifests({ base: { label: 'base', document: base }, head: { label: 'head', document: head }, ...(trail ? { trail } : {}) });
}

function only(result: DiffResult): Change {
  expect(result.changes.map((c) => `${c.subject}: ${changeText(c.parts)} [${c.risk} ${c.rule}]`)).toHaveLength(1);
  return result.changes[0] as Change;
}

describe('each risk rule, with a before/after pair', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const change = only(diffEdit(c.edit, c.start ? { start: c.start } : {}));
    expect({ subject: change.subject, risk: change.risk, rule: change.rule }).toEqual({ subject: c.subject, risk: c.risk, rule: c.rule });
    if (c.text !== undefined) expect(changeText(change.parts)).toBe(c.text);
    expect(change.reason.length).toBeGreaterThan(10);
  });
});

describe('state changes', () => {
  const FINANCE_BASE = structuredClone(FINANCE);

  it('an audited enable (kill switch released) is medium, an audited disable low', () => {
    const start = structuredClone(SUPPORT);
    start.state.enabled = false;
    const enable = only(diffEdit((h) => (h.state.enabled = true), { start }));
    expect([enable.subject, changeText(enable.parts), enable.risk, enable.rule]).toEqual([
      'state',
      'enabled false → true',
      'medium',
      'kill-switch',
    ]);
    const disable = only(diffEdit((h) => (h.state.enabled = false)));
    expect([disable.risk, disable.rule]).toEqual(['low', 'kill-switch']);
  });

  it('any state change the audit trail does not record is high, and a note says why', () => {
    const missing = diffEdit((h) => (h.state.enabled = false), { trail: 'none' });
    expect([only(missing).risk, only(missing).rule]).toEqual(['high', 'state-unaudited']);
    expect(only(missing).reason).toMatch(/switched off everywhere.*by hand: no audit entry records it \(there is no audit trail\)/);
    expect(missing.notes.map((n) => n.text).join('\n')).toMatch(/The state changed without a matching audit entry/);

    const start = structuredClone(SUPPORT);
    start.state.enabled = false;
    const stale = trailOf([{ action: 'disable', before: SUPPORT.state, after: start.state }]);
    const handEnabled = only(diffEdit((h) => (h.state.enabled = true), { start, trail: stale }));
    expect([handEnabled.risk, handEnabled.rule]).toEqual(['high', 'state-unaudited']);
    expect(handEnabled.reason).toMatch(/switched back on.*recorded a different state/);

    const broken = trailOf([{ action: 'enable', before: start.state, after: SUPPORT.state }]);
    const problems: TrailFacts = { ...broken, problems: [{ line: 1, message: 'entry seq 1 was edited' }] };
    const untrusted = only(diffEdit((h) => (h.state.enabled = true), { start, trail: problems }));
    expect(untrusted.rule).toBe('state-unaudited');
    expect(untrusted.reason).toMatch(/does not verify \(line 1: entry seq 1 was edited\)/);

    const noState = trailOf([{ action: 'gate' }]);
    expect(only(diffEdit((h) => (h.state.since = '2026-12-01T00:00:00Z'), { trail: noState })).reason).toMatch(
      /no entry in rollout.audit.jsonl records a state/,
    );
  });

  it('a stage skipped is medium; one stage forward or back is low', () => {
    const skipped = only(diffEdit((h) => (h.state.stage = 'general-availability')));
    expect([skipped.risk, skipped.rule, skipped.reason]).toEqual(['medium', 'state-stage', 'stage skipped: limited-beta was never gated']);
    expect(only(diffEdit((h) => (h.state.stage = 'limited-beta'))).risk).toBe('low');
    expect(only(diffEdit((h) => (h.state.stage = 'internal-pilot'), { start: FINANCE_BASE })).reason).toBe('rolled back');
  });

  it('global and per-org governance enforce → observe is high; an org switched on is medium', () => {
    const global = only(diffEdit((h) => (h.state.governanceMode = 'observe'), { start: FINANCE_BASE }));
    expect([global.risk, global.rule]).toEqual(['high', 'governance']);
    const org = only(diffEdit((h) => (h.state.orgs['entity-uk-ltd'].governanceMode = 'observe'), { start: FINANCE_BASE }));
    expect([org.subject, changeText(org.parts), org.risk, org.rule]).toEqual([
      'org entity-uk-ltd',
      'governanceMode unset → observe',
      'high',
      'governance',
    ]);
    const on = only(diffEdit((h) => (h.state.orgs['entity-de-gmbh'].enabled = true), { start: FINANCE_BASE }));
    expect([on.subject, on.risk, on.rule]).toEqual(['org entity-de-gmbh', 'medium', 'org-enabled']);
    // Clearing an override that kept an org off turns it on (the global switch is on).
    const cleared = only(diffEdit((h) => delete h.state.orgs['entity-de-gmbh'], { start: FINANCE_BASE }));
    expect([cleared.kind, cleared.risk, cleared.rule]).toEqual(['removed', 'medium', 'org-enabled']);
    const added = only(diffEdit((h) => (h.state.orgs['entity-fr-sas'] = { enabled: false }), { start: FINANCE_BASE }));
    expect([added.kind, added.risk, changeText(added.parts)]).toEqual(['added', 'low', 'added (enabled false)']);
  });

  it('pause and resume are low when audited', () => {
    const paused = only(diffEdit((h) => (h.state.paused = { reason: 'incident', at: '2026-11-20T10:00:00Z' })));
    expect([paused.risk, paused.rule]).toEqual(['low', 'pause']);
  });
});

describe('semantic matching', () => {
  it('a reordered id-keyed list, map or set is no change', () => {
    const result = diffEdit((h) => {
      h.inventory.credentials.reverse();
      h.inventory.tools.reverse();
      h.inventory.dataClasses.reverse();
      h.inventory.triggers.reverse();
      h.metrics.alerts.reverse();
      h.stages[1].exitCriteria.reverse();
      h.inventory.credentials[0].scopes.reverse();
      h.stages[0].audience.users.reverse();
      h.guardrails.boundaries.refuse.reverse();
      h.metrics.signals = Object.fromEntries(Object.entries(h.metrics.signals).reverse());
    });
    expect(result.changes).toEqual([]);
    expect(result.summary).toEqual({ changes: 0, high: 0, medium: 0, low: 0 });
  });

  it('triggers without ids match by kind and source, alerts without ids by signal', () => {
    const start = structuredClone(SUPPORT);
    for (const trigger of start.inventory.triggers) delete trigger.id;
    for (const a of start.metrics.alerts) delete a.id;
    expect(
      diffEdit(
        (h) => {
          h.inventory.triggers.reverse();
          h.metrics.alerts.reverse();
        },
        { start },
      ).changes,
    ).toEqual([]);
    const moved = diffEdit((h) => (h.inventory.triggers[0].source = 'zendesk:ticket.updated'), { start });
    expect(moved.changes.map((c) => `${c.subject} ${c.kind}`)).toEqual([
      'trigger webhook zendesk:ticket.updated added',
      'trigger webhook zendesk:ticket.created removed',
    ]);
    const raised = only(diffEdit((h) => (h.metrics.alerts[2].max = 0.5), { start }));
    expect(raised.subject).toBe('alert on error_rate');
  });

  it('a renamed id is a removal and an addition', () => {
    const result = diffEdit((h) => (credential(h, 'kb-ro').id = 'kb-read'));
    expect(result.changes.map((c) => [c.subject, c.kind, c.path])).toEqual([
      ['credential kb-read', 'added', '/inventory/credentials/1'],
      ['credential kb-ro', 'removed', '/inventory/credentials/1'],
    ]);
  });

  it('paths are JSON pointers into HEAD (into BASE for a removal)', () => {
    const result = diffEdit((h) => {
      h.inventory.credentials.reverse();
      credential(h, 'zendesk-ro').scopes.push('tickets:write');
      h.stages[1].audience.percent = 10;
      h.state.orgs['a/b~c'] = { enabled: false };
    });
    expect(result.changes.map((c) => c.path)).toEqual([
      '/inventory/credentials/2/scopes/3',
      '/stages/1/audience/percent',
      '/state/orgs/a~1b~0c',
    ]);
  });

  it('diffs a manifest that does not match the schema, without throwing', () => {
    const base = { version: 1, inventory: { credentials: 'nope', tools: [{ id: 3 }, null] }, stages: {}, state: [] };
    const head = {
      version: 2,
      inventory: { credentials: [{ id: 'x' }], tools: [null, { id: 3 }] },
      stages: [{ id: 's' }],
      state: { enabled: true },
    };
    const result = diffManifests({ base: { label: 'a', document: base, invalid: 'x' }, head: { label: 'b', document: head } });
    expect(result.changes.length).toBeGreaterThan(0);
    expect(result.notes[0]?.text).toMatch(/BASE \(a\) is not a valid manifest: x/);
  });
});

describe('secrets', () => {
  const token = 'ghp_' + 'Zx9Qw8Er7Ty6'.repeat(3);

  it('a value that looks like a secret is high and never carried into the result', () => {
    const result = diffEdit((h) => {
      h.rollback.steps[0].env = { FLAG_TOKEN: token };
      credential(h, 'kb-ro').secretRef = token;
    });
    const text = JSON.stringify(result);
    expect(text).not.toContain(token);
    expect(text).not.toContain('Zx9Qw8Er7Ty6');
    for (const change of result.changes) expect([change.risk, change.rule]).toEqual(['high', 'literal-secret']);
    expect(text).toContain('a GitHub personal access token: not shown');
  });
});

describe('drill coverage', () => {
  it('a changed rollback section says whether a drill covers it', () => {
    const head = structuredClone(SUPPORT);
    head.rollback.window = '5m';
    const drill = (manifest: any) => ({ action: 'drill', details: { passed: true, rollbackSha256: rollbackSha256(manifest) } });
    const run = (trail: TrailFacts) =>
      diffManifests({ base: { label: 'a', document: SUPPORT }, head: { label: 'b', document: head }, trail }).notes;
    expect(run(trailOf([drill(SUPPORT)]))).toEqual([
      expect.objectContaining({
        level: 'warning',
        text: expect.stringMatching(
          /the last drill no longer covers it; the last passing drill \(.*audit seq 1\) covered the old section only/,
        ),
      }),
    ]);
    expect(run(trailOf([drill(SUPPORT), drill(head)]))).toEqual([
      expect.objectContaining({ level: 'info', text: expect.stringMatching(/already covers the new section/) }),
    ]);
    expect(run(trailOf([]))[0]?.text).toMatch(/no passing drill is recorded/);
    const unchanged = diffManifests({ base: { label: 'a', document: SUPPORT }, head: { label: 'b', document: SUPPORT } });
    expect(unchanged.notes).toEqual([]);
  });
});

describe('docs/diff-risks.md', () => {
  it('documents every rule the code can give, with its level', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'diff-risks.md'), 'utf8');
    const source = ['risk.ts', 'diff.ts'].map((file) => readFileSync(join(ROOT, 'src', 'diff', file), 'utf8')).join('\n');
    const rules = new Set(
      [...source.matchAll(/(?:high|medium|low)\('([a-z-]+)'|rule: '([a-z-]+)'|'(?:threshold|[a-z]+(?:-[a-z]+)+)',\n/g)]
        .map((m) => m[1] ?? m[2])
        .filter(Boolean),
    );
    for (const [, rule] of source.matchAll(/judged\([^;]*?'([a-z-]+)',/gs)) rules.add(rule as string);
    expect(rules.size).toBeGreaterThan(50);
    for (const rule of rules) expect(doc, rule as string).toContain(`\`${rule}\``);
    // Each tested rule's level is the one documented: in its row, or where the row names it ("`criterion-added`, low").
    for (const c of CASES)
      expect(doc, `${c.rule} ${c.risk}`).toMatch(new RegExp(`\\| \`${c.rule}\` \\| [^|]*${c.risk}|\`${c.rule}\`, ${c.risk}`));
  });
});
