import { enable } from '../state/transitions.js';
import type { Io } from '../ui/io.js';
import type { StateCommandOptions } from './state-change.js';
import { changeState } from './state-change.js';

/** `agent-rollout enable`: the global kill switch back on (state.enabled true). */
export async function enableCommand(options: StateCommandOptions, io: Io): Promise<number> {
  return changeState(options, io, (manifest) => enable(manifest));
}
