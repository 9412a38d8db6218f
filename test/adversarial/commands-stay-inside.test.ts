import { existsSync } from 'node:fs';
import { mkdir, symlink, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { cli, project, rollback, stackLines } from './fixtures.js';

/**
 * Promise 13 (docs/security.md): commands a manifest names stay inside its folder. A manifest
 * from a pull request that names `../evil.sh` (or a link out of the folder) as a metric command,
 * a drill step or the guardrail agent is refused with exit 2 before anything runs; absolute
 * paths and bare names are the operator's own tools (docs/drill.md).
 */

let root: string;
let cleanup: () => Promise<void>;
let evil: string;
beforeAll(async () => {
  ({ dir: root, cleanup } = await tempDir('agent-rollout-inside-'));
  // The script a hostile manifest wants run: it leaves a mark if it ever is.
  evil = join(root, 'evil.sh');
  await writeFile(evil, `#!/bin/sh\ntouch "${join(root, 'evil-ran')}"\necho 0\n`);
  await chmod(evil, 0o755);
});
afterAll(async () => cleanup());

function expectRefused(result: { code: number | null; stderr: string }, pattern: RegExp): void {
  expect(result.code).toBe(2);
  expect(result.stderr.split('\n')[0]).toMatch(pattern);
  expect(stackLines(result.stderr)).toEqual([]);
  expect(existsSync(join(root, 'evil-ran'))).toBe(false);
}

const commandSource = (run: string[]) => (m: Record<string, any>) => {
  m.metrics.sources = { cmd: { type: 'command', run, timeout: '2s' } };
  for (const signal of Object.values(m.metrics.signals) as Record<string, unknown>[]) {
    delete signal['query'];
    signal['source'] = 'cmd';
  }
};

describe('metric command sources', () => {
  it('../evil.sh is refused before any source is queried', async () => {
    const folder = await project(root, commandSource(['../evil.sh']));
    const result = await cli(['gate', '--format', 'json'], { cwd: folder });
    expectRefused(
      result,
      /^error: metrics\.sources\.cmd runs "\.\.\/evil\.sh" is outside the manifest's folder .*; no source was queried$/,
    );
  });

  it('./scripts/link.sh, a symbolic link to a script outside, is refused with where it leads', async () => {
    const folder = await project(root, commandSource(['./scripts/link.sh']));
    await symlink(evil, join(folder, 'scripts', 'link.sh'));
    const result = await cli(['advance', '--format', 'json'], { cwd: folder });
    expectRefused(
      result,
      new RegExp(
        `^error: metrics\\.sources\\.cmd runs "\\./scripts/link\\.sh" is a symbolic link to ${evil.replace(/[.]/g, '\\.')}, outside`,
      ),
    );
  });

  it('an absolute path is the operator\'s own tool and runs (docs/drill.md, "Paths")', async () => {
    const folder = await project(root, commandSource(['/bin/echo', '0']));
    const result = await cli(['gate', '--format', 'json'], { cwd: folder });
    expect(result.code).not.toBe(2);
    expect(result.stdout).toContain('"argv"');
  });
});

describe('drill steps and the guardrail agent', () => {
  it('a drill step ../evil.sh is refused before anything runs', async () => {
    const folder = await project(root, (m) => (m.rollback = rollback([['evil', ['../evil.sh']]])));
    const result = await cli(['drill'], { cwd: folder });
    expectRefused(result, /^error: .*"\.\.\/evil\.sh" is outside the manifest's folder/);
  });

  it('a guardrail agent ../evil.sh is refused before any case runs', async () => {
    const inner = join(root, 'inner');
    await mkdir(inner, { recursive: true });
    const folder = await project(inner, (m) => {
      m.guardrails.boundaries.tests = { cases: 'guardrails/cases.jsonl', run: ['../../evil.sh'], timeout: '2s' };
    });
    const result = await cli(['guardrails', 'test'], { cwd: folder });
    expectRefused(result, /^error: guardrails\.boundaries\.tests\.run "\.\.\/\.\.\/evil\.sh" is outside the manifest's folder/);
  });
});
