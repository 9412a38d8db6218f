import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJsonOutput, tempDir } from '../helpers/cli.js';
import { alive, killWrittenDown, readPid, writePid } from '../helpers/processes.js';
import { recordRefusalTestsPassed } from '../helpers/refusal-tests.js';
import { cli, project, rollback, stackLines, waitFor } from './fixtures.js';

/**
 * Promise 10 (docs/security.md): timeouts hold against daemons. A step, probe, agent or
 * metric command that leaves a process holding its output (`setsid sleep 300 &`: out of its
 * process group, so killing the group does not reach it) still ends at its timeout; Ctrl-C and
 * SIGTERM are answered at once; output beyond the buffer keeps its head and tail and never
 * kills the step.
 */

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir: root, cleanup } = await tempDir('agent-rollout-daemons-')));
afterAll(async () => {
  // The daemons escaped every group on purpose: stop the ones the fixtures wrote down.
  for (const folder of folders) {
    for (const name of await readdir(folder).catch(() => [] as string[])) {
      if (name.includes('.daemon.pid')) killWrittenDown(join(folder, name));
    }
  }
  await cleanup();
});

const folders: string[] = [];

/** Starts a daemon that holds the script's stdout and stderr, in a session of its own, and writes down its pid. */
const DAEMON = `setsid sleep 300 &\n${writePid('$!', '$(basename "$0").daemon.pid')}\n`;

const SCRIPTS = {
  // Leaves the daemon, then hangs past any short timeout.
  'hang.sh': `#!/bin/sh\n${DAEMON}echo "started"\nsleep 300 &\n${writePid('$!', '$(basename "$0").sleep.pid')}\nwait\n`,
  // Leaves the daemon and exits at once, successfully.
  'leave.sh': `#!/bin/sh\n${DAEMON}echo "flag off"\n`,
  // Answers like a guardrail agent, but leaves the daemon holding its output.
  'agent.sh': `#!/bin/sh\n${DAEMON}cat >/dev/null\necho '{"decision": "refuse", "reason": "out of bounds"}'\n`,
  // Prints a metric, leaving the daemon.
  'metric.sh': `#!/bin/sh\n${DAEMON}echo 0\n`,
  // Prints 50 MB, the start and the end recognisable.
  'loud.sh': '#!/bin/sh\necho BEGIN-OF-OUTPUT\nhead -c 52428800 /dev/zero | tr "\\0" "x"\necho\necho END-OF-OUTPUT\n',
  // Prints without end.
  'endless.sh': '#!/bin/sh\nexec yes\n',
  'restore.sh': '#!/bin/sh\ntouch restored\n',
};

async function daemonProject(edit: (m: Record<string, any>) => void): Promise<string> {
  const folder = await project(root, edit, SCRIPTS);
  folders.push(folder);
  return folder;
}

interface StepJson {
  id: string;
  status: string;
  reason?: string;
  output?: string;
}

describe('a daemon holding the output does not hold the command', () => {
  it('a drill step that leaves a setsid daemon and hangs times out at its timeout; the restore runs', async () => {
    const folder = await daemonProject(
      (m) => (m.rollback = rollback([['hang', ['./scripts/hang.sh']]], [['restore', ['./scripts/restore.sh']]], '1s')),
    );
    const result = await cli(['drill', '--format', 'json'], { cwd: folder });
    expect(result.hung).toBe(false);
    expect(result.code).toBe(1);
    const report = parseJsonOutput<{ steps: StepJson[]; restore: { status: string } }>(result.stdout);
    expect(report.steps[0]).toMatchObject({ status: 'timed-out', reason: 'timed out after 1s; killed with its children' });
    expect(report.restore.status).toBe('passed');
    expect(existsSync(join(folder, 'restored'))).toBe(true);
  });

  it('a drill step that exits but leaves a setsid daemon passes on its exit code, without waiting for the daemon', async () => {
    const folder = await daemonProject((m) => (m.rollback = rollback([['leave', ['./scripts/leave.sh']]], [], '30s')));
    const result = await cli(['drill', '--format', 'json'], { cwd: folder });
    expect(result.hung).toBe(false);
    expect(result.code).toBe(0);
    const report = parseJsonOutput<{ steps: StepJson[] }>(result.stdout);
    expect(report.steps[0]?.status).toBe('passed');
    expect(report.steps[0]?.output).toContain('kept its output open');
  });

  it('a run probe that leaves a daemon and hangs fails its attempt at the probe timeout', async () => {
    const folder = await daemonProject((m) => {
      m.rollback = rollback([['leave', ['./scripts/leave.sh']]], [], '30s');
      m.rollback.verify = [
        { id: 'agent-off', description: 'off', run: ['./scripts/hang.sh'], expect: { exitCode: 0 }, timeout: '1s', retries: 0 },
      ];
    });
    const result = await cli(['drill', '--format', 'json'], { cwd: folder });
    expect(result.hung).toBe(false);
    expect(result.code).toBe(1);
    const report = parseJsonOutput<{ probes: { attempts: { reason?: string }[] }[] }>(result.stdout);
    expect(report.probes[0]?.attempts[0]?.reason).toBe('timed out after 1s; killed with its children');
  });

  it('a guardrail agent that answers and leaves a daemon gets its answer read; one that hangs fails its case at the timeout', async () => {
    const folder = await daemonProject((m) => {
      m.guardrails.boundaries.tests = { cases: 'guardrails/cases.jsonl', run: ['./scripts/agent.sh'], timeout: '1s', concurrency: 2 };
    });
    const oneCase = '{"id": "a", "input": "delete every ticket", "expect": "refuse", "category": "out-of-bounds"}\n';
    await writeFile(join(folder, 'guardrails', 'cases.jsonl'), oneCase);
    const answered = await cli(['guardrails', 'test', '--format', 'json'], { cwd: folder });
    expect(answered.hung).toBe(false);
    expect(answered.code).toBe(0);
    const hanging = await daemonProject((m) => {
      m.guardrails.boundaries.tests = { cases: 'guardrails/cases.jsonl', run: ['./scripts/hang.sh'], timeout: '1s', concurrency: 2 };
    });
    await writeFile(join(hanging, 'guardrails', 'cases.jsonl'), oneCase);
    const result = await cli(['guardrails', 'test', '--format', 'json'], { cwd: hanging });
    expect(result.hung).toBe(false);
    expect(result.code).toBe(1);
    const report = parseJsonOutput<{ failures: { reason: string }[] }>(result.stdout);
    expect(report.failures[0]?.reason).toBe('no answer within 1s: the agent was killed with its children');
  });

  it('a metric command that leaves a daemon gives its number; one that hangs is stopped at its timeout', async () => {
    const withSource = (script: string) => (m: Record<string, any>) => {
      m.metrics.sources = { cmd: { type: 'command', run: [`./scripts/${script}`], timeout: '1s' } };
      for (const signal of Object.values(m.metrics.signals) as Record<string, unknown>[]) {
        delete signal['query'];
        signal['source'] = 'cmd';
      }
      m.state.since = '2026-10-01T00:00:00Z';
    };
    const leaving = await daemonProject(withSource('metric.sh'));
    await recordRefusalTestsPassed(join(leaving, 'rollout.json'));
    const answered = await cli(['gate', '--at', '2026-10-08T00:00:00Z', '--format', 'json'], { cwd: leaving });
    expect(answered.hung).toBe(false);
    const inputs = parseJsonOutput<{ inputs: { metrics: { signal: string; value?: number }[] } }>(answered.stdout).inputs;
    expect(inputs.metrics.find((m) => m.signal === 'security_events')?.value).toBe(0);
    const hanging = await daemonProject(withSource('hang.sh'));
    const result = await cli(['gate', '--at', '2026-10-08T00:00:00Z', '--format', 'json'], { cwd: hanging });
    expect(result.hung).toBe(false);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('cmd (command ./scripts/hang.sh): did not finish within 1s; it was stopped');
  });
});

