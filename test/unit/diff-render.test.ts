import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffManifests } from '../../src/diff/diff.js';
import type { DiffResult } from '../../src/diff/model.js';
import { FOLD_AFTER, MARKDOWN_MARKER, renderDiffMarkdown } from '../../src/render/diff/markdown.js';
import { renderDiffText } from '../../src/render/diff/text.js';
import { createStyle, loadColor } from '../../src/render/style.js';
import { EXAMPLES } from '../helpers/cli.js';

const SUPPORT = JSON.parse(readFileSync(join(EXAMPLES, 'support-triage', 'rollout.json'), 'utf8'));

function diffOf(edit: (head: any) => void): DiffResult {
  const head = structuredClone(SUPPORT);
  edit(head);
  return diffManifests({ base: { label: 'main:rollout.json', document: SUPPORT }, head: { label: 'rollout.json', document: head } });
}

describe('markdown', () => {
  it('starts with the marker and a summary table of counts by risk, then the sections', () => {
    const md = renderDiffMarkdown(
      diffOf((h) => {
        h.stages[1].audience.percent = 10;
        h.inventory.credentials[0].scopes.push('tickets:write');
        h.agent.description = 'Triage.';
      }),
    );
    expect(md.startsWith(`${MARKDOWN_MARKER}\n`)).toBe(true);
    expect(md).toContain('| risk | changes |\n| --- | ---: |\n| 🔴 high | 1 |\n| 🟠 medium | 1 |\n| ⚪ low | 1 |');
    expect(md.indexOf('#### Agent')).toBeLessThan(md.indexOf('#### Inventory'));
    expect(md.indexOf('#### Inventory')).toBeLessThan(md.indexOf('#### Stages'));
    expect(md).toContain('| 🟠 medium | **stage limited-beta**: audience `5%` → `10%` | the audience widened |');
    expect(md).toContain('| 🔴 high | **credential zendesk-ro**: scopes + `tickets:write` |');
  });

  it('makes manifest text inert: no HTML, no table breaks, no @mentions', () => {
    const md = renderDiffMarkdown(
      diffOf((h) => {
        h.stages[0].audience.orgs.push('@acme/security');
        h.inventory.credentials.push({ id: 'x', kind: 'other', description: '<img src=x> | *bold*' });
        h.state.orgs['<b>org</b>|@ops'] = { enabled: true };
      }),
    );
    expect(md).not.toMatch(/<img|<b>/);
    expect(md).toContain('`@acme/security`');
    expect(md).toContain('org &lt;b&gt;org&lt;/b&gt;\\|`@`ops');
    for (const line of md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| risk') && !l.startsWith('| ---'))) {
      expect(line.replace(/\\\|/g, '').split('|').length - 2, line).toBeLessThanOrEqual(3);
    }
  });

  it('folds a long section in <details>, keeping its high-risk changes in view', () => {
    const result = diffOf((h) => {
      for (let i = 0; i < FOLD_AFTER + 5; i++) h.stages[0].audience.users.push(`user${i}@example.com`);
      h.stages[0].governanceMode = 'enforce';
      h.stages[1].governanceMode = 'observe';
    });
    const md = renderDiffMarkdown(result);
    const stages = md.slice(md.indexOf('#### Stages'));
    const details = stages.indexOf('<details><summary>16 more changes (15 medium, 1 low)</summary>');
    expect(details).toBeGreaterThan(0);
    expect(stages.indexOf('governanceMode `enforce` → `observe`')).toBeLessThan(details);
    expect(stages.indexOf('user14@example.com')).toBeGreaterThan(details);
  });

  it('stays within the limit: high first, and says how many were left out and how to see them', () => {
    const result = diffOf((h) => {
      for (let i = 0; i < 300; i++) h.inventory.credentials.push({ id: `extra-${i}`, kind: 'api-token', scopes: ['x:write'] });
      for (let i = 0; i < 300; i++) h.stages[0].audience.users.push(`user${i}@example.com`);
      for (let i = 0; i < 300; i++) h.guardrails.boundaries.refuse.push(`topic number ${i}`);
    });
    expect(result.summary).toEqual({ changes: 900, high: 300, medium: 300, low: 300 });
    for (const limit of [8_000, 20_000, 65_536]) {
      const md = renderDiffMarkdown(result, { limit, fullCommand: 'agent-rollout diff --git origin/main rollout.json' });
      expect(md.length).toBeLessThanOrEqual(limit);
      const left = /\*\*(\d+) changes not shown\*\* \(([^)]*)\)/.exec(md);
      expect(left, md.slice(-400)).not.toBeNull();
      const shown = (md.match(/^\| (🔴|🟠|⚪) [a-z]+ \| \*\*/gm) ?? []).length;
      expect(shown + Number(left?.[1])).toBe(900);
      expect(md).toContain('See every change with `agent-rollout diff --git origin/main rollout.json`');
      // Nothing of lower risk is shown while a higher-risk change is left out.
      if (left?.[2]?.includes('high')) expect(md).not.toMatch(/^\| (🟠|⚪) [a-z]+ \| \*\*/m);
      if (left?.[2]?.includes('medium')) expect(md).not.toMatch(/^\| ⚪ [a-z]+ \| \*\*/m);
    }
    expect(renderDiffMarkdown(result, { limit: 8_000 })).toMatch(/\(\d+ high, 300 medium, 300 low\)/);
  });
});

describe('text', () => {
  it('colours by risk only when asked to', async () => {
    const result = diffOf((h) => (h.stages[1].governanceMode = 'observe'));
    const plain = renderDiffText(result, createStyle(false));
    expect(plain).not.toContain('\u001b[');
    expect(plain).toBe(
      'agent-rollout diff main:rollout.json → rollout.json\n1 change: 1 high\n\nStages\n  high    stage limited-beta: governanceMode enforce → observe\n          enforce → observe: policy violations are logged, no longer blocked\n',
    );
    await loadColor();
    expect(renderDiffText(result, createStyle(true))).toContain('\u001b[31m');
  });
});
