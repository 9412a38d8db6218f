import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { elideCommon } from '../../src/diff/show.js';
import { copyExample, runCli, tempDir } from '../helpers/cli.js';
import { fuzzRuns, fuzzTimeout } from '../helpers/run-counts.js';

/**
 * Promise: a reviewer sees every change. A long value that changed is shown around the part that
 * differs, so `… * 0` appended to a long PromQL query, or a word changed at the end of a long
 * description, is visible in text and markdown `diff`.
 */

const LONG_QUERY =
  'sum(rate(agent_invocation_errors_total{agent="support-triage",env="production"}[5m])) / sum(rate(agent_invocations_total{agent="support-triage",env="production"}[5m]))';

describe('diff shows the part of a long value that changed', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let folder: string;
  let signal: string;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    folder = await copyExample('support-triage', dir);
    const manifest = JSON.parse(readFileSync(join(folder, 'rollout.json'), 'utf8'));
    signal = Object.keys(manifest.metrics.signals).find((name) => manifest.metrics.signals[name].query !== undefined) as string;
    manifest.metrics.signals[signal].query = LONG_QUERY;
    manifest.agent.description = `${'Triage incoming support tickets and route them to the right queue. '.repeat(3)}Never closes tickets.`;
    await writeFile(join(folder, 'base.json'), JSON.stringify(manifest, null, 2));
    manifest.metrics.signals[signal].query = `${LONG_QUERY} * 0`;
    manifest.agent.description = manifest.agent.description.replace('Never closes tickets.', 'Always closes tickets.');
    await writeFile(join(folder, 'rollout.json'), JSON.stringify(manifest, null, 2));
  });
  afterAll(async () => {
    await cleanup();
  });

  it('in text', async () => {
    const result = await runCli(['diff', 'base.json', 'rollout.json'], { cwd: folder });
    const line = result.stdout.split('\n').find((l) => l.includes(`signal ${signal}`) && l.includes('query')) ?? '';
    expect(line, result.stdout).toContain('[5m]))" → …');
    expect(line.trimEnd().endsWith('[5m])) * 0"'), line).toBe(true);
    const description = result.stdout.split('\n').find((l) => l.includes('description')) ?? '';
    expect(description).toContain('Never closes');
    expect(description).toContain('Always closes');
  });

  it('in markdown', async () => {
    const result = await runCli(['diff', 'base.json', 'rollout.json', '--format', 'markdown'], { cwd: folder });
    expect(result.stdout).toMatch(/\* 0"`/);
    expect(result.stdout).toContain('Always closes tickets');
  });
});

describe('elideCommon', () => {
  it(
    'always shows a difference: the two shown texts differ whenever the values do',
    () => {
      fc.assert(
        fc.property(
          fc.string({ maxLength: 300 }),
          fc.string({ maxLength: 5 }),
          fc.string({ maxLength: 5 }),
          fc.string({ maxLength: 300 }),
          (head, x, y, tail) => {
            fc.pre(x !== y);
            const shown = elideCommon(`${head}${x}${tail}`, `${head}${y}${tail}`);
            expect(shown.before).not.toBe(shown.after);
            expect([...shown.before].length).toBeLessThanOrEqual(80 + 2 * 20 + 2);
          },
        ),
        { numRuns: fuzzRuns(0.5) },
      );
    },
    fuzzTimeout(5),
  );
});
