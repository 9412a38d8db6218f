import { UsageError } from '../errors.js';
import { pause } from '../state/transitions.js';
import type { Io } from '../ui/io.js';
import type { StateCommandOptions } from './state-change.js';
import { changeState, givenReason } from './state-change.js';

/** `agent-rollout pause --reason TEXT`: blocks advance until resume. The reason is required. */
export async function pauseCommand(options: StateCommandOptions, io: Io): Promise<number> {
  const reason = givenReason(options);
  if (reason === undefined) {
    throw new UsageError(
      'pause needs a reason: --reason "<why>"',
      'the reason is recorded in the audit trail and shown by `agent-rollout status`',
    );
  }
  return changeState(options, io, (manifest, context) => pause(manifest, { ...context, reason }));
}
