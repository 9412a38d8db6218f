import { toJson } from '../render/format.js';
import { packageSchema } from '../manifest/package-schema.js';
import type { Io } from '../ui/io.js';

export interface SchemaCommandOptions {
  print?: boolean;
  format?: 'text' | 'json';
}

/**
 * `agent-rollout schema`: where the manifest schema of this installation is (for an editor's
 * JSON-schema setting), its `$id`, or with --print the schema itself.
 */
export async function schemaCommand(options: SchemaCommandOptions, io: Io): Promise<number> {
  const schema = await packageSchema();
  if (options.print) io.out(schema.text.endsWith('\n') ? schema.text : `${schema.text}\n`);
  else if (options.format === 'json') io.out(toJson({ path: schema.path, id: schema.id }));
  else io.out(`${schema.path}\n`);
  return 0;
}
