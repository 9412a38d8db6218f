import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, AuditInput } from '../../src/state/audit.js';
import { chainEntry } from '../../src/state/audit.js';
import { copyExample, parseJsonOutput, runInProcess, tempDir } from '../helpers/cli.js';

let dir: string;
let cleanup: () => Promise<void>;
let env: Record<string, string>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('agent-rollout-audit-'));
  env = { AGENT_ROLLOUT_ACTOR: 'alice@example.com', AGENT_ROLLOUT_CONFIG_DIR: join(dir, 'config') };
});
afterAll(async () => cleanup());

let copies = 0;
async function fresh(): Promise<string> {
  return copyExample('support-triage', join(dir, `case-${++copies}`));
}

function run(folder: string, args: string[]) {
  return runInProcess(args, { cwd: folder, env });
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

async function trailText(folder: string): Promise<string> {
  return readFile(join(folder, 'rollout.audit.jsonl'), 'utf8');
}

/** A folder whose trail holds four real entries written by the program. */
async function withHistory(): Promise<string> {
  const folder = await fresh();
  for (const args of [
    ['pause', '--reason', 'INC-1 error spike'],
    ['org', 'disable', 'support-pilot', '--reason', 'opted out', '--actor', 'bob@example.com'],
    ['resume', '--reason', 'INC-1 fixed'],
    ['disable'],
  ]) {
    const result = await run(folder, args);
    expect(result.code, result.stderr).toBe(0);
  }
  return folder;
}

describe('audit: the history', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await withHistory();
  });

  it('a table, newest first, with who, what and why', async () => {
    const result = await run(folder, ['audit']);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^SEQ +AT +ACTOR +ACTION +WHAT +REASON$/);
    expect(lines[2]).toMatch(
      /^4 +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC +alice@example.com +disable +kill switch on: agent disabled \[emergency\] +-$/,
    );
    expect(lines[3]).toMatch(/^3 +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC +alice@example.com +resume +resumed +INC-1 fixed$/);
    expect(lines[4]).toMatch(/^2 +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC +bob@example.com +org +org support-pilot: disabled +opted out$/);
    expect(lines[5]).toMatch(/^1 +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC +alice@example.com +pause +paused +INC-1 error spike$/);
    expect(result.stdout).toContain('4 entries, newest first (rollout.audit.jsonl)');
  });

  it('times to the second and durations as 3.2s, in the AT column and in status, whatever the trail holds', async () => {
    const folder2 = await fresh();
    const tool = { name: 'agent-rollout', version: '0.1.0' };
    const base = { actor: 'ci@example.com', before: null, after: null, reason: null, manifestSha256: sha256('x'), tool };
    const drill = chainEntry(
      { ...base, at: '2026-11-20T10:00:00.123Z', action: 'drill', details: { passed: true, durationMs: 3220 } },
      undefined,
    );
    const gate = chainEntry(
      { ...base, at: '2026-11-20T11:00:00.987Z', action: 'gate', details: { stage: 'internal-pilot', verdict: 'no-go' } },
      drill,
    );
    await writeFile(join(folder2, 'rollout.audit.jsonl'), `${JSON.stringify(drill)}\n${JSON.stringify(gate)}\n`);
    const listed = await run(folder2, ['audit']);
    expect(listed.stdout).toMatch(/^2 +2026-11-20 11:00:00 UTC +ci@example\.com +gate +gate internal-pilot: no-go +-$/m);
    expect(listed.stdout).toMatch(/^1 +2026-11-20 10:00:00 UTC +ci@example\.com +drill +drill passed in 3\.2s +-$/m);
    const status = await run(folder2, ['status']);
    expect(status.stdout).toContain('(2026-11-20 11:00:00 UTC, seq 2 by ci@example.com)');
    expect(status.stdout).toContain('(2026-11-20 10:00:00 UTC, seq 1 by ci@example.com)');
    expect(status.stdout).not.toMatch(/\d\.\d{3}Z|T\d\d:\d\d/);
    expect(listed.stdout).not.toMatch(/T\d\d:\d\d/);
  });

  it('--action filters (repeated or comma-separated); --since takes a duration or a date', async () => {
    const some = await run(folder, ['audit', '--action', 'pause,resume', '--action', 'org']);
    expect(
      some.stdout
        .split('\n')
        .slice(2, 5)
        .map((l) => l.split(/ +/)[5]),
    ).toEqual(['resume', 'org', 'pause']);
    expect(some.stdout).toContain('3 of 4 entries');
    expect((await run(folder, ['audit', '--since', '1h'])).stdout).toContain('4 entries, newest first');
    expect((await run(folder, ['audit', '--since', '2999-01-01'])).stdout).toBe('no entry of rollout.audit.jsonl matches (4 in all)\n');
    const bad = await run(folder, ['audit', '--since', 'last week']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--since last week is neither a duration nor a date');
  });

  it('--format json: every entry as written, newest first', async () => {
    const result = await run(folder, ['audit', '--format', 'json', '--action', 'pause']);
    const report = parseJsonOutput<{ formatVersion: number; total: number; entries: AuditEntry[]; filter: unknown }>(result.stdout);
    expect(report).toMatchObject({ formatVersion: 1, total: 4, filter: { actions: ['pause'] } });
    const lines = (await trailText(folder)).split('\n');
    expect(report.entries).toEqual([JSON.parse(lines[0] as string)]);
  });

  it('audit verify: an intact trail whose last state is the manifest state', async () => {
    const result = await run(folder, ['audit', 'verify']);
    expect(result.stdout).toBe("✔ rollout.audit.jsonl: 4 entries, chain intact; the manifest's state is the one seq 4 recorded\n");
    expect(result.code).toBe(0);
    const json = parseJsonOutput<Record<string, any>>(
      (await run(folder, ['audit', '-m', 'rollout.json', 'verify', '--format', 'json'])).stdout,
    );
    expect(json).toMatchObject({
      formatVersion: 1,
      ok: true,
      entries: 4,
      problems: [],
      gaps: [],
      state: { status: 'match', seq: 4 },
      findings: 0,
    });
  });
});

