import { ExitCode } from '../errors.js';
import { toJson } from '../render/format.js';
import { renderStatusText } from '../render/status/text.js';
import { createStyle } from '../render/style.js';
import { preferredFormat } from '../state/operator-config.js';
import type { Io } from '../ui/io.js';
import { readStatus } from './read-status.js';
import type { StateFormat } from './formats.js';
import { STATE_FORMATS } from './formats.js';

export interface StatusCommandOptions {
  manifest: string;
  format?: StateFormat;
}

/** `agent-rollout status`: where the rollout stands. Always exit 0 when the manifest can be read. */
export async function statusCommand(options: StatusCommandOptions, io: Io): Promise<number> {
  const format = await preferredFormat(options.format, io.env, STATE_FORMATS);
  const { status } = await readStatus(options.manifest, io, Date.now());
  const renderers: Record<StateFormat, () => string> = {
    text: () => renderStatusText(status, options.manifest, createStyle(io.color)),
    json: () => toJson({ manifest: options.manifest, ...status }),
  };
  io.out(renderers[format]());
  return ExitCode.ok;
}
