import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyExample, parseJsonOutput, runInProcess, tempDir } from '../helpers/cli.js';

let dir: string;
let cleanup: () => Promise<void>;
let env: Record<string, string>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('agent-rollout-state-'));
  env = { AGENT_ROLLOUT_ACTOR: 'alice@example.com', AGENT_ROLLOUT_CONFIG_DIR: join(dir, 'config') };
});
afterAll(async () => cleanup());

let copies = 0;
/** A fresh copy of the support example in a folder of its own; `state` patches its state first. */
async function fresh(state?: Record<string, unknown>): Promise<string> {
  const folder = await copyExample('support-triage', join(dir, `case-${++copies}`));
  if (state) {
    const path = join(folder, 'rollout.json');
    const doc = JSON.parse(await readFile(path, 'utf8')) as Record<string, any>;
    doc.state = { ...doc.state, ...state };
    await writeFile(path, `${JSON.stringify(doc, null, 2)}\n`);
  }
  return folder;
}

function run(folder: string, args: string[], extraEnv: Record<string, string> = {}) {
  return runInProcess(args, { cwd: folder, env: { ...env, ...extraEnv } });
}

async function manifestText(folder: string): Promise<string> {
  return readFile(join(folder, 'rollout.json'), 'utf8');
}

async function state(folder: string): Promise<Record<string, any>> {
  return (JSON.parse(await manifestText(folder)) as { state: Record<string, any> }).state;
}

async function trail(folder: string): Promise<Record<string, any>[]> {
  const path = join(folder, 'rollout.audit.jsonl');
  if (!existsSync(path)) return [];
  return (await readFile(path, 'utf8'))
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, any>);
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Asserts that the manifest and its trail agree and the chain is intact, by the program's own verify. */
async function expectVerified(folder: string): Promise<void> {
  const verify = await run(folder, ['audit', 'verify']);
  expect(verify.stdout + verify.stderr).toMatch(/✔/);
  expect(verify.code).toBe(0);
}

