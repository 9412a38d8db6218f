import { readFileSync } from 'node:fs';
import { mkdir, readFile, readdir, stat, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { FlagdCore } from '@openfeature/flagd-core';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES, ROOT, copyExample, parseJsonOutput, runInProcess, tempDir, writeFiles } from '../helpers/cli.js';

/** flagd's published schema, copied with its licence into test/fixtures/flagd (README there). */
const FLAGD_DIR = resolve(ROOT, 'test/fixtures/flagd');
const PINNED = { SOURCE_DATE_EPOCH: '1790000000' };

interface FlagFile {
  $schema: string;
  flags: Record<string, { state: string; metadata: Record<string, unknown> }>;
}

let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('agent-rollout-export-flagd-'));
  await mkdir(join(dir, 'agents'));
  await copyExample('support-triage', join(dir, 'agents'));
  await copyExample('finance-ledger', join(dir, 'agents'));
  const support = JSON.parse(await readFile(join(EXAMPLES, 'support-triage', 'rollout.json'), 'utf8')) as any;
  const invalid = structuredClone(support);
  invalid.stages[0].credentials.push('not-declared');
  const invalidButOff = structuredClone(invalid);
  invalidButOff.state.enabled = false;
  await writeFiles(dir, {
    'invalid/rollout.json': JSON.stringify(invalid, null, 2),
    'invalid-off/rollout.json': JSON.stringify(invalidButOff, null, 2),
    'single/rollout.json': JSON.stringify(support, null, 2),
    'broken/rollout.json': '{ "version": 1, ',
  });
  await mkdir(join(dir, 'outside'));
  await mkdir(join(dir, 'work'));
  await symlink(join(dir, 'outside'), join(dir, 'work', 'escape'));
});
afterAll(async () => cleanup());

function evaluate(text: string) {
  const core = new FlagdCore();
  core.setConfigurations(text);
  return {
    enabled: (agent: string, context: Record<string, string>) => core.resolveBooleanEvaluation(`${agent}.enabled`, true, context).value,
    mode: (agent: string, context: Record<string, string>) =>
      core.resolveStringEvaluation(`${agent}.governance-mode`, 'code-default', context).value,
  };
}

