import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkHiddenCharacters } from '../../src/manifest/rules/hidden-characters.js';
import { copyExample, parseJsonOutput, runCli, runInProcess, tempDir } from '../helpers/cli.js';

/**
 * Promise: a bidirectional, invisible or control character in a manifest is a finding (AR123):
 * an error where the value is run, queried or fetched, a warning in prose; and `diff` rates a
 * change that brings one high.
 */

const HIDDEN = ['\u202e', '\u2066', '\u200b', '\u200f', '\ufeff', '\u001b', '\u0085', '\u2028', '\u{e0041}'];

interface Finding {
  rule: string;
  severity: string;
  pointer: string;
  message: string;
}

describe('AR123 through the built binary', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let folder: string;
  let manifest: any;

  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
    folder = await copyExample('support-triage', dir);
    manifest = JSON.parse(readFileSync(join(folder, 'rollout.json'), 'utf8'));
  });
  afterEach(async () => {
    await cleanup();
  });

  async function validate(): Promise<{ code: number | null; findings: Finding[] }> {
    await writeFile(join(folder, 'rollout.json'), JSON.stringify(manifest, null, 2));
    const result = await runInProcess(['validate', '--format', 'json', 'rollout.json'], { cwd: folder });
    const report = parseJsonOutput<{ files: { diagnostics: Finding[] }[] }>(result.stdout);
    return { code: result.code, findings: (report.files[0]?.diagnostics ?? []).filter((d) => d.rule === 'AR123') };
  }

  it('is an error in a query, a command and a header; a warning in a description', async () => {
    const signal = Object.keys(manifest.metrics.signals).find((name) => manifest.metrics.signals[name].query !== undefined) as string;
    manifest.metrics.signals[signal].query += '\u202e * 0';
    manifest.rollback.steps[0].run[0] += '\u200b';
    manifest.agent.description = 'Triage \u2066agent\u2069';
    const { code, findings } = await validate();
    expect(code).toBe(1);
    expect(findings).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        pointer: `/metrics/signals/${signal}/query`,
        message: expect.stringContaining('U+202E'),
      }),
    );
    expect(findings).toContainEqual(expect.objectContaining({ severity: 'error', pointer: '/rollback/steps/0/run/0' }));
    expect(findings).toContainEqual(expect.objectContaining({ severity: 'warning', pointer: '/agent/description' }));
  });

  it('a clean manifest has no AR123 finding, and a line break in a description is fine', async () => {
    manifest.agent.description = 'Line one\nline two\twith a tab';
    const { findings } = await validate();
    expect(findings).toEqual([]);
  });

  it('diff rates a change that brings a hidden character high (hidden-character)', async () => {
    await writeFile(join(folder, 'base.json'), JSON.stringify(manifest, null, 2));
    manifest.agent.description = `${manifest.agent.description}\u202e`;
    await writeFile(join(folder, 'rollout.json'), JSON.stringify(manifest, null, 2));
    const result = await runInProcess(['diff', 'base.json', 'rollout.json', '--format', 'json', '--fail-on', 'high'], { cwd: folder });
    // The text report through the built binary: what a terminal would be sent.
    expect(result.code).toBe(1);
    const report = parseJsonOutput<{ changes: { path: string; risk: string; rule: string }[] }>(result.stdout);
    expect(report.changes).toContainEqual(expect.objectContaining({ path: '/agent/description', risk: 'high', rule: 'hidden-character' }));
    const text = await runCli(['diff', 'base.json', 'rollout.json'], { cwd: folder });
    expect(text.stdout).toContain('\\u202e');
    expect(text.stdout).not.toContain('\u202e');
  });
});

describe('checkHiddenCharacters', () => {
  it('finds any hidden character in any string or key, wherever it sits', () => {
    fc.assert(
      fc.property(fc.constantFrom(...HIDDEN), fc.string({ maxLength: 10 }), fc.boolean(), (char, around, inKey) => {
        const clean = around.replace(/[^ -~]/g, '');
        const value = `${clean}${char}${clean}`;
        const doc = inKey ? { agent: { labels: { [value]: 'x' } } } : { agent: { name: value } };
        const findings = checkHiddenCharacters(doc as any);
        expect(findings).toHaveLength(1);
        expect(findings[0]?.severity).toBe('warning');
      }),
    );
    expect(checkHiddenCharacters({ metrics: { sources: { p: { headers: { ['X-A\u200b']: 'v' } } } } } as any)[0]?.severity).toBe('error');
  });
});
