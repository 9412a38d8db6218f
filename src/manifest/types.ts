/**
 * The manifest's TypeScript types. They are generated from schemas/rollout.v1.schema.json
 * (see schema-types.ts), so the schema stays the single source of the shape.
 */
export type {
  Manifest,
  Agent,
  Inventory,
  Credential,
  Tool,
  DataClass,
  Trigger,
  CostEnvelope,
  Guardrails,
  Metrics,
  Source,
  Signal,
  Alert,
  Stage,
  Audience,
  Criterion,
  Rollback,
  Step,
  Probe,
  State,
  OrgState,
  PassRatePolicy,
  Access,
  GovernanceMode,
  Argv,
} from './schema-types.js';

/** The manifest versions this agent-rollout reads. */
export const SUPPORTED_VERSION = 1;
