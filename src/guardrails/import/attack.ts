import { createHash } from 'node:crypto';
import type { Decision, GuardrailCase } from '../cases.js';

/** The red-team tools `guardrails import` reads. */
export const RED_TEAM_FORMATS = ['promptfoo', 'garak'] as const;
export type RedTeamFormat = (typeof RED_TEAM_FORMATS)[number];

/** One attack input a red-team file holds. */
export interface Attack {
  input: string;
  /** The promptfoo plugin or the garak probe. */
  plugin: string;
  /** promptfoo's strategy (jailbreak, prompt-injection, base64...), when there is one. */
  strategy?: string;
  /** Where it is in the file (1-based). */
  line: number;
}

/** A result the importer passes over, and why. */
export interface Skipped {
  line: number;
  reason: string;
}

/** What a red-team file holds: attacks, results passed over, or the first line that cannot be read. */
export type RedTeamFile = { ok: true; attacks: Attack[]; skipped: Skipped[] } | { ok: false; line: number; message: string };

/** A plugin, strategy or probe about prompt injection or a jailbreak: the input inspection is to block it. */
const INJECTION = /inject|jailbreak|(^|[._:-])(dan|tap|suffix)([._:-]|$)/i;

/** `block` for an injection or a jailbreak, else `refuse`. Pure. */
export function expectedDecision(attack: Pick<Attack, 'plugin' | 'strategy'>): Decision {
  return INJECTION.test(attack.plugin) || (attack.strategy !== undefined && INJECTION.test(attack.strategy)) ? 'block' : 'refuse';
}

/** `promptfoo-pii-direct-3fa9c2d1`: the tool, the category made id-safe, 8 hex digits of the input's SHA-256. Pure. */
export function importedId(format: RedTeamFormat, category: string, input: string): string {
  const slug =
    category
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 48) || 'uncategorized';
  return `${format}-${slug}-${createHash('sha256').update(input).digest('hex').slice(0, 8)}`;
}

/** A case to append, with where it came from. */
export interface ImportedCase {
  id: string;
  input: string;
  expect: Decision;
  category: string;
  /** The line of the red-team file it came from. */
  line: number;
}

/** What an import would do. */
export interface ImportPlan {
  added: ImportedCase[];
  /** Inputs already in the cases file, or earlier in the red-team file. */
  duplicates: { line: number; id: string; of: string }[];
  skipped: Skipped[];
  /** Ids that would clash with an existing case of another input: nothing is written. */
  conflicts: { line: number; id: string; message: string }[];
}

/** What an import did (or, with --dry-run, would do). */
export interface ImportResult extends ImportPlan {
  from: RedTeamFormat;
  /** The red-team file, and the cases file written to. */
  file: string;
  cases: string;
  dryRun: boolean;
}

/**
 * Turns attacks into new cases: de-duplicated on the exact input text (existing cases included),
 * categorised by plugin or probe (or `category`), expecting `block` for injections and jailbreaks
 * and `refuse` otherwise (or `expect`). Pure.
 */
export function planImport(
  format: RedTeamFormat,
  file: { attacks: readonly Attack[]; skipped: readonly Skipped[] },
  existing: readonly Pick<GuardrailCase, 'id' | 'input'>[],
  options: { category?: string; expect?: Decision } = {},
): ImportPlan {
  const byInput = new Map(existing.map((c) => [c.input, c.id]));
  const ids = new Map(existing.map((c) => [c.id, c.input]));
  const plan: ImportPlan = { added: [], duplicates: [], skipped: [...file.skipped], conflicts: [] };
  for (const attack of file.attacks) {
    const category = options.category ?? attack.plugin;
    const id = importedId(format, category, attack.input);
    const known = byInput.get(attack.input);
    if (known !== undefined) {
      plan.duplicates.push({ line: attack.line, id, of: known });
      continue;
    }
    const holder = ids.get(id);
    if (holder !== undefined) {
      plan.conflicts.push({ line: attack.line, id, message: `case id "${id}" is already used by a case with another input` });
      continue;
    }
    byInput.set(attack.input, id);
    ids.set(id, attack.input);
    plan.added.push({ id, input: attack.input, expect: options.expect ?? expectedDecision(attack), category, line: attack.line });
  }
  return plan;
}

/** The JSON line of a new case. */
export function caseLine(imported: ImportedCase): string {
  return JSON.stringify({ id: imported.id, input: imported.input, expect: imported.expect, category: imported.category });
}