describe('agent-rollout export flagd', () => {
  it('--help ends with examples, for the parent command too', async () => {
    for (const args of [
      ['export', '--help'],
      ['export', 'flagd', '--help'],
    ]) {
      const help = await runInProcess(args);
      expect(help.code, args.join(' ')).toBe(0);
      expect(help.stdout, args.join(' ')).toMatch(/Examples:\n {2}agent-rollout export /);
    }
    const top = await runInProcess(['--help']);
    expect(top.stdout).toMatch(/^ {2}export /m);
  });

  it('reads ./rollout.json by default and prints the flag file on standard output, nothing else', async () => {
    const result = await runInProcess(['export', 'flagd'], { cwd: join(dir, 'single'), env: PINNED });
    expect([result.code, result.stderr]).toEqual([0, '']);
    const file = parseJsonOutput<FlagFile>(result.stdout);
    expect(file.$schema).toBe('https://flagd.dev/schema/v0/flags.json');
    expect(Object.keys(file.flags)).toEqual(['support-triage.enabled', 'support-triage.governance-mode']);
    expect(file.flags['support-triage.enabled']?.metadata).toMatchObject({ exportedAt: '2026-09-21T14:13:20Z', stage: 'internal-pilot' });
    expect(result.stdout).not.toContain('formatVersion');
  });

  it('both bundled examples into one file: flags sorted, stable bytes, the same whatever the argument order', async () => {
    const a = await runInProcess(['export', 'flagd', 'agents/support-triage/rollout.json', 'agents/finance-ledger/rollout.json'], {
      cwd: dir,
      env: PINNED,
    });
    const b = await runInProcess(
      ['export', 'flagd', '-m', 'agents/finance-ledger/rollout.json', '-m', 'agents/support-triage/rollout.json'],
      {
        cwd: dir,
        env: PINNED,
      },
    );
    const c = await runInProcess(['export', 'flagd', 'agents/*/rollout.json'], { cwd: dir, env: PINNED });
    expect(a.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    expect(c.stdout).toBe(a.stdout);
    const file = parseJsonOutput<FlagFile>(a.stdout);
    expect(Object.keys(file.flags)).toEqual([
      'finance-ledger.enabled',
      'finance-ledger.governance-mode',
      'support-triage.enabled',
      'support-triage.governance-mode',
    ]);
    const sha = (await import('node:crypto'))
      .createHash('sha256')
      .update(await readFile(join(dir, 'agents/finance-ledger/rollout.json')))
      .digest('hex');
    expect(file.flags['finance-ledger.enabled']?.metadata['manifestSha256']).toBe(sha);
    const timed = await runInProcess(['export', 'flagd', 'agents/*/rollout.json', '--time', '2026-12-01T00:00:00Z'], {
      cwd: dir,
      env: PINNED,
    });
    const changed = timed.stdout.split('\n').filter((line, i) => line !== a.stdout.split('\n')[i]);
    expect(changed.length).toBe(4);
    for (const line of changed) expect(line).toMatch(/^ {8}"exportedAt": "2026-12-01T00:00:00Z",?$/);
  });

  it("the exported file validates against flagd's flags.json and targeting.json", async () => {
    const ok = await runInProcess(['export', 'flagd', 'agents/*/rollout.json'], { cwd: dir, env: PINNED });
    const ajv = new Ajv({ strict: false, allErrors: true });
    ajv.addSchema(JSON.parse(readFileSync(join(FLAGD_DIR, 'targeting.json'), 'utf8')) as object);
    const validate = ajv.compile(JSON.parse(readFileSync(join(FLAGD_DIR, 'flags.json'), 'utf8')) as object);
    expect(validate(JSON.parse(ok.stdout)), JSON.stringify(validate.errors)).toBe(true);
  });

  it('flagd-core evaluates the file: every org of each bundled example gets what its state says', async () => {
    const result = await runInProcess(['export', 'flagd', 'agents/*/rollout.json'], { cwd: dir, env: PINNED });
    const flags = evaluate(result.stdout);
    // support-triage, internal pilot: the pilot org (forced on and in the audience) and the two users.
    expect(flags.enabled('support-triage', { orgId: 'support-pilot' })).toBe(true);
    expect(flags.enabled('support-triage', { orgId: 'acme', userId: 'alice@example.com' })).toBe(true);
    expect(flags.enabled('support-triage', { orgId: 'acme' })).toBe(false);
    expect(flags.mode('support-triage', { orgId: 'support-pilot' })).toBe('observe');
    // finance-ledger, limited beta at 5%: entity-uk-ltd forced on, entity-de-gmbh forced off.
    expect(flags.enabled('finance-ledger', { orgId: 'entity-uk-ltd' })).toBe(true);
    expect(flags.enabled('finance-ledger', { orgId: 'entity-de-gmbh' })).toBe(false);
    expect(flags.mode('finance-ledger', { orgId: 'entity-uk-ltd' })).toBe('enforce');
    // No org in the context: off, even with the code default on.
    expect(flags.enabled('finance-ledger', {})).toBe(false);
    expect(flags.enabled('support-triage', { userId: 'alice@example.com' })).toBe(false);
  });

  it('--out writes the file atomically (a new file renamed over the old one) and says so on standard error', async () => {
    const target = join(dir, 'flags.json');
    await writeFile(target, 'previous export');
    const before = await stat(target);
    const result = await runInProcess(['export', 'flagd', 'agents/*/rollout.json', '--out', 'flags.json'], { cwd: dir, env: PINNED });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('wrote 4 flags for 2 agents to flags.json\n');
    const after = await stat(target);
    expect(after.ino).not.toBe(before.ino);
    const stdout = await runInProcess(['export', 'flagd', 'agents/*/rollout.json'], { cwd: dir, env: PINNED });
    expect(await readFile(target, 'utf8')).toBe(stdout.stdout);
    expect((await readdir(dir)).filter((name) => name.includes('.tmp'))).toEqual([]);
  });

  it('--out outside the current folder, by .. or through a symbolic link, is refused and writes nothing', async () => {
    const cwd = join(dir, 'work');
    const manifest = join(dir, 'single', 'rollout.json');
    const up = await runInProcess(['export', 'flagd', manifest, '--out', '../outside/flags.json'], { cwd });
    expect(up.code).toBe(2);
    expect(up.stderr).toMatch(
      /error: --out \.\.\/outside\/flags\.json is outside the current folder .*; refused\n {2}hint: .*redirect standard output/,
    );
    const link = await runInProcess(['export', 'flagd', manifest, '--out', 'escape/flags.json'], { cwd });
    expect(link.code).toBe(2);
    expect(link.stderr).toMatch(/error: --out escape\/flags\.json goes through a symbolic link to .*outside.*; refused/);
    expect(await readdir(join(dir, 'outside'))).toEqual([]);
  });

  it('a manifest with validation errors is refused (exit 2); with its kill switch off it is exported, with a warning', async () => {
    const refused = await runInProcess(['export', 'flagd', 'invalid/rollout.json'], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(
      /error: invalid\/rollout\.json has validation errors, so it is not exported: invalid\/rollout\.json:\d+:\d+: AR105 /,
    );
    expect(refused.stderr).toContain('hint: run `agent-rollout validate invalid/rollout.json`');
    const off = await runInProcess(['export', 'flagd', 'invalid-off/rollout.json'], { cwd: dir, env: PINNED });
    expect(off.code).toBe(0);
    expect(off.stderr).toMatch(/^warning: invalid-off\/rollout\.json:\d+:\d+: AR105 .*exported anyway because its kill switch is off\n$/);
    const flags = evaluate(off.stdout);
    for (const org of ['support-pilot', 'acme', 'entity-uk-ltd'])
      expect(flags.enabled('support-triage', { orgId: org, userId: 'alice@example.com' })).toBe(false);
  });

  it('could not do the job: exit 2 with a message', async () => {
    const cases: [string[], RegExp][] = [
      [['export', 'flagd', 'missing.json'], /error: cannot read the manifest/],
      [['export', 'flagd', 'broken/rollout.json'], /error: cannot read the manifest: broken\/rollout\.json/],
      [['export', 'flagd', 'agents/support-triage/rollout.json', 'single/rollout.json'], /both declare agent "support-triage"/],
      [['export', 'flagd', 'nothing/*/rollout.json'], /no file matches nothing\/\*\/rollout\.json/],
      [['export', 'flagd', 'single/rollout.json', '--time', 'soon'], /--time is not a time: soon/],
      [['export', 'flagd', 'single/rollout.json', '--context-key', '$flagd.flagKey'], /--context-key "\$flagd\.flagKey" cannot be used/],
      [['export', 'flagd', 'single/rollout.json', '--out', 'no-such-folder/flags.json'], /the folder no-such-folder does not exist/],
      [['export', 'flagd', '--colour'], /unknown option '--colour'/],
      [['export'], /export what\? name a subcommand: flagd or prometheus-rules/],
    ];
    for (const [args, message] of cases) {
      const result = await runInProcess(args, { cwd: dir });
      expect([args.join(' '), result.code]).toEqual([args.join(' '), 2]);
      expect(result.stderr, args.join(' ')).toMatch(message);
      expect(result.stdout, args.join(' ')).toBe('');
    }
  });
});
