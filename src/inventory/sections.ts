import type { Trigger } from '../manifest/types.js';

/** The five inventory sections, in the order the guide lists them and the walkthrough visits them. */
export const INVENTORY_SECTIONS = ['credentials', 'tools', 'dataClasses', 'triggers', 'costEnvelope'] as const;
export type InventorySection = (typeof INVENTORY_SECTIONS)[number];

/** The list sections (each holds entries with ids); the cost envelope is one object. */
export type ListSection = Exclude<InventorySection, 'costEnvelope'>;
export const LIST_SECTIONS: readonly ListSection[] = ['credentials', 'tools', 'dataClasses', 'triggers'];

/** A section's name in words. */
export const SECTION_LABELS: Record<InventorySection, string> = {
  credentials: 'credentials',
  tools: 'tools',
  dataClasses: 'data classes',
  triggers: 'triggers',
  costEnvelope: 'cost envelope',
};

/** One entry of a section in words. */
export const ENTRY_LABELS: Record<InventorySection, string> = {
  credentials: 'credential',
  tools: 'tool',
  dataClasses: 'data class',
  triggers: 'trigger',
  costEnvelope: 'cost envelope',
};

/** The cost envelope's fields, in the order they are asked and shown. */
export const COST_FIELDS = ['tokensPerInvocation', 'apiCallsPerInvocation', 'usdPerInvocation', 'invocationsPerDay'] as const;
export type CostField = (typeof COST_FIELDS)[number];

export const COST_FIELD_LABELS: Record<CostField, string> = {
  tokensPerInvocation: 'tokens per invocation',
  apiCallsPerInvocation: 'API calls per invocation',
  usdPerInvocation: 'USD per invocation',
  invocationsPerDay: 'invocations per day at 100%',
};

/**
 * How a trigger is named in messages: its id when it has one, else its kind and what fires it
 * (`agent orchestrator`, `schedule 0 * * * *`).
 */
export function triggerLabel(trigger: Trigger, index?: number): string {
  if (trigger.id) return trigger.id;
  const what = trigger.source ?? trigger.cron;
  if (what) return `${trigger.kind} ${what}`;
  return index === undefined ? trigger.kind : `${trigger.kind} trigger #${index + 1}`;
}
