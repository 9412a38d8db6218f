import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../src/manifest/rules/catalog.js';

const doc = readFileSync(new URL('../../docs/rules.md', import.meta.url), 'utf8');

describe('docs/rules.md and the rule catalogue stay in step', () => {
  it.each(RULES.map((rule) => [rule.id, rule] as const))('%s has its section, anchor, and a failing and a passing example', (id, rule) => {
    const heading = `## ${id} ${rule.name}`;
    expect(doc).toContain(`<a id="${id.toLowerCase()}"></a>\n${heading}\n`);
    const start = doc.indexOf(heading);
    const next = doc.indexOf('\n## ', start + heading.length);
    const section = doc.slice(start, next === -1 ? undefined : next);
    expect(section).toMatch(/\*\*Fails\*\*/);
    expect(section).toMatch(/\*\*Passes\*\*/);
    expect(section).toContain(rule.severity);
  });

  it('the "All rules" table has one row per rule, in the catalogue\'s order, with its name', () => {
    const rows = [...doc.matchAll(/^\| \[(AR\d{3})\]\(#([a-z0-9-]+)\) \| ([a-z-]+) \|/gm)].map((m) => [m[1], m[2], m[3]]);
    expect(rows).toEqual(RULES.map((rule) => [rule.id, `${rule.id.toLowerCase()}-${rule.name}`, rule.name]));
  });

  it('documents no rule the catalogue does not have', () => {
    const documented = [...doc.matchAll(/^## (AR\d{3}) /gm)].map((m) => m[1]);
    expect(documented).toEqual(RULES.map((rule) => rule.id));
  });
});
