/**
 * A test hook that interrupts a write at a named step, so the tests can crash or stop a command
 * at each point of a journaled change on purpose instead of hoping a timed kill lands there.
 *
 * Inert unless AGENT_ROLLOUT_TEST_INTERRUPT names an action and one of the steps below:
 * - `kill@<step>`: the process kills itself with SIGKILL on reaching the step (a crash there);
 * - `pause@<step>`: the process says `agent-rollout: test hook: paused at <step> (pid N)` on
 *   stderr and waits for SIGURG (at most a minute) before it goes on, so a test can do something
 *   in between (send SIGTERM, run a rival command). A stop signal the command handles that arrives
 *   while paused is said as `agent-rollout: test hook: saw SIGTERM`: wait for that line before
 *   sending SIGURG.
 * Only the first time a process reaches the step counts. Any other value does nothing.
 */

/** The steps of a change, in order (src/state/lock.ts, src/manifest/write.ts, src/state/transaction.ts). */
export const INTERRUPT_STEPS = [
  /** commitChange called: the command has read the manifest; no lock yet. */
  'before-lock',
  /** The lock's owner file is written, not yet linked to the lock's name. */
  'lock-owner-written',
  /** A stale lock was renamed aside, not yet removed (taking over the lock of a killed process). */
  'lock-stale-aside',
  /** The lock is held; the change has not begun. */
  'lock-held',
  /** An atomic write's temporary file is written and flushed, not yet renamed (the pending file, in a change). */
  'atomic-temp-written',
  /** The pending file holds the new manifest; no audit entry yet. */
  'pending-written',
  /** The audit entry is appended and flushed; the pending file is not yet the manifest. */
  'audit-appended',
  /** The pending file was renamed over the manifest; the lock is still held. */
  'renamed',
] as const;
export type InterruptStep = (typeof INTERRUPT_STEPS)[number];

const reached = new Set<InterruptStep>();
const PAUSE_LIMIT_MS = 60_000;

/** Called at each step; does nothing unless AGENT_ROLLOUT_TEST_INTERRUPT names this step. */
export async function interruptPoint(step: InterruptStep): Promise<void> {
  const spec = process.env['AGENT_ROLLOUT_TEST_INTERRUPT'];
  if (spec === undefined || !spec.endsWith(`@${step}`) || reached.has(step)) return;
  const action = spec.slice(0, -`@${step}`.length);
  if (action !== 'kill' && action !== 'pause') return;
  reached.add(step);
  if (action === 'kill') {
    process.kill(process.pid, 'SIGKILL');
    return;
  }
  await new Promise<void>((resolve) => {
    // A stop signal that arrives while paused is said on stderr, after the command's own handler
    // (installed earlier, so called first) has seen it: the test waits for that line before it
    // sends SIGURG, so the order the two signals are handled in is never left to chance.
    const stops = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
    const saw = (signal: NodeJS.Signals): void => void process.stderr.write(`agent-rollout: test hook: saw ${signal}\n`);
    const done = (): void => {
      clearTimeout(limit);
      process.off('SIGURG', done);
      for (const signal of stops) process.off(signal, saw);
      resolve();
    };
    // The timer also keeps the event loop alive while nothing else is pending.
    const limit = setTimeout(done, PAUSE_LIMIT_MS);
    process.on('SIGURG', done);
    for (const signal of stops) if (process.listenerCount(signal) > 0) process.on(signal, saw);
    process.stderr.write(`agent-rollout: test hook: paused at ${step} (pid ${process.pid})\n`);
  });
}
