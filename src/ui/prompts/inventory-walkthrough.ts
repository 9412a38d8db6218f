import type { Diagnostic } from '../../manifest/diagnostic.js';
import type { Manifest } from '../../manifest/types.js';
import type { InventoryChange } from '../../inventory/changes.js';
import { inventoryChanges } from '../../inventory/changes.js';
import { inventoryReport } from '../../inventory/completeness.js';
import type { InventoryEdit, ManifestDocument } from '../../inventory/edit.js';
import { applyEdit, costFieldReferences, entryName, entryReferences } from '../../inventory/edit.js';
import type { InventorySection, ListSection } from '../../inventory/sections.js';
import { ENTRY_LABELS, INVENTORY_SECTIONS, SECTION_LABELS, triggerLabel } from '../../inventory/sections.js';
import { sectionLines } from '../../render/inventory/entries.js';
import { completenessTable, gapLines } from '../../render/inventory/text.js';
import type { Style } from '../../render/style.js';
import type { Choice } from './ask.js';
import { askConfirm, askSelect } from './ask.js';
import { askCostEnvelope, askCredential, askDataClass, askTool, askTrigger } from './forms.js';
import { plural } from '../../text/plural.js';

/** What each section records, from the guide's step 1. */
const SECTION_PURPOSE: Record<InventorySection, string> = {
  credentials: 'every API key, token or service account the agent holds, and how each is revoked',
  tools: 'every MCP server, API, database or file system the agent can reach',
  dataClasses: 'the categories of data the agent can read or write',
  triggers: 'how the agent is invoked: webhook, schedule, user action, another agent, queue or API',
  costEnvelope: 'a rough estimate of token spend and API calls per invocation, and the volume at full rollout',
};

export interface WalkthroughOptions {
  /** The manifest as parsed from its file (keys in source order). */
  document: ManifestDocument;
  /** The manifest's path, as shown. */
  path: string;
  out: (text: string) => void;
  style: Style;
  /** Validates a changed document (schema and rules), for the summary. */
  validate: (document: ManifestDocument) => Diagnostic[];
}

export interface WalkthroughResult {
  document: ManifestDocument;
  changes: InventoryChange[];
  /** The operator confirmed writing the changes. */
  write: boolean;
}

type Action = 'next' | 'add' | 'edit' | 'remove';

function asManifest(document: ManifestDocument): Manifest {
  return document as unknown as Manifest;
}

function entryCount(manifest: Manifest, section: InventorySection): number {
  return section === 'costEnvelope' ? (manifest.inventory.costEnvelope ? 1 : 0) : manifest.inventory[section].length;
}

function actionChoices(manifest: Manifest, section: InventorySection, gaps: number): Choice<Action>[] {
  const label = ENTRY_LABELS[section];
  const next: Choice<Action> = {
    value: 'next',
    name: gaps ? `Yes, as far as I know: next section (${plural(gaps, 'gap')} stay open)` : 'Yes, it is still true: next section',
  };
  if (section === 'costEnvelope') {
    const exists = manifest.inventory.costEnvelope !== undefined;
    return [
      next,
      { value: 'edit', name: exists ? 'Edit the cost envelope' : 'Add a cost envelope' },
      ...(exists ? [{ value: 'remove' as const, name: 'Remove the cost envelope' }] : []),
    ];
  }
  const count = entryCount(manifest, section);
  return [
    next,
    { value: 'add', name: `Add a ${label}` },
    ...(count
      ? [
          { value: 'edit' as const, name: `Edit a ${label}` },
          { value: 'remove' as const, name: `Remove a ${label}` },
        ]
      : []),
  ];
}

async function pickEntry(manifest: Manifest, section: ListSection, verb: string): Promise<number> {
  const choices: Choice<number>[] =
    section === 'triggers'
      ? manifest.inventory.triggers.map((t, i) => ({ value: i, name: triggerLabel(t, i) }))
      : manifest.inventory[section].map((entry, i) => ({ value: i, name: entry.id }));
  return askSelect(`Which ${ENTRY_LABELS[section]} do you want to ${verb}?`, choices);
}

