import type { Format } from '../render/format.js';

/**
 * Each command's output formats, defined once: its option (`--format`, src/cli/<command>.ts
 * `.choices(...)`) and its implementation (a `Record<XFormat, renderer>`) both read the list
 * here, so a format cannot be offered without a renderer or rendered without being offered.
 * Kept apart from the commands so that defining the options does not load an implementation.
 */

export const VALIDATE_FORMATS = ['text', 'json', 'sarif', 'github'] as const satisfies readonly Format[];
export type ValidateFormat = (typeof VALIDATE_FORMATS)[number];

export const INVENTORY_FORMATS = ['text', 'markdown', 'json'] as const satisfies readonly Format[];
export type InventoryFormat = (typeof INVENTORY_FORMATS)[number];

export const PLAN_FORMATS = ['text', 'markdown', 'json'] as const satisfies readonly Format[];
export type PlanFormat = (typeof PLAN_FORMATS)[number];

/** `gate`, and `advance`, which prints the gate it ran before what it did. */
export const GATE_FORMATS = ['text', 'json', 'markdown'] as const satisfies readonly Format[];
export type GateFormat = (typeof GATE_FORMATS)[number];

/** The state commands (pause, resume, enable, disable, rollback, org, mode), `status` and `audit`. */
export const STATE_FORMATS = ['text', 'json'] as const satisfies readonly Format[];
export type StateFormat = (typeof STATE_FORMATS)[number];

export const DRILL_FORMATS = ['text', 'json', 'markdown'] as const satisfies readonly Format[];
export type DrillFormat = (typeof DRILL_FORMATS)[number];

export const GUARDRAILS_FORMATS = ['text', 'json', 'markdown'] as const satisfies readonly Format[];
export type GuardrailsFormat = (typeof GUARDRAILS_FORMATS)[number];

export const DIFF_FORMATS = ['text', 'json', 'markdown'] as const satisfies readonly Format[];
export type DiffFormat = (typeof DIFF_FORMATS)[number];

export const CONFIG_FORMATS = ['text', 'json'] as const satisfies readonly Format[];
export type ConfigFormat = (typeof CONFIG_FORMATS)[number];

export const SIGNALS_FORMATS = ['text', 'json'] as const satisfies readonly Format[];
export type SignalsFormat = (typeof SIGNALS_FORMATS)[number];

export const SCHEMA_FORMATS = ['text', 'json'] as const satisfies readonly Format[];
export type SchemaFormat = (typeof SCHEMA_FORMATS)[number];

/** `status`: text and json for one agent or the fleet; markdown and html (the board) always show the fleet. */
export const STATUS_FORMATS = ['text', 'json', 'markdown', 'html'] as const satisfies readonly Format[];
export type StatusFormat = (typeof STATUS_FORMATS)[number];
