import { SENSITIVE_DATA_CLASSES } from '../manifest/access.js';
import { pointer } from '../json/pointer.js';
import type { Manifest } from '../manifest/types.js';
import { DEFAULT_ANSWERS } from '../init/answers.js';
import type { InventorySection } from './sections.js';
import { COST_FIELDS, COST_FIELD_LABELS, triggerLabel } from './sections.js';

/** The kinds of gap the inventory can have; stable names, used in JSON output. */
export type GapKind =
  | 'credential-no-revoke'
  | 'credential-not-independently-revocable'
  | 'credential-revocability-unknown'
  | 'credential-no-owner'
  | 'credential-no-scopes'
  | 'tool-data-classes-unknown'
  | 'data-class-undeclared'
  | 'trigger-agent-no-owner'
  | 'triggers-none'
  | 'cost-envelope-missing'
  | 'cost-envelope-incomplete'
  | 'placeholder';

/** Something the inventory does not say, which a reviewer needs before the agent is exposed. */
export interface InventoryGap {
  section: InventorySection;
  kind: GapKind;
  /** The entry the gap is about (a credential id, tool id, data class id, trigger label); absent for the whole section. */
  subject?: string;
  /** JSON pointer of the entry (or section) in the manifest. */
  pointer: string;
  message: string;
  /** What to record to close the gap. */
  hint: string;
}

function credentialGaps(manifest: Manifest): InventoryGap[] {
  const gaps: InventoryGap[] = [];
  const revokedBySteps = new Set((manifest.rollback?.steps ?? []).flatMap((step) => (step.credential ? [step.credential] : [])));
  manifest.inventory.credentials.forEach((credential, i) => {
    const at = pointer('inventory', 'credentials', i);
    const gap = (kind: GapKind, message: string, hint: string): void => {
      gaps.push({ section: 'credentials', kind, subject: credential.id, pointer: at, message, hint });
    };
    if (!credential.revoke && !revokedBySteps.has(credential.id)) {
      gap(
        'credential-no-revoke',
        `nothing says how credential "${credential.id}" is revoked`,
        'record a revoke command or runbook on the credential, or a rollback step with "credential" that revokes it',
      );
    }
    if (credential.independentlyRevocable === false) {
      gap(
        'credential-not-independently-revocable',
        `credential "${credential.id}" cannot be revoked on its own: revoking it cuts off other systems too`,
        'issue the agent its own credential, so it can be cut off without taking anything else down',
      );
    } else if (credential.independentlyRevocable === undefined) {
      gap(
        'credential-revocability-unknown',
        `nobody has recorded whether credential "${credential.id}" can be revoked on its own`,
        'set "independentlyRevocable" to true or false',
      );
    }
    if (!credential.owner) {
      gap(
        'credential-no-owner',
        `credential "${credential.id}" has no owner: nobody is named to revoke it`,
        'record who issues and can revoke it ("owner")',
      );
    }
    if ((credential.scopes ?? []).length === 0) {
      gap(
        'credential-no-scopes',
        `credential "${credential.id}" lists no scopes: what it grants is unknown`,
        'list the permissions it grants ("scopes"), e.g. tickets:read',
      );
    }
  });
  return gaps;
}

function toolGaps(manifest: Manifest): InventoryGap[] {
  const gaps: InventoryGap[] = [];
  manifest.inventory.tools.forEach((tool, i) => {
    if (tool.dataClasses === undefined) {
      gaps.push({
        section: 'tools',
        kind: 'tool-data-classes-unknown',
        subject: tool.id,
        pointer: pointer('inventory', 'tools', i),
        message: `tool "${tool.id}" does not say which data classes it reaches`,
        hint: 'list them in "dataClasses" ([] when it reaches none)',
      });
    }
  });
  return gaps;
}

function dataClassGaps(manifest: Manifest): InventoryGap[] {
  const declared = new Set(manifest.inventory.dataClasses.map((d) => d.id));
  const users = new Map<string, string[]>();
  const use = (id: string, user: string): void => {
    if (declared.has(id)) return;
    const list = users.get(id) ?? [];
    if (!list.includes(user)) list.push(user);
    users.set(id, list);
  };
  for (const tool of manifest.inventory.tools) for (const id of tool.dataClasses ?? []) use(id, `tool "${tool.id}"`);
  for (const id of manifest.guardrails?.output?.dataClasses ?? []) use(id, 'output inspection');
  return [...users].map(([id, list]) => ({
    section: 'dataClasses',
    kind: 'data-class-undeclared',
    subject: id,
    pointer: pointer('inventory', 'dataClasses'),
    message: `data class "${id}" is named by ${list.join(' and ')} but not declared`,
    hint: `declare it with its access (read, write or read-write)${SENSITIVE_DATA_CLASSES.has(id) ? '; it is sensitive' : ''}`,
  }));
}

