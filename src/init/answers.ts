import type { CostEnvelope, Credential, DataClass, Tool, Trigger } from '../manifest/types.js';

/** What init asks for; `init --yes` takes DEFAULT_ANSWERS. */
export interface InitAnswers {
  agent: { id: string; name: string; owner: string; contact?: string; model: string };
  /** The first credential the agent holds; held from the pilot on. */
  credential: Credential;
  /** The first tool; uses the credential. */
  tool: Tool;
  dataClasses: DataClass[];
  triggers: Trigger[];
  cost: Required<CostEnvelope>;
  stages: {
    /** Who uses the agent in the internal pilot (the guide: 1-2 trusted team members). */
    pilotUsers: string[];
    pilotOrgs: string[];
    /** The pilot's expected volume, for its spend limit. */
    pilotInvocationsPerDay: number;
    /** The limited beta's share of users or workloads (the guide: 5-10%). */
    betaPercent: number;
  };
}

/** Placeholders that validate: replace them with the agent's own facts. */
export const DEFAULT_ANSWERS: InitAnswers = {
  agent: { id: 'my-agent', name: 'My agent', owner: 'my-team', contact: 'my-team@example.com', model: 'provider/model-name' },
  credential: {
    id: 'my-agent-token',
    kind: 'api-token',
    description: "The agent's own read-only token.",
    secretRef: 'env:MY_AGENT_TOKEN',
    scopes: ['records:read'],
    access: 'read',
    owner: 'my-team',
    independentlyRevocable: true,
    revoke: { runbook: 'runbooks/rollback.md' },
  },
  tool: {
    id: 'my-tool',
    kind: 'http-api',
    description: 'The API the agent reads its records from.',
    endpoint: 'https://api.example.com',
    credential: 'my-agent-token',
    access: 'read',
    dataClasses: ['internal-docs'],
  },
  dataClasses: [{ id: 'internal-docs', access: 'read', description: 'Internal documents the agent reads.' }],
  triggers: [{ id: 'user-request', kind: 'user-action', owner: 'my-team', description: 'A user asks the agent for help.' }],
  cost: { tokensPerInvocation: 10000, apiCallsPerInvocation: 5, usdPerInvocation: 0.05, invocationsPerDay: 200 },
  stages: { pilotUsers: ['pilot-user@example.com'], pilotOrgs: [], pilotInvocationsPerDay: 20, betaPercent: 5 },
};

/** A name for an agent id: support-triage → Support triage. */
export function nameFromId(id: string): string {
  const words = id.replace(/[._-]+/g, ' ').trim();
  return words === '' ? id : `${words[0]?.toUpperCase()}${words.slice(1)}`;
}
