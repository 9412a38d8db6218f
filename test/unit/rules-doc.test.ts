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

  it('documents no rule the catalogue does not have', () => {
    const documented = [...doc.matchAll(/^## (AR\d{3}) /gm)].map((m) => m[1]);
    expect(documented).toEqual(RULES.map((rule) => rule.id));
  });
});
