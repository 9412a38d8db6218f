import { disable } from '../state/transitions.js';
import type { Io } from '../ui/io.js';
import type { StateCommandOptions } from './state-change.js';
import { changeState } from './state-change.js';

/** `agent-rollout disable`: the global kill switch; without --reason the entry is marked an emergency. */
export async function disableCommand(options: StateCommandOptions, io: Io): Promise<number> {
  return changeState(options, io, (manifest, context) => disable(manifest, context));
}
