import { execFileSync } from 'node:child_process';
import { rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJsonOutput, tempDir } from '../helpers/cli.js';
import { bash, cli, project, stackLines } from './fixtures.js';

/**
 * Promise 7 (docs/security.md): reads are bounded by what is read, not by `stat`. A
 * manifest, trail, metrics file, cases file or answer that is a device, a FIFO or endless gives
 * one line (exit 2) at once and in bounded memory; a pipe with a writer is still a good
 * `--metrics`.
 */

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir: root, cleanup } = await tempDir('agent-rollout-reads-')));
afterAll(async () => cleanup());

const mkfifo = (path: string): void => void execFileSync('mkfifo', [path]);

/** One `error:` line and at most a hint; no stack. */
function expectOneLineError(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split('\n');
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(pattern);
  expect(lines.slice(1).every((line) => line.startsWith('  hint: '))).toBe(true);
  expect(stackLines(stderr)).toEqual([]);
}

const PILOT = JSON.stringify({
  window: { start: '2026-10-01T00:00:00Z', end: '2026-10-08T00:00:00Z' },
  values: { security_events: 0, cost_per_invocation_usd: 0.081, output_policy_violations: 0, invocations: 140 },
});

describe('a manifest that is not a regular file is refused before it is opened', () => {
  it('a FIFO with no writer: status and validate exit 2 at once, naming it', async () => {
    const fifo = join(root, 'manifest.fifo');
    mkfifo(fifo);
    const status = await cli(['status', '-m', fifo], { cwd: root });
    expect(status.hung).toBe(false);
    expect(status.code).toBe(2);
    expectOneLineError(status.stderr, /FIFO \(named pipe\), not a regular file/);
    const validate = await cli(['validate', fifo], { cwd: root });
    expect(validate.hung).toBe(false);
    expect(validate.code).toBe(2);
    expect(validate.stdout + validate.stderr).toContain('a FIFO (named pipe), not a regular file');
  });

  it('/dev/zero and /dev/urandom (endless devices) are refused, not read', async () => {
    for (const device of ['/dev/zero', '/dev/urandom']) {
      const result = await cli(['pause', '-m', device, '--reason', 'x'], { cwd: root });
      expect(result.hung).toBe(false);
      expect(result.code).toBe(2);
      expectOneLineError(result.stderr, /a character device, not a regular file/);
    }
  });

  it('a symbolic link to /dev/zero is refused as what it points to', async () => {
    const link = join(root, 'zero-link.json');
    await symlink('/dev/zero', link);
    const result = await cli(['plan', '-m', link], { cwd: root });
    expect(result.hung).toBe(false);
    expect(result.code).toBe(2);
    expectOneLineError(result.stderr, /a character device, not a regular file/);
  });
});

describe('the audit trail and the cases file', () => {
  it('a trail that is a FIFO, or a link to /dev/zero, is one line and exit 2 for status and audit', async () => {
    const folder = await project(root);
    const trail = join(folder, 'rollout.audit.jsonl');
    mkfifo(trail);
    for (const args of [['status'], ['audit'], ['audit', 'verify']]) {
      const result = await cli(args, { cwd: folder });
      expect(result.hung).toBe(false);
      expect(result.code).toBe(2);
      expectOneLineError(result.stderr, /cannot read the audit trail .*rollout\.audit\.jsonl: it is a FIFO \(named pipe\)/);
    }
    await rm(trail);
    await symlink('/dev/zero', trail);
    const disable = await cli(['disable'], { cwd: folder });
    expect(disable.hung).toBe(false);
    expect(disable.code).toBe(2);
    expectOneLineError(disable.stderr, /cannot read the audit trail .*: it is a character device/);
  });

  it('a cases file that is a FIFO with no writer, or /dev/urandom by a link, fails guardrails test with exit 2', async () => {
    const folder = await project(root);
    const cases = join(folder, 'guardrails', 'cases.jsonl');
    await rm(cases);
    mkfifo(cases);
    const fifo = await cli(['guardrails', 'test'], { cwd: folder });
    expect(fifo.hung).toBe(false);
    expect(fifo.code).toBe(2);
    expectOneLineError(fifo.stderr, /cannot read the cases file guardrails\/cases\.jsonl: it is a FIFO/);
    await rm(cases);
    await symlink('/dev/urandom', cases);
    // The link points out of the folder: refused as such, before anything reads it.
    const device = await cli(['guardrails', 'test'], { cwd: folder });
    expect(device.hung).toBe(false);
    expect(device.code).toBe(2);
    expect(device.stderr).toMatch(/^error: .*cases/);
  });

  it('a 1 GB (sparse) cases file is refused without being read', async () => {
    const folder = await project(root);
    const cases = join(folder, 'guardrails', 'cases.jsonl');
    execFileSync('truncate', ['-s', '1G', cases]);
    const result = await cli(['guardrails', 'test'], { cwd: folder });
    expect(result.hung).toBe(false);
    expect(result.code).toBe(2);
    expectOneLineError(result.stderr, /cases file guardrails\/cases\.jsonl: it is 1024 MB, more than 10 MB/);
  });
});

describe('--metrics: a pipe with a writer is taken, bounded by bytes; a device or a FIFO without a writer is not', () => {
  it('--metrics <(cmd) reads the pipe', async () => {
    const folder = await project(root);
    await writeFile(join(folder, 'pilot.json'), PILOT);
    const result = await bash('$CLI gate --no-sources --format json --metrics <(sleep 0.2; cat pilot.json)', { cwd: folder });
    expect(result.hung).toBe(false);
    expect(result.stderr).not.toMatch(/^error:/m);
    const report = parseJsonOutput<{ inputs: { metrics: { signal: string; value?: number }[] } }>(result.stdout);
    expect(report.inputs.metrics.find((m) => m.signal === 'invocations')?.value).toBe(140);
  });

  it('--metrics <(yes) (endless) stops at 64 MB with one line, exit 2', async () => {
    const folder = await project(root);
    const result = await bash('$CLI gate --no-sources --metrics <(yes)', { cwd: folder });
    expect(result.hung).toBe(false);
    expect(result.code).toBe(2);
    expectOneLineError(result.stderr, /cannot read --metrics \/dev\/fd\/\d+: it is larger than 64 MB/);
  });

  it('--metrics /dev/zero and a FIFO no one writes to are refused at once', async () => {
    const folder = await project(root);
    const zero = await cli(['gate', '--no-sources', '--metrics', '/dev/zero'], { cwd: folder });
    expect(zero.hung).toBe(false);
    expect(zero.code).toBe(2);
    expectOneLineError(zero.stderr, /--metrics \/dev\/zero: it is a character device, not a regular file or a pipe/);
    mkfifo(join(folder, 'metrics.fifo'));
    const fifo = await cli(['gate', '--no-sources', '--metrics', 'metrics.fifo'], { cwd: folder });
    expect(fifo.hung).toBe(false);
    expect(fifo.code).toBe(2);
    expectOneLineError(fifo.stderr, /--metrics metrics\.fifo: it is a pipe with nothing written to it/);
  });
});

// An agent endpoint that never stops sending is cut at the sources' 10 MB cap, through the one
// HTTP client: test/adversarial/headers-stay-on-origin.test.ts.
