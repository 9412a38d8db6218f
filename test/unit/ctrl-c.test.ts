import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withLock } from '../../src/state/lock.js';
import { handleCtrlC } from '../../src/ui/ctrl-c.js';
import { capturingIo } from '../helpers/cli.js';

/** The Io of an in-process run: signals are recorded and delivered by the test, never installed. */
const testIo = () => capturingIo({ cwd: tmpdir(), env: {} });

describe('handleCtrlC: one Ctrl-C for drill and guardrails test', () => {
  it('the first SIGINT or SIGTERM stops; the second abandons and exits at once with 130', () => {
    for (const [first, second] of [
      ['SIGINT', 'SIGINT'],
      ['SIGTERM', 'SIGINT'],
    ] as const) {
      const io = testIo();
      const calls: string[] = [];
      handleCtrlC(io, { stop: () => calls.push('stop'), abandon: () => calls.push('abandon') });
      io.deliver(first);
      expect(calls).toEqual(['stop']);
      expect(() => io.deliver(second)).toThrow(/exit at once \(\{"code":130\}\)/);
      expect(calls).toEqual(['stop', 'abandon']);
    }
  });

  it('a Ctrl-C pressed at a prompt (interrupt) counts as one; dispose removes the handlers; SIGHUP is not handled', () => {
    const io = testIo();
    const calls: string[] = [];
    const ctrlC = handleCtrlC(io, { stop: () => calls.push('stop'), abandon: () => calls.push('abandon') });
    expect(io.handlesSignal('SIGINT') && io.handlesSignal('SIGTERM')).toBe(true);
    expect(io.handlesSignal('SIGHUP')).toBe(false);
    ctrlC.interrupt();
    expect(calls).toEqual(['stop']);
    ctrlC.dispose();
    expect(io.signalHandlers()).toEqual([]);
    io.deliver('SIGINT');
    expect(calls).toEqual(['stop']);
  });
});

describe('withLock holds back stop signals through the Io', () => {
  async function folder(): Promise<{ target: string; done: () => Promise<void> }> {
    const dir = await mkdtemp(join(tmpdir(), 'agent-rollout-lock-'));
    const target = join(dir, 'rollout.json');
    await writeFile(target, '{}');
    return { target, done: () => rm(dir, { recursive: true, force: true }) };
  }

  it('a signal during the write lets it finish, releases the lock, says so and ends by that signal', async () => {
    const { target, done } = await folder();
    try {
      const io = testIo();
      let finished = false;
      const run = withLock(
        target,
        async () => {
          expect(io.signalHandlers().map((h) => h.signals)).toEqual([['SIGINT', 'SIGTERM', 'SIGHUP']]);
          io.deliver('SIGTERM');
          finished = true;
        },
        { io, label: 'rollout.json' },
      );
      await expect(run).rejects.toThrow(/exit at once \(\{"signal":"SIGTERM"\}\)/);
      expect(finished).toBe(true);
      expect(io.stderr()).toBe('agent-rollout: stopped by SIGTERM after finishing the write under way to rollout.json\n');
      expect((await readdir(join(target, '..'))).filter((name) => name.includes('.lock'))).toEqual([]);
      expect(io.signalHandlers()).toEqual([]);
    } finally {
      await done();
    }
  });

  it('holds back only the signals the command does not handle itself, and removes its handlers after', async () => {
    const { target, done } = await folder();
    try {
      const io = testIo();
      const dispose = io.onSignal(['SIGINT', 'SIGTERM'], () => undefined);
      await withLock(
        target,
        async () => {
          expect(io.signalHandlers().map((h) => h.signals)).toEqual([['SIGINT', 'SIGTERM'], ['SIGHUP']]);
        },
        { io },
      );
      expect(io.signalHandlers().map((h) => h.signals)).toEqual([['SIGINT', 'SIGTERM']]);
      dispose();
      expect(io.stderr()).toBe('');
    } finally {
      await done();
    }
  });
});
