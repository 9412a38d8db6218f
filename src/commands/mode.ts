import type { GovernanceMode } from '../manifest/types.js';
import { mode } from '../state/transitions.js';
import type { Io } from '../ui/io.js';
import type { StateCommandOptions } from './state-change.js';
import { changeState } from './state-change.js';

/** `agent-rollout mode observe|enforce`: the global governance mode; observe at 100% needs --force --reason. */
export async function modeCommand(governanceMode: GovernanceMode, options: StateCommandOptions, io: Io): Promise<number> {
  return changeState(options, io, (manifest, context) => mode(manifest, { ...context, mode: governanceMode }));
}
