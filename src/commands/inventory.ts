import { ExitCode, UsageError } from '../errors.js';
import { changedSections } from '../inventory/changes.js';
import { checkInventory } from '../inventory/check.js';
import type { ManifestDocument } from '../inventory/edit.js';
import { parseManifest } from '../manifest/load.js';
import { loadSchemaValidator } from '../manifest/schema-validator.js';
import { validateLoaded } from '../manifest/validate.js';
import type { Manifest } from '../manifest/types.js';
import { textWithValue } from '../manifest/edit-text.js';
import { renderInventoryJson } from '../render/inventory/json.js';
import { renderInventoryMarkdown } from '../render/inventory/markdown.js';
import { renderInventoryText } from '../render/inventory/text.js';
import { createStyle } from '../render/style.js';
import { resolveActor } from '../state/actor.js';
import { preferredFormat } from '../state/operator-config.js';
import { commitChange } from '../state/transaction.js';
import type { Io } from '../ui/io.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { lockOptions, openManifest } from './open-manifest.js';
import { checkedReason } from '../state/reason.js';
import { isoSeconds } from '../time/timestamp.js';
import { plural } from '../text/plural.js';
import type { InventoryFormat } from './formats.js';
import { INVENTORY_FORMATS } from './formats.js';

export interface InventoryCommandOptions {
  manifest: string;
  check?: boolean;
  format?: InventoryFormat;
  actor?: string;
  reason?: string;
}

/**
 * `agent-rollout inventory`. With --check: completeness per section, every gap and the blast
 * radius, no prompts; exit 1 when the inventory is incomplete. Without: the walkthrough, on a
 * terminal only; it writes (atomically, in the file's own style, with an `inventory` audit
 * entry) only what the operator confirms, and nothing when the file changed meanwhile.
 */
export async function inventoryCommand(options: InventoryCommandOptions, io: Io): Promise<number> {
  const path = options.manifest;
  const reason = checkedReason(options.reason);
  if (options.check) {
    const format = await preferredFormat(options.format, io.env, INVENTORY_FORMATS);
    const { manifest } = await openManifest(path, io);
    const check = checkInventory(manifest, options.manifest);
    const renderers: Record<InventoryFormat, () => string> = {
      text: () => renderInventoryText(check, createStyle(io.color)),
      markdown: () => renderInventoryMarkdown(check),
      json: () => renderInventoryJson(check),
    };
    io.out(renderers[format]());
    return check.complete ? ExitCode.ok : ExitCode.findings;
  }
  if (options.format !== undefined)
    throw new UsageError('--format goes with --check; the walkthrough talks to a person', 'agent-rollout inventory --check --format json');
  if (!io.stdinIsTTY) {
    throw new UsageError(
      'the inventory walkthrough asks questions and needs a terminal',
      'run `agent-rollout inventory --check` to report completeness and gaps without prompts',
    );
  }
  const opened = await openManifest(path, io);
  if (opened.loaded.value === undefined) throw new Error('an opened manifest has a parsed value');
  const validator = await loadSchemaValidator();
  const validate = (document: ManifestDocument) => {
    const text = textWithValue(opened.loaded, document);
    return validateLoaded(parseManifest(options.manifest, new TextEncoder().encode(text)), validator).diagnostics;
  };
  const { walkInventory } = await import('../ui/prompts/inventory-walkthrough.js');
  const { PromptInterrupted } = await import('../ui/prompts/ask.js');
  const style = createStyle(io.color);
  let result: Awaited<ReturnType<typeof walkInventory>>;
  try {
    result = await walkInventory({
      document: opened.loaded.value as ManifestDocument,
      path: options.manifest,
      out: io.out,
      style,
      validate,
    });
  } catch (error) {
    if (error instanceof PromptInterrupted) throw new PromptInterrupted(`interrupted; ${options.manifest} was not changed`);
    throw error;
  }
  if (result.changes.length === 0) return ExitCode.ok;
  if (!result.write) {
    io.out(`Nothing was written; ${options.manifest} is as it was.\n`);
    return ExitCode.ok;
  }
  // Only what the walkthrough changed is rewritten; the rest keeps its layout (one-line arrays stay).
  const text = textWithValue(opened.loaded, result.document);
  const actor = await resolveActor({ ...(options.actor ? { flag: options.actor } : {}), env: io.env, cwd: io.cwd });
  const state = (result.document as unknown as Manifest).state;
  const entry = await commitChange(
    opened.file,
    {
      expectedSha256: opened.loaded.sha256,
      text,
      audit: {
        at: isoSeconds(new Date()),
        actor: actor.name,
        action: 'inventory',
        before: opened.manifest.state,
        after: state,
        reason: reason ?? null,
        details: { sections: changedSections(result.changes) },
        tool: { name: TOOL_NAME, version: TOOL_VERSION },
      },
    },
    lockOptions(path, io),
  );
  io.out(
    `${style.green('✔')} wrote ${options.manifest} (${plural(result.changes.length, 'change')}; audit entry ${entry.seq} by ${actor.name})\n`,
  );
  return ExitCode.ok;
}