describe('audit verify: every way to break the trail is found, by line, exit 1', () => {
  let clean: string;
  beforeAll(async () => {
    const folder = await withHistory();
    clean = await trailText(folder);
  });

  async function broken(change: (lines: string[]) => string[] | string): Promise<{ code: number | null; stdout: string; folder: string }> {
    const folder = await fresh();
    const lines = clean.split('\n').slice(0, -1);
    const changed = change(lines);
    await writeFile(join(folder, 'rollout.audit.jsonl'), typeof changed === 'string' ? changed : `${changed.join('\n')}\n`);
    // The manifest holds the state the full trail ends with.
    const last = JSON.parse(lines.at(-1) as string) as AuditEntry;
    const path = join(folder, 'rollout.json');
    const doc = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    await writeFile(path, JSON.stringify({ ...doc, state: last.after }, null, 2));
    const result = await run(folder, ['audit', 'verify']);
    return { ...result, folder };
  }

  it('an edited line', async () => {
    const result = await broken((lines) => lines.map((l, i) => (i === 1 ? l.replace('opted out', 'asked nicely') : l)));
    expect(result.stdout).toContain('rollout.audit.jsonl:2: error entry seq 2 was edited: its hash does not match its content');
    expect(result.stdout).toContain('hint: restore the trail from git');
    expect(result.stdout).not.toContain('audit verify');
    expect(result.stdout).toContain('✖ 1 finding');
    expect(result.code).toBe(1);
  });

  it('a dropped line', async () => {
    const result = await broken((lines) => lines.filter((_, i) => i !== 1));
    expect(result.stdout).toContain(
      'rollout.audit.jsonl:2: error the chain breaks before this line: seq 2 is missing (a line was removed)',
    );
    expect(result.code).toBe(1);
  });

  it('an inserted line', async () => {
    const result = await broken((lines) => {
      const forged = chainEntry(
        { ...(JSON.parse(lines[1] as string) as AuditInput), actor: 'mallory@example.com' },
        JSON.parse(lines[1] as string) as AuditEntry,
      );
      return [...lines.slice(0, 2), JSON.stringify(forged), ...lines.slice(2)];
    });
    expect(result.stdout).toContain(
      'rollout.audit.jsonl:4: error the chain breaks before this line: seq 3 follows seq 2 on line 2, but line 3 comes between',
    );
    expect(result.code).toBe(1);
  });

  it('two lines reordered', async () => {
    const result = await broken((lines) => [lines[0], lines[2], lines[1], lines[3]] as string[]);
    expect(result.stdout).toContain(
      'rollout.audit.jsonl:2: error the chain breaks before this line: seq 3 comes before seq 2 (line 3), the entry it follows: the lines were reordered',
    );
    expect(result.code).toBe(1);
  });

  it('a cut-off last line', async () => {
    const result = await broken((lines) => `${lines.join('\n')}`.slice(0, -25));
    expect(result.stdout).toContain('rollout.audit.jsonl:4: error the last line is cut off (an interrupted write)');
    expect(result.code).toBe(1);
  });

  it('a hand edit of the manifest state, and the gap it leaves once a command has run after it', async () => {
    const folder = await withHistory();
    const path = join(folder, 'rollout.json');
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.replace('"enabled": false,', '"enabled": true,'));
    const drift = await run(folder, ['audit', 'verify']);
    expect(drift.code).toBe(1);
    expect(drift.stdout).toMatch(
      /rollout\.json: error state differs from what the audit trail last recorded \(seq 4, disable by alice@example\.com at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\): state\.enabled false → true \(trail → manifest\)/,
    );
    // The hint says what to do, not to run the command that printed it.
    expect(drift.stdout).toContain('hint: undo the hand edit of the state section');
    expect(drift.stdout).not.toContain('audit verify');

    const validate = await run(folder, ['validate', '--format', 'json']);
    expect(validate.code).toBe(0);
    const diagnostics = parseJsonOutput<{
      files: { diagnostics: { rule: string; severity: string; pointer: string; message: string }[] }[];
    }>(validate.stdout).files[0]?.diagnostics;
    expect(diagnostics).toEqual([
      expect.objectContaining({
        rule: 'AR121',
        severity: 'warning',
        pointer: '/state',
        message: expect.stringContaining('state.enabled false → true'),
      }),
    ]);
    expect((await run(folder, ['validate', '--strict'])).code).toBe(1);

    const next = await run(folder, ['pause', '--reason', 'after the hand edit']);
    expect(next.code).toBe(0);
    expect(next.stderr).toContain('warning: state differs from what the audit trail last recorded (seq 4');
    const gap = await run(folder, ['audit', 'verify']);
    expect(gap.code).toBe(1);
    expect(gap.stdout).toContain(
      'rollout.audit.jsonl:5: error state was changed outside agent-rollout between seq 4 and seq 5 (pause): state.enabled false → true',
    );
    expect(gap.stdout).not.toContain('rollout.json: error');
  });

  it('no trail yet is clean, with a note', async () => {
    const folder = await fresh();
    const text = await run(folder, ['audit', 'verify']);
    expect(text.stdout).toBe('✔ no audit trail yet (rollout.audit.jsonl): nothing to verify; the first state change starts it\n');
    expect(text.code).toBe(0);
    const json = parseJsonOutput<Record<string, unknown>>((await run(folder, ['audit', 'verify', '--format', 'json'])).stdout);
    expect(json).toMatchObject({ ok: true, exists: false, entries: 0, findings: 0, state: { status: 'no-trail' } });
    expect((await run(folder, ['audit'])).stdout).toBe('no audit trail yet: rollout.audit.jsonl has no entries\n');
  });

  it('the listing still shows a broken trail, with a warning on standard error', async () => {
    const { folder } = await broken((lines) => lines.filter((_, i) => i !== 1));
    const result = await run(folder, ['audit']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('warning: rollout.audit.jsonl has 1 integrity problem: run `agent-rollout audit verify`\n');
    expect(result.stdout).toContain('3 entries, newest first');
  });
});

