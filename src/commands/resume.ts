import { resume } from '../state/transitions.js';
import type { Io } from '../ui/io.js';
import type { StateCommandOptions } from './state-change.js';
import { changeState } from './state-change.js';

/** `agent-rollout resume`: lifts the pause. */
export async function resumeCommand(options: StateCommandOptions, io: Io): Promise<number> {
  return changeState(options, io, (manifest) => resume(manifest));
}