function otherIds(manifest: Manifest, section: ListSection, except?: number): string[] {
  const entries: { id?: string }[] = manifest.inventory[section];
  return entries.flatMap((entry, i) => (i !== except && entry.id !== undefined ? [entry.id] : []));
}

async function form(manifest: Manifest, section: ListSection, index: number | undefined): Promise<Record<string, unknown>> {
  const taken = otherIds(manifest, section, index);
  const { inventory } = manifest;
  switch (section) {
    case 'credentials': {
      const current = index === undefined ? undefined : inventory.credentials[index];
      return askCredential({ taken, ...(current ? { current } : {}) });
    }
    case 'tools': {
      const current = index === undefined ? undefined : inventory.tools[index];
      return askTool({ taken, manifest, ...(current ? { current } : {}) });
    }
    case 'dataClasses': {
      const current = index === undefined ? undefined : inventory.dataClasses[index];
      const declared = new Set(inventory.dataClasses.map((d) => d.id));
      const suggestedId = inventory.tools.flatMap((t) => t.dataClasses ?? []).find((id) => !declared.has(id));
      return askDataClass({ taken, ...(current ? { current } : {}), ...(suggestedId && !current ? { suggestedId } : {}) });
    }
    case 'triggers': {
      const current = index === undefined ? undefined : inventory.triggers[index];
      return askTrigger({ taken, ...(current ? { current } : {}) });
    }
  }
}

/** Runs one action on a section; returns the new document (the same one when nothing changed). */
async function act(
  document: ManifestDocument,
  section: InventorySection,
  action: Exclude<Action, 'next'>,
  out: (text: string) => void,
  style: Style,
): Promise<ManifestDocument> {
  const manifest = asManifest(document);
  if (section === 'costEnvelope') {
    if (action === 'remove') {
      const users = [...costFieldReferences(manifest).values()].flat();
      if (users.length) {
        out(`${style.red('✖')} the cost envelope cannot be removed: ${users.map((u) => u.where).join(', ')} compares with it\n`);
        return document;
      }
      return (await askConfirm('Remove the cost envelope?', false))
        ? applyEdit(document, { op: 'set-cost-envelope', envelope: undefined })
        : document;
    }
    const current = manifest.inventory.costEnvelope;
    const envelope = await askCostEnvelope({ manifest, ...(current ? { current } : {}) });
    return applyEdit(document, { op: 'set-cost-envelope', envelope: Object.keys(envelope).length ? envelope : undefined });
  }
  if (action === 'add') {
    const entry = await form(manifest, section, undefined);
    return applyEdit(document, { op: 'add', section, entry });
  }
  const index = await pickEntry(manifest, section, action);
  const name = entryName(manifest, section, index);
  const references = entryReferences(manifest, section, index);
  if (action === 'edit') {
    const entry = await form(manifest, section, index);
    const edit: InventoryEdit = { op: 'replace', section, index, entry };
    const previousId = (manifest.inventory[section][index] as { id?: string }).id;
    if (previousId !== undefined && entry['id'] !== previousId && references.length) {
      out(`  ${style.dim(`renamed in ${references.map((r) => r.where).join(', ')} too`)}\n`);
    }
    return applyEdit(document, edit);
  }
  const blocking = references.filter((r) => r.blocking);
  if (blocking.length) {
    out(
      `${style.red('✖')} ${name} cannot be removed: ${blocking.map((r) => r.where).join(', ')} ${blocking.length === 1 ? 'uses' : 'use'} it. Change ${blocking.length === 1 ? 'that' : 'those'} first.\n`,
    );
    return document;
  }
  const also = references.length ? ` It is also removed from ${references.map((r) => r.where).join(', ')}.` : '';
  return (await askConfirm(`Remove ${name}?${also}`, false)) ? applyEdit(document, { op: 'remove', section, index }) : document;
}

