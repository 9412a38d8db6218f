import type { Attack, RedTeamFile, Skipped } from './attack.js';

type Obj = Record<string, unknown>;
const obj = (value: unknown): Obj | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Obj) : undefined;

/** garak's Attempt status when the response was received and evaluated (ATTEMPT_COMPLETE). */
const ATTEMPT_COMPLETE = 2;

/**
 * The text of an attempt's prompt: a string in older garak releases; in newer ones a
 * Conversation, `{"turns": [{"role": "user", "content": {"text": ...}}], "notes": {}}`, whose
 * last user turn is the prompt (`content` may be a bare string in legacy turns).
 */
function promptText(prompt: unknown): string | undefined {
  if (typeof prompt === 'string') return prompt;
  const turns = obj(prompt)?.['turns'];
  if (!Array.isArray(turns)) return undefined;
  for (let i = turns.length - 1; i >= 0; i--) {
    const turn = obj(turns[i]);
    if (turn?.['role'] !== 'user') continue;
    const content = turn['content'];
    const value = typeof content === 'string' ? content : obj(content)?.['text'];
    return typeof value === 'string' ? value : undefined;
  }
  return undefined;
}

/**
 * Reads a garak report (`garak.<uuid>.report.jsonl`): JSON lines, each with an `entry_type`.
 * Attempts (`entry_type: "attempt"`) with `status` 2 (a response, evaluated) give their
 * `probe_classname` and their `prompt`; every other row (setup, init, eval, completion, and the
 * status-1 copy of each attempt) is passed over. A line that is not a JSON object with an
 * `entry_type` (a truncated last line, another file) stops the import. Pure.
 */
export function readGarak(source: string): RedTeamFile {
  const attacks: Attack[] = [];
  const skipped: Skipped[] = [];
  const lines = source.replace(/^\uFEFF/, '').split(/\r?\n/);
  let rows = 0;
  for (const [index, raw] of lines.entries()) {
    const line = index + 1;
    if (raw.trim() === '') continue;
    let row: Obj | undefined;
    try {
      row = obj(JSON.parse(raw));
    } catch (error) {
      const cut = index >= lines.length - 2 ? ' (the file may be cut off)' : '';
      return { ok: false, line, message: `not a garak report line: ${(error as Error).message}${cut}` };
    }
    if (!row || typeof row['entry_type'] !== 'string') {
      return { ok: false, line, message: 'not a garak report line: no "entry_type" (garak writes garak.<uuid>.report.jsonl)' };
    }
    rows++;
    if (row['entry_type'] !== 'attempt' || row['status'] !== ATTEMPT_COMPLETE) continue;
    const probe = typeof row['probe_classname'] === 'string' && row['probe_classname'] !== '' ? row['probe_classname'] : undefined;
    const input = promptText(row['prompt']);
    if (!probe) {
      skipped.push({ line, reason: 'an attempt with no probe_classname' });
      continue;
    }
    if (input === undefined || input === '') {
      skipped.push({ line, reason: `an attempt of ${probe} with no text prompt` });
      continue;
    }
    attacks.push({ input, plugin: probe, line });
  }
  if (rows === 0) return { ok: false, line: 1, message: 'not a garak report: no rows' };
  return { ok: true, attacks, skipped };
}