describe('pause and resume', () => {
  it('pause writes state.paused and one audit entry, prints before → after, and keeps the rest of the file as it was', async () => {
    const folder = await fresh();
    const original = await manifestText(folder);
    const result = await run(folder, ['pause', '--reason', 'INC-4711 error spike']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const after = await state(folder);
    expect(after.paused).toEqual({
      reason: 'INC-4711 error spike',
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      by: 'alice@example.com',
    });
    expect(result.stdout).toContain('paused the rollout at stage "internal-pilot": advance is blocked until resume');
    expect(result.stdout).toContain('state.paused.reason  (none) → "INC-4711 error spike"');
    expect(result.stdout).toContain('audit: seq 1 in rollout.audit.jsonl, by alice@example.com (from env), reason "INC-4711 error spike"');

    const text = await manifestText(folder);
    const stateAt = original.indexOf('"state"');
    expect(text.slice(0, stateAt)).toBe(original.slice(0, stateAt));
    const [entry, ...rest] = await trail(folder);
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({
      seq: 1,
      actor: 'alice@example.com',
      action: 'pause',
      reason: 'INC-4711 error spike',
      before: JSON.parse(original).state,
      after,
      manifestSha256: sha256(text),
      prev: null,
      details: { actorSource: 'env' },
      tool: { name: 'agent-rollout' },
    });
    expect(entry?.at).toBe(after.paused.at);
    await expectVerified(folder);
  });

  it('pause needs a reason (exit 2, nothing written); pausing a paused rollout writes nothing', async () => {
    const folder = await fresh();
    const before = await manifestText(folder);
    for (const args of [['pause'], ['pause', '--reason', '  ']]) {
      const refused = await run(folder, args);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('error: pause needs a reason: --reason "<why>"');
    }
    expect(await manifestText(folder)).toBe(before);
    expect(existsSync(join(folder, 'rollout.audit.jsonl'))).toBe(false);

    expect((await run(folder, ['pause', '--reason', 'first'])).code).toBe(0);
    const paused = await manifestText(folder);
    const again = await run(folder, ['pause', '--reason', 'second']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      /^nothing to do: the rollout is already paused \(since .* by alice@example.com: "first"\); nothing was written: support-triage \(rollout.json\)\n$/,
    );
    expect(await manifestText(folder)).toBe(paused);
    expect(await trail(folder)).toHaveLength(1);
  });

  it('a reason holding a secret is refused before anything is written or printed, for state commands, advance and drill', async () => {
    const token = 'ghp_' + 'Q7w9E2r4T6y8'.repeat(3);
    const folder = await fresh();
    const before = await manifestText(folder);
    for (const args of [
      ['pause', '--reason', `rotating ${token}`],
      ['disable', '--reason', token],
      ['advance', '--force', '--reason', `x ${token}`],
      ['drill', '--dry-run', '--reason', token],
    ]) {
      const result = await run(folder, args);
      expect(result.code, args[0]).toBe(2);
      expect(result.stderr, args[0]).toContain('--reason holds what looks like a GitHub');
      expect(result.stdout + result.stderr, args[0]).not.toContain(token.slice(4, 24));
    }
    expect(await manifestText(folder)).toBe(before);
    expect(existsSync(join(folder, 'rollout.audit.jsonl'))).toBe(false);
  });

  it('resume lifts the pause with a second, chained entry; resuming again is nothing to do', async () => {
    const folder = await fresh();
    await run(folder, ['pause', '--reason', 'INC-1']);
    const result = await run(folder, ['resume', '--reason', 'fixed', '--actor', 'bob@example.com']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('resumed the rollout (paused since');
    expect((await state(folder)).paused).toBeUndefined();
    const [first, second] = await trail(folder);
    expect(second).toMatchObject({
      seq: 2,
      action: 'resume',
      actor: 'bob@example.com',
      reason: 'fixed',
      prev: first?.hash,
      details: { actorSource: 'flag' },
    });
    expect(second?.before).toEqual(first?.after);
    const again = await run(folder, ['resume']);
    expect(again.stdout).toContain('nothing to do: the rollout is not paused');
    expect(await trail(folder)).toHaveLength(2);
    await expectVerified(folder);
  });
});

describe('disable and enable: the kill switch', () => {
  it('disable without a reason is allowed and marked an emergency; enable turns it back on', async () => {
    const folder = await fresh();
    const off = await run(folder, ['disable']);
    expect(off.code).toBe(0);
    expect(off.stdout).toContain('state.enabled  true → false');
    expect(off.stdout).toContain('no reason given, emergency');
    expect((await state(folder)).enabled).toBe(false);
    expect((await trail(folder))[0]).toMatchObject({ action: 'disable', reason: null, details: { emergency: true } });

    const status = await run(folder, ['status']);
    expect(status.stdout).toMatch(/ {2}enabled +no: the kill switch is off/);

    expect((await run(folder, ['disable', '--reason', 'again'])).stdout).toContain('nothing to do: the agent is already disabled');
    const on = await run(folder, ['enable', '--reason', 'drill passed']);
    expect(on.stdout).toContain('state.enabled  false → true');
    expect((await state(folder)).enabled).toBe(true);

    const withReason = await run(folder, ['disable', '--reason', 'leak suspected']);
    expect(withReason.code).toBe(0);
    const entries = await trail(folder);
    expect(entries.map((e) => e.action)).toEqual(['disable', 'enable', 'disable']);
    expect(entries[2]?.details).toEqual({ actorSource: 'env' });
    await expectVerified(folder);
  });
});

describe('rollback', () => {
  it('goes back one stage, restarting since and taking that stage governance mode; then to a named earlier stage', async () => {
    const folder = await fresh({ stage: 'general-availability', governanceMode: 'enforce', since: '2026-01-01T00:00:00Z' });
    const back = await run(folder, ['rollback', '--reason', 'complaints']);
    expect(back.code).toBe(0);
    expect(back.stdout).toContain('rolled back from stage "general-availability" to "limited-beta"');
    expect(back.stdout).toMatch(/\n {2}state\.stage +"general-availability" → "limited-beta"\n/);
    const beta = await state(folder);
    const [entry] = await trail(folder);
    expect(beta).toMatchObject({ stage: 'limited-beta', governanceMode: 'enforce', since: entry?.at });
    expect(entry).toMatchObject({ action: 'rollback', details: { from: 'general-availability', to: 'limited-beta' } });

    const named = await run(folder, ['rollback', '--to', 'internal-pilot']);
    expect(named.code).toBe(0);
    expect(named.stdout).toContain('governance mode observe');
    expect(await state(folder)).toMatchObject({ stage: 'internal-pilot', governanceMode: 'observe' });
    await expectVerified(folder);
  });

  it('refuses forward, the current stage, an unknown stage and the first stage: exit 2, why, and nothing written', async () => {
    const folder = await fresh({ stage: 'limited-beta', governanceMode: 'enforce' });
    const before = await manifestText(folder);
    const forward = await run(folder, ['rollback', '--to', 'general-availability']);
    expect(forward.code).toBe(2);
    expect(forward.stderr).toContain(
      'error: stage "general-availability" comes after the current stage "limited-beta": rollback goes back to an earlier stage, never forward',
    );
    expect(forward.stderr).toContain('hint: earlier stages: internal-pilot; to move forward, run `agent-rollout advance`');
    const current = await run(folder, ['rollback', '--to', 'limited-beta']);
    expect(current.stderr).toContain('"limited-beta" is the current stage');
    expect(current.code).toBe(2);
    const unknown = await run(folder, ['rollback', '--to', 'beta']);
    expect(unknown.stderr).toContain('there is no stage "beta"');
    expect(unknown.code).toBe(2);
    expect(await manifestText(folder)).toBe(before);
    expect(await trail(folder)).toEqual([]);

    const first = await fresh();
    const none = await run(first, ['rollback']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('"internal-pilot" is the first stage: there is no earlier stage to roll back to');
    expect(none.stderr).toContain('hint: to switch the agent off, run `agent-rollout disable`');
  });
});

describe('mode: the global governance mode', () => {
  it('observe where the audience reaches 100% is refused (exit 2) unless --force --reason, and then marked forced', async () => {
    const folder = await fresh({ stage: 'general-availability', governanceMode: 'enforce' });
    const before = await manifestText(folder);
    const refused = await run(folder, ['mode', 'observe']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'error: stage "general-availability" reaches 100% of its audience: the agent must stay in enforce mode there',
    );
    expect(refused.stderr).toContain(
      'hint: observe mode is for calibrating guardrails in early stages; to override anyway, pass --force --reason "<why>"',
    );

    const noReason = await run(folder, ['mode', 'observe', '--force']);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain('error: --force needs --reason');
    expect(await manifestText(folder)).toBe(before);

    const forced = await run(folder, ['mode', 'observe', '--force', '--reason', 'false positives block every order, INC-4713']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('governance mode enforce → observe');
    expect(forced.stdout).toMatch(/reason "false positives block every order, INC-4713", forced\n/);
    expect((await state(folder)).governanceMode).toBe('observe');
    expect((await trail(folder))[0]).toMatchObject({
      action: 'mode',
      details: { forced: true },
      reason: 'false positives block every order, INC-4713',
    });

    const back = await run(folder, ['mode', 'enforce', '--format', 'json']);
    const report = parseJsonOutput<Record<string, any>>(back.stdout);
    expect(report).toMatchObject({
      formatVersion: 1,
      action: 'mode',
      changed: true,
      changes: [{ path: 'state.governanceMode', kind: 'changed', before: 'observe', after: 'enforce' }],
      audit: { seq: 2, details: { actorSource: 'env' } },
    });
    expect((await run(folder, ['mode', 'enforce'])).stdout).toContain('nothing to do: the governance mode is already enforce');
    await expectVerified(folder);
  });

  it('observe anywhere weakens the guardrails: it needs --reason (exit 2 without, nothing written); enforce does not', async () => {
    const folder = await fresh({ stage: 'limited-beta', governanceMode: 'enforce' });
    const before = await manifestText(folder);
    for (const args of [
      ['mode', 'observe'],
      ['org', 'mode', 'acme', 'observe'],
    ]) {
      const result = await run(folder, args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toContain('to observe mode stops blocking policy violations: say why with --reason');
    }
    expect(await manifestText(folder)).toBe(before);
    expect((await run(folder, ['mode', 'observe', '--reason', 'calibrating, INC-4801'])).code).toBe(0);
    expect((await run(folder, ['mode', 'enforce'])).code).toBe(0);
    expect((await trail(folder)).map((e) => [e.action, e.reason])).toEqual([
      ['mode', 'calibrating, INC-4801'],
      ['mode', null],
    ]);
  });

  it('rejects a mode that is not observe or enforce (exit 2)', async () => {
    const folder = await fresh();
    const result = await run(folder, ['mode', 'audit']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/value 'audit' is invalid for argument 'mode'\. Allowed choices are observe, enforce/);
  });
});

describe('org overrides', () => {
  it('enable, disable, mode and clear one org, each with its entry', async () => {
    const folder = await fresh();
    expect((await run(folder, ['org', 'disable', 'support-pilot', '--reason', 'opted out'])).code).toBe(0);
    expect((await state(folder)).orgs).toEqual({ 'support-pilot': { enabled: false } });
    const mode = await run(folder, ['org', 'mode', 'acme-beta', 'enforce']);
    expect(mode.stdout).toContain('state.orgs.acme-beta.governanceMode  (none) → "enforce"');
    expect((await run(folder, ['org', 'enable', 'acme-beta'])).code).toBe(0);
    expect((await state(folder)).orgs).toEqual({
      'support-pilot': { enabled: false },
      'acme-beta': { governanceMode: 'enforce', enabled: true },
    });
    expect((await run(folder, ['org', 'enable', 'acme-beta'])).stdout).toContain('nothing to do: org "acme-beta" is already enabled');
    expect((await run(folder, ['org', 'clear', 'acme-beta'])).stdout).toContain('removed the overrides of org "acme-beta"');
    expect((await run(folder, ['org', 'clear', 'support-pilot'])).code).toBe(0);
    expect((await state(folder)).orgs).toBeUndefined();
    expect((await run(folder, ['org', 'clear', 'support-pilot'])).stdout).toContain('nothing to do: org "support-pilot" has no override');
    const entries = await trail(folder);
    expect(entries.map((e) => [e.action, e.details.org, e.details.change])).toEqual([
      ['org', 'support-pilot', 'disable'],
      ['org', 'acme-beta', 'mode'],
      ['org', 'acme-beta', 'enable'],
      ['org', 'acme-beta', 'clear'],
      ['org', 'support-pilot', 'clear'],
    ]);
    await expectVerified(folder);
  });

  it('refuses a name the schema does not take, and observe for an org at 100% without --force --reason', async () => {
    const folder = await fresh({ stage: 'general-availability', governanceMode: 'enforce' });
    const bad = await run(folder, ['org', 'enable', 'acme corp']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('error: "acme corp" is not an org name');
    const observe = await run(folder, ['org', 'mode', 'acme', 'observe']);
    expect(observe.code).toBe(2);
    expect(observe.stderr).toContain('org "acme" must stay in enforce mode there');
    expect(await trail(folder)).toEqual([]);
    const forced = await run(folder, ['org', 'mode', 'acme', 'observe', '--force', '--reason', 'custom guardrails']);
    expect(forced.code).toBe(0);
    expect((await trail(folder))[0]?.details).toMatchObject({ org: 'acme', forced: true, mode: 'observe' });
  });
});

describe('writing the manifest', () => {
  it('keeps the file style: 4-space indentation, CRLF line ends, no final newline', async () => {
    const folder = await fresh();
    const path = join(folder, 'rollout.json');
    const doc = JSON.parse(await readFile(path, 'utf8')) as unknown;
    await writeFile(path, JSON.stringify(doc, null, 4).replace(/\n/g, '\r\n'));
    expect((await run(folder, ['pause', '--reason', 'style'])).code).toBe(0);
    const text = await readFile(path, 'utf8');
    expect(text).toContain('\r\n    "agent": {\r\n        "id"');
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
    expect(text.endsWith('}')).toBe(true);
    expect((await trail(folder))[0]?.manifestSha256).toBe(sha256(text));
  });

  it('an unreadable or missing manifest is exit 2 and writes nothing', async () => {
    const folder = await fresh();
    const missing = await run(folder, ['pause', '--reason', 'x', '-m', 'nope/rollout.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read the manifest');
    await writeFile(join(folder, 'rollout.json'), '{ "version": 1, ');
    const broken = await run(folder, ['disable']);
    expect(broken.code).toBe(2);
    expect(existsSync(join(folder, 'rollout.audit.jsonl'))).toBe(false);
  });

  it('--manifest points at a manifest elsewhere; its trail is written beside it', async () => {
    const folder = await fresh();
    const result = await runInProcess(['pause', '--reason', 'from afar', '-m', join(folder, 'rollout.json')], { cwd: dir, env });
    expect(result.code).toBe(0);
    expect(await trail(folder)).toHaveLength(1);
    expect(existsSync(join(dir, 'rollout.audit.jsonl'))).toBe(false);
  });
});

describe('help', () => {
  it('every state, audit and config command ends its help with examples', async () => {
    const commands = [
      ['status'],
      ['pause'],
      ['resume'],
      ['enable'],
      ['disable'],
      ['rollback'],
      ['mode'],
      ['org'],
      ['org', 'enable'],
      ['org', 'disable'],
      ['org', 'mode'],
      ['org', 'clear'],
      ['audit'],
      ['audit', 'verify'],
      ['config'],
      ['config', 'get'],
      ['config', 'set'],
      ['config', 'unset'],
      ['config', 'list'],
    ];
    const results = await Promise.all(commands.map((command) => runInProcess([...command, '--help'])));
    results.forEach((result, i) => {
      expect(result.code, commands[i]?.join(' ')).toBe(0);
      expect(result.stdout, commands[i]?.join(' ')).toMatch(/\nExamples:\n {2}agent-rollout /);
    });
  });
});