function triggerGaps(manifest: Manifest): InventoryGap[] {
  const { triggers } = manifest.inventory;
  if (triggers.length === 0) {
    return [
      {
        section: 'triggers',
        kind: 'triggers-none',
        pointer: pointer('inventory', 'triggers'),
        message: 'no trigger is declared: nothing says how the agent is invoked',
        hint: 'record each way the agent is invoked: webhook, schedule, user action, another agent, queue or API',
      },
    ];
  }
  const gaps: InventoryGap[] = [];
  triggers.forEach((trigger, i) => {
    if (trigger.kind === 'agent' && !trigger.owner) {
      const label = triggerLabel(trigger, i);
      gaps.push({
        section: 'triggers',
        kind: 'trigger-agent-no-owner',
        subject: label,
        pointer: pointer('inventory', 'triggers', i),
        message: `trigger "${label}" comes from another agent${trigger.source ? ` (${trigger.source})` : ''} and has no owner`,
        hint: 'record who answers for the calling agent ("owner"), so an incident can be traced back to them',
      });
    }
  });
  return gaps;
}

function costGaps(manifest: Manifest): InventoryGap[] {
  const envelope = manifest.inventory.costEnvelope;
  if (!envelope) {
    return [
      {
        section: 'costEnvelope',
        kind: 'cost-envelope-missing',
        pointer: pointer('inventory'),
        message: 'the cost envelope is missing: there is no baseline for spend limits or cost criteria',
        hint: 'estimate tokens, API calls and USD per invocation, and invocations per day at full rollout',
      },
    ];
  }
  const missing = COST_FIELDS.filter((field) => envelope[field] === undefined);
  if (missing.length === 0) return [];
  return [
    {
      section: 'costEnvelope',
      kind: 'cost-envelope-incomplete',
      pointer: pointer('inventory', 'costEnvelope'),
      message: `the cost envelope does not estimate ${missing.map((f) => COST_FIELD_LABELS[f]).join(', ')}`,
      hint: `add ${missing.map((f) => `"${f}"`).join(', ')}`,
    },
  ];
}

/** Every gap in a manifest's inventory, section by section in the guide's order. Pure. */
/**
 * Values `init --yes` writes as placeholders, still in place: they validate, but they are not
 * the agent's facts, so the inventory is not complete while they are there.
 */
function placeholderGaps(manifest: Manifest): InventoryGap[] {
  const placeholders = DEFAULT_ANSWERS;
  const gaps: InventoryGap[] = [];
  const gap = (section: InventorySection, subject: string, at: string, what: string, value: string): void => {
    gaps.push({
      section,
      kind: 'placeholder',
      subject,
      pointer: at,
      message: `${what} still holds init's placeholder ${JSON.stringify(value)}`,
      hint: "replace it with the agent's own fact (agent-rollout inventory, or edit rollout.json)",
    });
  };
  manifest.inventory.credentials.forEach((credential, i) => {
    const at = pointer('inventory', 'credentials', i);
    if (credential.secretRef === placeholders.credential.secretRef)
      gap('credentials', credential.id, `${at}/secretRef`, `credential "${credential.id}"'s secretRef`, credential.secretRef ?? '');
    if (credential.owner === placeholders.agent.owner)
      gap('credentials', credential.id, `${at}/owner`, `credential "${credential.id}"'s owner`, placeholders.agent.owner);
  });
  manifest.inventory.tools.forEach((tool, i) => {
    if (tool.endpoint === placeholders.tool.endpoint)
      gap('tools', tool.id, `${pointer('inventory', 'tools', i)}/endpoint`, `tool "${tool.id}"'s endpoint`, tool.endpoint ?? '');
  });
  manifest.inventory.triggers.forEach((trigger, i) => {
    if (trigger.owner === placeholders.agent.owner)
      gap(
        'triggers',
        triggerLabel(trigger, i),
        `${pointer('inventory', 'triggers', i)}/owner`,
        `trigger ${triggerLabel(trigger, i)}'s owner`,
        placeholders.agent.owner,
      );
  });
  return gaps;
}

export function findInventoryGaps(manifest: Manifest): InventoryGap[] {
  return [
    ...credentialGaps(manifest),
    ...toolGaps(manifest),
    ...dataClassGaps(manifest),
    ...triggerGaps(manifest),
    ...costGaps(manifest),
    ...placeholderGaps(manifest),
  ];
}
