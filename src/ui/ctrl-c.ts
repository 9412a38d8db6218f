import { ExitCode } from '../errors.js';
import type { Io } from './io.js';

export interface CtrlC {
  /** The same as a Ctrl-C arriving: for a prompt, which sees Ctrl-C as a key (the terminal is in raw mode). */
  interrupt(): void;
  /** Removes the handlers; call it when the work they guard is over. */
  dispose(): void;
}

/**
 * Ctrl-C for a command that runs other processes and must not leave them running (`drill`,
 * `guardrails test`). SIGINT, and SIGTERM as a CI runner sends it when a job is cancelled, are
 * handled alike (docs/drill.md, "Ctrl-C"):
 * - the first calls `stop`: the command kills what runs and finishes cleanly on its own (drill:
 *   the restore, the report and the audit entry; guardrails: nothing recorded), exiting 130;
 * - the second calls `abandon`, which kills what still runs and says what was cut short (it must
 *   finish synchronously), then exits at once with 130: the operator who presses Ctrl-C twice has
 *   decided that whatever runs must stop now.
 */
export function handleCtrlC(io: Pick<Io, 'onSignal' | 'exitNow'>, handlers: { stop: () => void; abandon: () => void }): CtrlC {
  let count = 0;
  const interrupt = (): void => {
    count++;
    if (count === 1) {
      handlers.stop();
      return;
    }
    handlers.abandon();
    io.exitNow({ code: ExitCode.interrupted });
  };
  const dispose = io.onSignal(['SIGINT', 'SIGTERM'], interrupt);
  return { interrupt, dispose };
}
