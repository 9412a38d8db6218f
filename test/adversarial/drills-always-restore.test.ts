import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJsonOutput, tempDir } from '../helpers/cli.js';
import { cli, onSmallDisk, project, rollback, stackLines, waitFor } from './fixtures.js';

/**
 * Promise 9 (docs/security.md): a drill that has started always restores. Once a rollback
 * step has run, `rollback.restore` runs whatever else fails: the journal and report running out
 * of disk, an error in agent-rollout's own code, SIGTERM. The failure of the bookkeeping is one
 * line and a non-zero exit, never a stack trace, and the journal never ends in a torn line.
 */

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir: root, cleanup } = await tempDir('agent-rollout-restore-')));
afterAll(async () => cleanup());

/** Every line of every journal under `folder`/drills parses as JSON: no torn line. */
async function journalLines(folder: string): Promise<Record<string, unknown>[]> {
  const names = (await readdir(join(folder, 'drills'))).filter((name) => name.endsWith('.journal.jsonl'));
  expect(names).toHaveLength(1);
  const text = await readFile(join(folder, 'drills', names[0] as string), 'utf8');
  expect(text === '' || text.endsWith('\n')).toBe(true);
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('the restore runs whatever else fails', () => {
  it('the disk fills during the drill: the restore still runs; one line, exit 2; the journal has no torn line; no temporary file', async () => {
    const marks = join(root, 'marks-enospc');
    await mkdir(marks, { recursive: true });
    const folder = await project(
      root,
      (m) => (m.rollback = rollback([['fill-the-disk', ['./scripts/fill.sh']]], [['restore-flag', ['./scripts/restore.sh']]])),
      {
        // A rollback step that fills the disk the drill records on (a log, a dump, a runaway write).
        'fill.sh': '#!/bin/sh\ndd if=/dev/zero of=filler bs=1k >/dev/null 2>&1\necho filled\nexit 0\n',
        // The restore leaves its mark outside the full disk.
        'restore.sh': '#!/bin/sh\necho restored >> "$MARKS/restored"\necho restored\n',
      },
    );
    const out = join(root, 'out-enospc');
    const mount = join(root, 'mnt-enospc');
    await mkdir(out);
    await mkdir(mount);
    const result = await onSmallDisk(folder, out, ['drill', '--format', 'json'], { mount, sizeKb: 512, env: { MARKS: marks } });
    expect(result.hung).toBe(false);
    expect(await readFile(join(marks, 'restored'), 'utf8')).toBe('restored\n');
    expect(result.code).toBe(2);
    const errors = result.stderr.split('\n').filter((line) => line.startsWith('error:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^error: the drill passed; the restore passed, but its record is incomplete: cannot write .*no space left on the device \(ENOSPC\)/,
    );
    expect(stackLines(result.stderr)).toEqual([]);
    // The report still reaches standard output, so CI keeps it.
    const report = parseJsonOutput<{ passed: boolean; restore: { status: string } }>(result.stdout);
    expect(report.restore.status).toBe('passed');
    const lines = await journalLines(out);
    expect(lines[0]?.['event']).toBe('drill-started');
    expect((await readdir(join(out, 'drills'))).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('an error in agent-rollout itself during the steps: the restore still runs; the drill fails with one line, no stack trace', async () => {
    // A crash of our own, injected from outside the binary: a preloaded module makes the clock
    // throw once, the first time it is read after the first step has run.
    const crash = join(root, 'crash.mjs');
    await writeFile(
      crash,
      [
        "import { existsSync } from 'node:fs';",
        'const now = performance.now.bind(performance);',
        'let fired = false;',
        "performance.now = () => { if (!fired && existsSync('crash-now')) { fired = true; throw new Error('injected crash'); } return now(); };",
      ].join('\n'),
    );
    const folder = await project(
      root,
      (m) =>
        (m.rollback = rollback(
          [
            ['first', ['./scripts/first.sh']],
            ['second', ['./scripts/second.sh']],
          ],
          [['restore-flag', ['./scripts/restore.sh']]],
        )),
      {
        'first.sh': '#!/bin/sh\ntouch crash-now\necho first\n',
        'second.sh': '#!/bin/sh\ntouch second-ran\n',
        'restore.sh': '#!/bin/sh\ntouch restored\necho restored\n',
      },
    );
    const result = await cli(['drill', '--format', 'json'], {
      cwd: folder,
      env: { NODE_OPTIONS: `--import=${pathToFileURL(crash).href}` },
    });
    expect(result.hung).toBe(false);
    expect(existsSync(join(folder, 'restored'))).toBe(true);
    expect(existsSync(join(folder, 'second-ran'))).toBe(false);
    expect(result.code).toBe(1);
    expect(stackLines(result.stderr)).toEqual([]);
    const report = parseJsonOutput<{ passed: boolean; reasons: string[]; restore: { status: string } }>(result.stdout);
    expect(report.passed).toBe(false);
    expect(report.reasons.join('\n')).toMatch(
      /agent-rollout stopped on an error of its own during step "first": injected crash \(a bug: please report it\)/,
    );
    expect(report.restore.status).toBe('passed');
    const events = (await journalLines(folder)).map((line) => line['event']);
    expect(events).toContain('verdict');
    expect(events.at(-1)).toBe('drill-finished');
  });

  it('SIGTERM during a step (a cancelled CI job): the step is killed, the restore runs, exit 130', async () => {
    const folder = await project(
      root,
      (m) => (m.rollback = rollback([['slow', ['./scripts/slow.sh']]], [['restore-flag', ['./scripts/restore.sh']]], '30s')),
      {
        'slow.sh': '#!/bin/sh\ntouch slow-started\nsleep 30\n',
        'restore.sh': '#!/bin/sh\ntouch restored\n',
      },
    );
    const result = await cli(['drill', '--format', 'json'], {
      cwd: folder,
      onStart: (child) => {
        void waitFor(() => existsSync(join(folder, 'slow-started'))).then(() => child.kill('SIGTERM'));
      },
    });
    expect(result.hung).toBe(false);
    expect(result.code).toBe(130);
    expect(existsSync(join(folder, 'restored'))).toBe(true);
    const report = parseJsonOutput<{ interrupted: boolean; restore: { status: string } }>(result.stdout);
    expect(report).toMatchObject({ interrupted: true, restore: { status: 'passed' } });
  });
});
