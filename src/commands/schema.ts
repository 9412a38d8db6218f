import { toJson } from '../render/format.js';
import { packageSchema } from '../manifest/package-schema.js';
import type { Io } from '../ui/io.js';
import type { SchemaFormat } from './formats.js';

export interface SchemaCommandOptions {
  print?: boolean;
  format?: SchemaFormat;
}

/**
 * `agent-rollout schema`: where the manifest schema of this installation is (for an editor's
 * JSON-schema setting), its `$id`, or with --print the schema itself.
 */
export async function schemaCommand(options: SchemaCommandOptions, io: Io): Promise<number> {
  const schema = await packageSchema();
  const renderers: Record<SchemaFormat, () => string> = {
    text: () => `${schema.path}\n`,
    json: () => toJson({ path: schema.path, id: schema.id }),
  };
  io.out(options.print ? (schema.text.endsWith('\n') ? schema.text : `${schema.text}\n`) : renderers[options.format ?? 'text']());
  return 0;
}
