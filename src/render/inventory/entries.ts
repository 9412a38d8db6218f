import { safeData } from '../safe-text.js';
import { credentialAccess, isSensitive } from '../../manifest/access.js';
import type { CostEnvelope, Credential, DataClass, Manifest, Tool, Trigger } from '../../manifest/types.js';
import { formatNumber } from '../../plan/criterion-text.js';
import type { InventorySection } from '../../inventory/sections.js';
import { COST_FIELDS, COST_FIELD_LABELS, triggerLabel } from '../../inventory/sections.js';
import type { Style } from '../style.js';

/** What the manifest holds about one credential, as the walkthrough shows it. */
export function credentialLines(credential: Credential, manifest: Manifest, style: Style): string[] {
  credential = safeData(credential);
  manifest = safeData(manifest);
  const access = credentialAccess(credential, manifest.inventory.tools);
  const revocable =
    credential.independentlyRevocable === undefined
      ? style.yellow('not recorded')
      : credential.independentlyRevocable
        ? 'yes'
        : style.red('no');
  const revokeStep = (manifest.rollback?.steps ?? []).find((s) => s.credential === credential.id);
  const revoke = [
    credential.revoke?.run ? `run ${credential.revoke.run.join(' ')}` : '',
    credential.revoke?.runbook ? `runbook ${credential.revoke.runbook}` : '',
    revokeStep ? `rollback step ${revokeStep.id}` : '',
  ].filter(Boolean);
  return [
    `${style.bold(credential.id)} (${credential.kind}, ${access} access)${credential.description ? style.dim(` ${credential.description}`) : ''}`,
    `  scopes: ${credential.scopes?.length ? credential.scopes.join(', ') : style.yellow('none listed')}`,
    `  owner: ${credential.owner ?? style.yellow('nobody named')} · revocable on its own: ${revocable}`,
    `  revoke: ${revoke.length ? revoke.join(' · ') : style.red('not recorded')}`,
    ...(credential.secretRef ? [`  secret: ${credential.secretRef}`] : []),
  ];
}

export function toolLines(tool: Tool, style: Style): string[] {
  tool = safeData(tool);
  const classes = tool.dataClasses === undefined ? style.yellow('unknown') : tool.dataClasses.length ? tool.dataClasses.join(', ') : 'none';
  return [
    `${style.bold(tool.id)} (${tool.kind}, ${tool.access} access)${tool.endpoint ? ` ${tool.endpoint}` : ''}`,
    `  credential: ${tool.credential ?? 'none needed'} · data classes: ${classes}`,
    ...(tool.description ? [`  ${style.dim(tool.description)}`] : []),
  ];
}

export function dataClassLines(dataClass: DataClass, style: Style): string[] {
  dataClass = safeData(dataClass);
  return [
    `${style.bold(dataClass.id)}: ${dataClass.access}${isSensitive(dataClass) ? ', sensitive' : ''}${dataClass.description ? style.dim(` ${dataClass.description}`) : ''}`,
  ];
}

export function triggerLines(trigger: Trigger, index: number, style: Style): string[] {
  trigger = safeData(trigger);
  index = safeData(index);
  const what = [trigger.kind, trigger.source ?? trigger.cron].filter(Boolean).join(' ');
  const owner = trigger.owner ? `owner ${trigger.owner}` : trigger.kind === 'agent' ? style.red('no owner') : 'no owner named';
  return [
    `${style.bold(triggerLabel(trigger, index))}: ${what}, ${owner}${trigger.description ? style.dim(` ${trigger.description}`) : ''}`,
  ];
}

export function costEnvelopeLines(envelope: CostEnvelope | undefined, style: Style): string[] {
  envelope = safeData(envelope);
  if (!envelope) return [style.red('no cost envelope')];
  const lines = COST_FIELDS.map(
    (field) =>
      `${COST_FIELD_LABELS[field]}: ${envelope[field] === undefined ? style.yellow('not estimated') : formatNumber(envelope[field])}`,
  );
  if (envelope.usdPerInvocation !== undefined && envelope.invocationsPerDay !== undefined) {
    lines.push(style.dim(`about ${formatNumber(envelope.usdPerInvocation * envelope.invocationsPerDay)} USD/day at 100%`));
  }
  return lines;
}

/** What the manifest holds in one section, one block per entry. */
export function sectionLines(manifest: Manifest, section: InventorySection, style: Style): string[] {
  manifest = safeData(manifest);
  section = safeData(section);
  const { inventory } = manifest;
  const blocks: string[][] =
    section === 'credentials'
      ? inventory.credentials.map((c) => credentialLines(c, manifest, style))
      : section === 'tools'
        ? inventory.tools.map((t) => toolLines(t, style))
        : section === 'dataClasses'
          ? inventory.dataClasses.map((d) => dataClassLines(d, style))
          : section === 'triggers'
            ? inventory.triggers.map((t, i) => triggerLines(t, i, style))
            : [costEnvelopeLines(inventory.costEnvelope, style)];
  if (blocks.length === 0) return [style.dim('(none recorded)')];
  return blocks.flat();
}