function changeLines(changes: readonly InventoryChange[], style: Style): string[] {
  return changes.map((c) => {
    const sign = c.change === 'added' ? style.green('+') : c.change === 'removed' ? style.red('-') : style.yellow('~');
    const what =
      c.section === 'stages' || c.section === 'guardrails' || c.section === 'rollback'
        ? `${c.section} (references updated)`
        : c.subject
          ? `${ENTRY_LABELS[c.section]} ${c.subject}`
          : SECTION_LABELS[c.section];
    return `  ${sign} ${what} ${style.dim(c.change)}`;
  });
}

/**
 * The inventory walkthrough: the five sections in turn. For each it shows what the manifest
 * holds and its gaps, asks whether that is still true, and lets the operator add, edit or remove
 * entries; at the end it shows a summary and asks before anything is written. It writes nothing
 * itself: the command writes what it returns.
 */
export async function walkInventory(options: WalkthroughOptions): Promise<WalkthroughResult> {
  const { out, style } = options;
  const before = asManifest(options.document);
  let document = options.document;
  out(
    `${style.bold(`Inventory of ${before.agent.id}`)} ${style.dim(`(${options.path})`)}: five sections. Nothing is written until you confirm at the end; Ctrl-C leaves the file as it is.\n`,
  );
  for (const [i, section] of INVENTORY_SECTIONS.entries()) {
    for (;;) {
      const manifest = asManifest(document);
      const gaps = inventoryReport(manifest).gaps.filter((g) => g.section === section);
      out(
        `\n${style.bold(`── ${i + 1}/${INVENTORY_SECTIONS.length} ${SECTION_LABELS[section][0]?.toUpperCase()}${SECTION_LABELS[section].slice(1)}`)}${style.dim(`: ${SECTION_PURPOSE[section]}`)}\n`,
      );
      out(
        `${sectionLines(manifest, section, style)
          .map((line) => `  ${line}`)
          .join('\n')}\n`,
      );
      if (gaps.length) out(`${gaps.flatMap((gap) => gapLines(gap, style)).join('\n')}\n`);
      const action = await askSelect(
        `Is this still true of the ${SECTION_LABELS[section]}?`,
        actionChoices(manifest, section, gaps.length),
        'next',
      );
      if (action === 'next') break;
      document = await act(document, section, action, out, style);
    }
  }
  const after = asManifest(document);
  const changes = inventoryChanges(before, after);
  out(`\n${style.bold('Summary')}\n`);
  const report = inventoryReport(after);
  out(completenessTable(report.sections, style));
  if (report.gaps.length) out(`${report.gaps.flatMap((gap) => gapLines(gap, style)).join('\n')}\n`);
  if (changes.length === 0) {
    out(`\nNo changes: ${options.path} was not touched.\n`);
    return { document, changes, write: false };
  }
  out(`\n${style.bold('Changes')}\n${changeLines(changes, style).join('\n')}\n`);
  const beforeErrors = new Set(
    options
      .validate(options.document)
      .filter((d) => d.severity === 'error')
      .map((d) => `${d.rule} ${d.message}`),
  );
  const newErrors = options.validate(document).filter((d) => d.severity === 'error' && !beforeErrors.has(`${d.rule} ${d.message}`));
  if (newErrors.length) {
    out(`\n${style.red(`These changes bring ${plural(newErrors.length, 'new validation error')}:`)}\n`);
    for (const d of newErrors) out(`  ${style.red('error')} ${style.dim(d.rule)} ${d.message}\n      ${style.cyan('hint:')} ${d.hint}\n`);
  }
  const write = await askConfirm(`Write these changes to ${options.path}?`, newErrors.length === 0);
  return { document, changes, write };
}
