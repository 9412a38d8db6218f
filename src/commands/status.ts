import { dirname } from 'node:path';
import { ExitCode } from '../errors.js';
import { readEvidenceIdentity } from '../guardrails/evidence-files.js';
import { toJson } from '../render/format.js';
import { renderStatusText } from '../render/status/text.js';
import { createStyle } from '../render/style.js';
import { auditPathFor, readTrail } from '../state/audit-file.js';
import { preferredFormat } from '../state/operator-config.js';
import { rolloutStatus } from '../state/status.js';
import type { Io } from '../ui/io.js';
import { openManifest } from './open-manifest.js';
import type { StateFormat } from './formats.js';
import { STATE_FORMATS } from './formats.js';

export interface StatusCommandOptions {
  manifest: string;
  format?: StateFormat;
}

/** `agent-rollout status`: where the rollout stands. Always exit 0 when the manifest can be read. */
export async function statusCommand(options: StatusCommandOptions, io: Io): Promise<number> {
  const format = await preferredFormat(options.format, io.env, STATE_FORMATS);
  const opened = await openManifest(options.manifest, io);
  const { trail, exists } = await readTrail(auditPathFor(opened.file));
  const evidence = await readEvidenceIdentity(opened.manifest, dirname(opened.file));
  const status = rolloutStatus(opened.manifest, { ...trail, exists }, Date.now(), evidence);
  const renderers: Record<StateFormat, () => string> = {
    text: () => renderStatusText(status, options.manifest, createStyle(io.color)),
    json: () => toJson({ manifest: options.manifest, ...status }),
  };
  io.out(renderers[format]());
  return ExitCode.ok;
}
