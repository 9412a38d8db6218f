import { parseCases } from '../guardrails/cases.js';
import type { Change, Note } from './model.js';

/**
 * Guardrail test evidence is bound to the manifest's `guardrails` section, `agent.model`,
 * `agent.version`, the prompt `agent.promptFile` names, and the cases file (src/guardrails/
 * identity.ts). A change to any of them makes every recorded run outdated. Pure.
 */
export function invalidatesEvidence(logical: string): boolean {
  return (
    logical === 'guardrails' || logical.startsWith('guardrails/') || ['agent/model', 'agent/version', 'agent/promptFile'].includes(logical)
  );
}

export const EVIDENCE_REASON = 'invalidates the guardrail test evidence: re-run `agent-rollout guardrails test`';

/** The warning a reviewer reads when a change invalidates the guardrail test evidence. */
export function evidenceNote(changes: readonly Change[]): Note | undefined {
  const what = [
    ...new Set(
      changes
        .filter((c) => c.invalidates === 'guardrail-tests')
        .map((c) => (c.section === 'agent' ? `agent.${c.field || c.subject}` : c.subject)),
    ),
  ];
  if (what.length === 0) return undefined;
  return {
    level: 'warning',
    text: `The guardrail test evidence no longer counts: ${what.slice(0, 5).join(', ')}${what.length > 5 ? ` and ${what.length - 5} more` : ''} changed, and a run counts only for the agent, guardrails section and cases it tested (the refusal-tests prerequisite, guardrails.passedWithin criteria). Run \`agent-rollout guardrails test\` on the changed agent before the gate.`,
  };
}

/** A file the manifest names, at BASE and at HEAD (null when a side has none). */
export interface NamedFile {
  path: string;
  base: string | null;
  head: string | null;
}

function casesSummary(base: string | null, head: string | null): string {
  const before = new Map(parseCases(base ?? '').cases.map((c) => [c.id, JSON.stringify([c.input, c.expect, c.category, c.repeat])]));
  const after = new Map(parseCases(head ?? '').cases.map((c) => [c.id, JSON.stringify([c.input, c.expect, c.category, c.repeat])]));
  let added = 0;
  let removed = 0;
  let changed = 0;
  for (const [id, value] of after) {
    const old = before.get(id);
    if (old === undefined) added++;
    else if (old !== value) changed++;
  }
  for (const id of before.keys()) if (!after.has(id)) removed++;
  return `${after.size} cases: ${added} added, ${removed} removed, ${changed} changed`;
}

/**
 * `diff --git`: the cases file and the prompt file compared at the ref and in the working tree;
 * a difference is a change that invalidates the guardrail test evidence. Pure.
 */
export function namedFileChanges(files: { cases?: NamedFile; prompt?: NamedFile }): Change[] {
  const changes: Change[] = [];
  const kindOf = (file: NamedFile): Change['kind'] => (file.base === null ? 'added' : file.head === null ? 'removed' : 'changed');
  const { cases, prompt } = files;
  if (cases && cases.base !== cases.head) {
    const summary = casesSummary(cases.base, cases.head);
    const removed = cases.head === null;
    changes.push({
      section: 'guardrails',
      subject: 'refusal test cases',
      field: cases.path,
      path: '/guardrails/boundaries/tests/cases',
      kind: kindOf(cases),
      before: null,
      after: removed ? null : summary,
      risk: removed ? 'high' : 'medium',
      rule: 'guardrail-cases-file',
      reason: `${removed ? 'the cases file is gone' : `the cases file changed (${summary})`}: check it still covers every boundary; ${EVIDENCE_REASON}`,
      parts: { label: cases.path, op: '→', from: 'at BASE', to: removed ? 'removed' : summary },
      invalidates: 'guardrail-tests',
    });
  }
  if (prompt && prompt.base !== prompt.head) {
    const lines = (text: string | null): number => (text === null ? 0 : text.split('\n').length);
    changes.push({
      section: 'agent',
      subject: 'system prompt',
      field: prompt.path,
      path: '/agent/promptFile',
      kind: kindOf(prompt),
      before: null,
      after: null,
      risk: 'medium',
      rule: 'agent-prompt',
      reason: `the system prompt changed (${lines(prompt.base)} → ${lines(prompt.head)} lines): behaviour changes; ${EVIDENCE_REASON}`,
      parts: { label: prompt.path, op: '→', from: `${lines(prompt.base)} lines`, to: `${lines(prompt.head)} lines` },
      invalidates: 'guardrail-tests',
    });
  }
  return changes;
}