describe('an interrupted change is finished or undone by the next command', () => {
  async function interrupted(withEntry: boolean, tornTail = false): Promise<{ folder: string; pendingText: string; before: string }> {
    const folder = await fresh();
    const path = join(folder, 'rollout.json');
    const before = await readFile(path, 'utf8');
    const doc = JSON.parse(before) as { state: Record<string, unknown> };
    const after = { ...doc.state, enabled: false };
    const pendingText = JSON.stringify({ ...doc, state: after }, null, 2);
    await writeFile(join(folder, '.rollout.json.pending'), pendingText);
    if (withEntry) {
      const entry = chainEntry(
        {
          at: '2026-12-01T10:00:00Z',
          actor: 'alice',
          action: 'disable',
          before: doc.state,
          after,
          reason: null,
          manifestSha256: sha256(pendingText),
          details: { emergency: true },
          tool: { name: 'agent-rollout', version: '0.1.0' },
        },
        undefined,
      );
      await writeFile(join(folder, 'rollout.audit.jsonl'), `${JSON.stringify(entry)}\n`);
    }
    if (tornTail) await appendFile(join(folder, 'rollout.audit.jsonl'), '{"seq":2,"at":"2026-12-01T10:0');
    return { folder, pendingText, before };
  }

  it('a change whose entry was written is completed', async () => {
    const { folder, pendingText } = await interrupted(true);
    const status = await run(folder, ['status']);
    expect(status.stdout).toMatch(/ {2}enabled +no: the kill switch is off/);
    expect(await readFile(join(folder, 'rollout.json'), 'utf8')).toBe(pendingText);
    expect(existsSync(join(folder, '.rollout.json.pending'))).toBe(false);
    expect((await run(folder, ['audit', 'verify'])).code).toBe(0);
  });

  it('a change whose entry was not written is discarded; a cut-off entry is removed', async () => {
    for (const torn of [false, true]) {
      const { folder, before } = await interrupted(false, torn);
      const result = await run(folder, ['enable']);
      expect(result.stdout).toContain('nothing to do: the agent is already enabled');
      expect(await readFile(join(folder, 'rollout.json'), 'utf8')).toBe(before);
      expect(existsSync(join(folder, '.rollout.json.pending'))).toBe(false);
      const verify = await run(folder, ['audit', 'verify']);
      expect(verify.code, verify.stdout).toBe(0);
      if (torn) expect(await trailText(folder)).toBe('');
    }
  });

  it('a lock left by a killed process is taken over, and its leftovers removed', async () => {
    const folder = await fresh();
    // pid 2^22 + 1 is above Linux's default pid_max, so no process has it.
    await writeFile(
      join(folder, 'rollout.json.lock'),
      JSON.stringify({ pid: 4194305, host: (await import('node:os')).hostname(), at: '2026-12-01T10:00:00Z' }),
    );
    // What a process killed while taking or taking over the lock leaves behind.
    await writeFile(join(folder, 'rollout.json.lock.4194305.tmp'), '{}');
    await writeFile(join(folder, 'rollout.json.lock.stale.4194305'), '{}');
    const result = await run(folder, ['pause', '--reason', 'after a crash']);
    expect(result.code, result.stderr).toBe(0);
    expect((await readdir(folder)).filter((name) => name.includes('.lock'))).toEqual([]);
  });

  it('a lock that names pid 0 or -1 (whole process groups, never a writer) is taken over, and nothing is signalled', async () => {
    for (const pid of [0, -1, '0', 'not a pid']) {
      const folder = await fresh();
      await writeFile(
        join(folder, 'rollout.json.lock'),
        JSON.stringify({ pid, host: (await import('node:os')).hostname(), at: '2026-12-01T10:00:00Z' }),
      );
      const result = await run(folder, ['pause', '--reason', 'after a forged lock']);
      expect(result.code, `${pid}: ${result.stderr}`).toBe(0);
      expect((await readdir(folder)).filter((name) => name.includes('.lock'))).toEqual([]);
    }
  });
});
