import { readFileSync } from 'node:fs';

/**
 * Processes that test scripts start and write down. A pid file the test reads too early, or
 * that a killed script left empty, must fail the test, never become 0: `process.kill(0, …)`
 * signals every process in the test runner's own group, which ends the whole run (a CI run
 * once ended with exit 137 that way).
 */

/** The shell line that writes `$!` (or any pid) to FILE whole: a reader sees the file only once it is complete. */
export const writePid = (pid: string, file: string): string => `echo ${pid} > "${file}.tmp" && mv "${file}.tmp" "${file}"`;

/** Reads a pid a script wrote down; throws unless the file holds one whole number above 1. */
export function readPid(path: string): number {
  const text = readFileSync(path, 'utf8').trim();
  const pid = Number(text);
  if (!/^\d+$/.test(text) || pid <= 1) throw new Error(`${path} holds no pid: ${JSON.stringify(text)}`);
  return pid;
}

/** Whether a process still runs. A zombie (killed, waiting for a parent that may never reap it) counts as gone. */
export function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 1) throw new Error(`not a pid: ${pid}`);
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/**
 * Whether a process that was sent SIGKILL (or whose group was) is gone within `timeoutMs`.
 * `kill` returns once the signal is queued; the process dies when the kernel next runs it,
 * which on a loaded machine can be after the killer itself has exited. So a test that saw the
 * killer end waits for this, bounded, instead of looking once. Still running after the wait
 * (5 s by default) is a process that survived the kill.
 */
export async function gone(pid: number, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (alive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

/** Kills (SIGKILL) a process a test left on purpose, if the file names one; for an afterAll. */
export function killWrittenDown(path: string): void {
  let pid: number;
  try {
    pid = readPid(path);
  } catch {
    return; // never written, or written by half: nothing we could safely signal
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
