/**
 * The data a semantic diff of two manifests produces. Every output format (text, markdown,
 * JSON) renders this, so they always agree.
 */

/** How much a change matters to a reviewer of the agent's reach and the rollout's safety. */
export type Risk = 'high' | 'medium' | 'low';
export const RISKS: readonly Risk[] = ['high', 'medium', 'low'];

/** Ordering of risks: higher is riskier. */
export const RISK_RANK: Record<Risk, number> = { low: 1, medium: 2, high: 3 };

/** Whether `risk` reaches `threshold` (high reaches medium, ...). */
export function reaches(risk: Risk, threshold: Risk): boolean {
  return RISK_RANK[risk] >= RISK_RANK[threshold];
}

export type ChangeKind = 'added' | 'removed' | 'changed';

/** The manifest's top-level sections, in the order output lists them. */
export const SECTIONS = ['agent', 'inventory', 'guardrails', 'metrics', 'stages', 'rollback', 'state', 'other'] as const;
export type Section = (typeof SECTIONS)[number];

export const SECTION_TITLES: Record<Section, string> = {
  agent: 'Agent',
  inventory: 'Inventory',
  guardrails: 'Guardrails',
  metrics: 'Metrics',
  stages: 'Stages',
  rollback: 'Rollback',
  state: 'State',
  other: 'Other',
};

/**
 * How a change reads, in parts, so each format can mark up the values its own way:
 * "audience 5% → 10%" is { label: 'audience', from: '5%', to: '10%' }; "scopes + ledger:write" is
 * { label: 'scopes', op: '+', to: 'ledger:write' }; "added (api-token, write)" is
 * { op: 'added', detail: 'api-token, write' }. Every string here is safe to print (no secret).
 */
export interface ChangeText {
  /** The field, relative to the subject ('' when the change is the subject itself). */
  label: string;
  op: '→' | '+' | '-' | 'added' | 'removed' | 'order';
  from?: string;
  to?: string;
  detail?: string;
}

/** One semantic change. */
export interface Change {
  section: Section;
  /** The object the change belongs to, e.g. "stage limited-beta", "credential ledger-rw". */
  subject: string;
  /** The field inside the subject, dotted ('' for the whole subject). */
  field: string;
  /** JSON pointer to the value in HEAD (or, for a removal, in BASE). */
  path: string;
  kind: ChangeKind;
  /** The value before and after (null when absent); strings that look like secrets are replaced. */
  before: unknown;
  after: unknown;
  risk: Risk;
  /** The id of the risk rule (docs/diff-risks.md). */
  rule: string;
  /** Why the change has its risk, in a sentence. */
  reason: string;
  parts: ChangeText;
  /** Recorded evidence this change makes outdated: guardrail test runs (src/diff/evidence.ts). */
  invalidates?: 'guardrail-tests';
}

export interface Note {
  level: 'warning' | 'info';
  text: string;
}

export interface RiskCounts {
  changes: number;
  high: number;
  medium: number;
  low: number;
}

export interface DiffResult {
  base: string;
  head: string;
  changes: Change[];
  /** Facts a reviewer needs beside the changes: a drill that no longer covers the rollback, an invalid side. */
  notes: Note[];
  summary: RiskCounts;
}

/** Counts of changes by risk. */
export function countRisks(changes: readonly Change[]): RiskCounts {
  const counts: RiskCounts = { changes: changes.length, high: 0, medium: 0, low: 0 };
  for (const change of changes) counts[change.risk]++;
  return counts;
}

/** The change as one line of plain text, e.g. "audience 5% → 10%". */
export function changeText(parts: ChangeText, value: (text: string) => string = (text) => text): string {
  const label = parts.label;
  const detail = parts.detail !== undefined ? ` (${parts.detail})` : '';
  switch (parts.op) {
    case '→':
      return `${label} ${value(parts.from ?? 'unset')} → ${value(parts.to ?? 'unset')}`.trimStart();
    case '+':
      return `${label} + ${value(parts.to ?? '')}`.trimStart();
    case '-':
      return `${label} - ${value(parts.from ?? '')}`.trimStart();
    case 'order':
      return `${label ? `${label} ` : ''}order ${value(parts.from ?? '')} → ${value(parts.to ?? '')}`;
    case 'added':
    case 'removed': {
      const what = label ? `${label} ${parts.op}` : parts.op;
      const shown = parts.to ?? parts.from;
      return `${what}${shown !== undefined ? `: ${value(shown)}` : ''}${detail}`;
    }
  }
}
