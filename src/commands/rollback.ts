import { rollback } from '../state/transitions.js';
import type { Io } from '../ui/io.js';
import type { StateCommandOptions } from './state-change.js';
import { changeState } from './state-change.js';

export interface RollbackCommandOptions extends StateCommandOptions {
  /** A named earlier stage; default the previous one. */
  to?: string;
}

/** `agent-rollout rollback [--to STAGE]`: back to the previous or a named earlier stage, never forward. */
export async function rollbackCommand(options: RollbackCommandOptions, io: Io): Promise<number> {
  return changeState(options, io, (manifest, context) => rollback(manifest, { ...context, to: options.to }));
}