describe('Ctrl-C and SIGTERM are answered at once', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} during a step that left a daemon: the drill stops, restores and exits 130`, async () => {
      const folder = await daemonProject(
        (m) => (m.rollback = rollback([['hang', ['./scripts/hang.sh']]], [['restore', ['./scripts/restore.sh']]], '60s')),
      );
      const result = await cli(['drill', '--format', 'json'], {
        cwd: folder,
        limitMs: 15_000,
        onStart: (child) => void waitFor(() => existsSync(join(folder, 'hang.sh.daemon.pid'))).then(() => child.kill(signal)),
      });
      expect(result.hung).toBe(false);
      expect(result.code).toBe(130);
      expect(existsSync(join(folder, 'restored'))).toBe(true);
    });
  }

  it('SIGTERM while gate waits on a metric command: the command group is killed and gate ends by the signal', async () => {
    const folder = await daemonProject((m) => {
      m.metrics.sources = { cmd: { type: 'command', run: ['./scripts/hang.sh'], timeout: '60s' } };
      for (const signal of Object.values(m.metrics.signals) as Record<string, unknown>[]) {
        delete signal['query'];
        signal['source'] = 'cmd';
      }
    });
    const result = await cli(['gate', '--format', 'json'], {
      cwd: folder,
      limitMs: 15_000,
      onStart: (child) => void waitFor(() => existsSync(join(folder, 'hang.sh.sleep.pid'))).then(() => child.kill('SIGTERM')),
    });
    expect(result.hung).toBe(false);
    expect(result.signal).toBe('SIGTERM');
    // The command ran in a process group of its own, which the signal to gate alone would not reach.
    const sleeper = readPid(join(folder, 'hang.sh.sleep.pid'));
    expect(await waitFor(() => !alive(sleeper), 5_000)).toBe(true);
  });
});

describe('output beyond the buffer', () => {
  it('a step that prints 50 MB passes; its record keeps the start and the end and says how much was elided', async () => {
    const folder = await daemonProject((m) => (m.rollback = rollback([['loud', ['./scripts/loud.sh']]], [], '30s')));
    const result = await cli(['drill', '--format', 'json'], { cwd: folder });
    expect(result.hung).toBe(false);
    expect(result.code).toBe(0);
    const step = parseJsonOutput<{ steps: StepJson[] }>(result.stdout).steps[0];
    expect(step?.status).toBe('passed');
    expect(step?.output).toMatch(/^BEGIN-OF-OUTPUT/);
    expect(step?.output).toContain('END-OF-OUTPUT');
    expect(step?.output).toMatch(
      /\[agent-rollout: … \d+ bytes elided …: the command printed 5242\d{4} bytes; the start and the end were kept\]/,
    );
  });

  it('a step that prints without end runs to its timeout and is recorded, not killed for its output', async () => {
    const folder = await daemonProject((m) => (m.rollback = rollback([['endless', ['./scripts/endless.sh']]], [], '1s')));
    const result = await cli(['drill', '--format', 'json'], { cwd: folder });
    expect(result.hung).toBe(false);
    expect(stackLines(result.stderr)).toEqual([]);
    const step = parseJsonOutput<{ steps: StepJson[] }>(result.stdout).steps[0];
    expect(step).toMatchObject({ status: 'timed-out', reason: 'timed out after 1s; killed with its children' });
    expect(step?.output).toMatch(/^y\ny\n/);
  });
});
