import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { writeFleet } from '../../bench/fleet.js';
import { SECOND_THREAD_FROM } from '../../src/commands/fleet-read.js';
import { BIN, EXAMPLES, copyExample, parseJsonOutput, runInProcess, tempDir, writeFiles } from '../helpers/cli.js';

let dir: string;
let cleanup: () => Promise<void>;
let env: Record<string, string>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('agent-rollout-fleet-'));
  env = { AGENT_ROLLOUT_ACTOR: 'alice@example.com', AGENT_ROLLOUT_CONFIG_DIR: join(dir, 'config') };
});
afterAll(async () => cleanup());

const SUPPORT = 'agents/support-triage/rollout.json';
const FINANCE = 'agents/finance-ledger/rollout.json';
const BROKEN = 'agents/broken/rollout.json';
const NEWER = 'agents/newer/rollout.json';

let copies = 0;
/**
 * A repository laid out as agents/<id>/rollout.json: the two bundled examples, with `broken` a
 * manifest that does not parse, with `newer` one of version 2.
 */
async function fleet(options: { broken?: boolean; newer?: boolean } = {}): Promise<string> {
  const root = join(dir, `fleet-${++copies}`);
  await copyExample('support-triage', join(root, 'agents'));
  await copyExample('finance-ledger', join(root, 'agents'));
  if (options.broken) {
    await mkdir(join(root, 'agents/broken'), { recursive: true });
    await writeFile(join(root, BROKEN), '{ "agent": ');
  }
  if (options.newer) {
    await mkdir(join(root, 'agents/newer'), { recursive: true });
    const doc = JSON.parse(await readFile(join(root, SUPPORT), 'utf8')) as Record<string, unknown>;
    await writeFile(join(root, NEWER), JSON.stringify({ ...doc, version: 2 }, null, 2));
  }
  return root;
}

function run(folder: string, args: string[]) {
  return runInProcess(args, { cwd: folder, env });
}

async function state(folder: string, path: string): Promise<Record<string, any>> {
  return (JSON.parse(await readFile(join(folder, path), 'utf8')) as { state: Record<string, any> }).state;
}

async function trailLength(folder: string, path: string): Promise<number> {
  const file = join(folder, path.replace(/rollout\.json$/, 'rollout.audit.jsonl'));
  if (!existsSync(file)) return 0;
  return (await readFile(file, 'utf8')).split('\n').filter(Boolean).length;
}

/** A status object without its ages, which depend on the moment it was taken. */
function withoutAges(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (key, v: unknown) => (key === 'ageMs' ? undefined : v)));
}

describe('no silent last-wins', () => {
  it('a command that reads one manifest refuses a second -m (exit 2), naming the commands that take several, and writes nothing', async () => {
    const folder = await fleet();
    const before = await readFile(join(folder, SUPPORT), 'utf8');
    for (const args of [
      ['plan', '-m', SUPPORT, '-m', FINANCE],
      ['gate', '-m', SUPPORT, '--manifest', FINANCE],
      ['advance', '-m', SUPPORT, '-m', FINANCE, '--force', '--reason', 'x'],
      ['drill', '--dry-run', '-m', SUPPORT, '-m', FINANCE],
      ['audit', '-m', SUPPORT, '-m', FINANCE],
      ['audit', 'verify', '-m', SUPPORT, '-m', FINANCE],
      ['rollback', '-m', SUPPORT, '-m', FINANCE],
      ['mode', 'enforce', '-m', SUPPORT, '-m', FINANCE],
      ['org', 'clear', 'acme', '-m', SUPPORT, '-m', FINANCE],
      ['org', 'mode', 'acme', 'enforce', '-m', SUPPORT, '-m', FINANCE],
      ['inventory', '--check', '-m', SUPPORT, '-m', FINANCE],
      ['guardrails', 'test', '-m', SUPPORT, '-m', FINANCE],
    ]) {
      const result = await run(folder, args);
      expect(result.code, args.join(' ')).toBe(2);
      const command = args[0] === 'org' || args[0] === 'guardrails' ? `${args[0]} ${args[1]}` : args[0];
      expect(result.stderr, args.join(' ')).toContain(`\`${command}\` reads one manifest, and -m was given more than once`);
      expect(result.stderr, args.join(' ')).toContain('status, pause, resume, enable, disable, org enable|disable, validate, export');
    }
    expect(await readFile(join(folder, SUPPORT), 'utf8')).toBe(before);
    expect(await trailLength(folder, SUPPORT)).toBe(0);
  });

  it('pause -m a -m b pauses both, and each line names the agent and the file it changed', async () => {
    const folder = await fleet();
    const result = await run(folder, ['pause', '-m', SUPPORT, '-m', FINANCE, '--reason', 'INC-9 holiday freeze']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect((await state(folder, SUPPORT)).paused).toMatchObject({ reason: 'INC-9 holiday freeze', by: 'alice@example.com' });
    expect((await state(folder, FINANCE)).paused).toMatchObject({ reason: 'INC-9 holiday freeze', by: 'alice@example.com' });
    expect(result.stdout).toMatch(/^pause over 2 manifests: 2 changed\n/);
    expect(result.stdout).toMatch(
      /changed\s+support-triage\s+agents\/support-triage\/rollout\.json\s+paused the rollout .*audit seq 1 in agents\/support-triage\/rollout\.audit\.jsonl/,
    );
    expect(result.stdout).toMatch(
      /changed\s+finance-ledger\s+agents\/finance-ledger\/rollout\.json\s+paused the rollout .*audit seq 1 in agents\/finance-ledger\/rollout\.audit\.jsonl/,
    );
    expect(await trailLength(folder, SUPPORT)).toBe(1);
    expect(await trailLength(folder, FINANCE)).toBe(1);
    // Each change is verified on its own trail.
    for (const path of [SUPPORT, FINANCE]) expect((await run(folder, ['audit', 'verify', '-m', path])).code).toBe(0);
  });

  it('one manifest: the change names the agent and the file, in text and JSON', async () => {
    const folder = await fleet();
    const text = await run(folder, ['disable', '-m', SUPPORT]);
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n')[0]).toBe(
      'switched the agent off everywhere (the kill switch: state.enabled false): support-triage (agents/support-triage/rollout.json)',
    );
    expect(text.stdout).toContain('audit: seq 1 in agents/support-triage/rollout.audit.jsonl');
    const json = parseJsonOutput<Record<string, any>>((await run(folder, ['pause', FINANCE, '--reason', 'x', '--format', 'json'])).stdout);
    expect(json.manifests[0]).toMatchObject({ manifest: FINANCE, outcome: 'changed', agent: { id: 'finance-ledger' } });
  });
});

describe('fleet-wide switches', () => {
  it('disable over a glob: every agent off with its own audited entry, marked an emergency; again is nothing to do', async () => {
    const folder = await fleet();
    const result = await run(folder, ['disable', 'agents/*/rollout.json']);
    expect(result.code).toBe(0);
    expect((await state(folder, SUPPORT)).enabled).toBe(false);
    expect((await state(folder, FINANCE)).enabled).toBe(false);
    expect(result.stdout).toMatch(/^disable over 2 manifests: 2 changed/);
    const again = await run(folder, ['disable', 'agents/*/rollout.json']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^disable over 2 manifests: 2 nothing to do/);
    expect(again.stdout).toMatch(/nothing to do\s+finance-ledger\s+agents\/finance-ledger\/rollout\.json\s+the agent is already disabled/);
    const entry = JSON.parse((await readFile(join(folder, 'agents/support-triage/rollout.audit.jsonl'), 'utf8')).trim()) as Record<
      string,
      any
    >;
    expect(entry).toMatchObject({ action: 'disable', reason: null, details: { emergency: true } });
  });

  it('one manifest failing does not stop the others; the summary lists every outcome; exit 2', async () => {
    const folder = await fleet({ broken: true });
    const result = await run(folder, [
      'org',
      'disable',
      'acme',
      'agents/*/rollout.json',
      'agents/missing/rollout.json',
      '--reason',
      'contract ended',
      '--format',
      'json',
    ]);
    expect(result.code).toBe(2);
    const summary = parseJsonOutput<Record<string, any>>(result.stdout);
    expect(summary).toMatchObject({ formatVersion: 1, action: 'org', dryRun: false });
    const outcomes = Object.fromEntries(summary.manifests.map((m: any) => [m.manifest, m.outcome]));
    expect(outcomes).toEqual({
      [BROKEN]: 'failed',
      [FINANCE]: 'changed',
      [SUPPORT]: 'changed',
      'agents/missing/rollout.json': 'failed',
    });
    const broken = summary.manifests.find((m: any) => m.manifest === BROKEN);
    expect(broken.error).toContain('cannot read the manifest');
    expect((await state(folder, SUPPORT)).orgs.acme).toEqual({ enabled: false });
    expect((await state(folder, FINANCE)).orgs.acme).toEqual({ enabled: false });

    const text = await run(folder, ['org', 'enable', 'acme', 'agents/*/rollout.json']);
    expect(text.code).toBe(2);
    expect(text.stdout).toMatch(/^org over 3 manifests: 2 changed, 1 failed/);
    expect(text.stdout).toMatch(/failed\s+-\s+agents\/broken\/rollout\.json\s+cannot read the manifest/);
  });

  it('--dry-run says what would change and writes nothing', async () => {
    const folder = await fleet();
    const before = [await readFile(join(folder, SUPPORT), 'utf8'), await readFile(join(folder, FINANCE), 'utf8')];
    const result = await run(folder, ['pause', 'agents/*/rollout.json', '--reason', 'freeze', '--dry-run']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^pause over 2 manifests \(dry run: nothing written\): 2 would change/);
    const single = await run(folder, ['resume', '-m', SUPPORT, '--dry-run']);
    expect(single.stdout).toContain('nothing to do: the rollout is not paused');
    const one = await run(folder, ['pause', '-m', SUPPORT, '--reason', 'freeze', '--dry-run']);
    expect(one.stdout).toContain('dry run, nothing written: support-triage would change: paused the rollout');
    expect(one.stdout).toContain('state.paused.reason');
    expect([await readFile(join(folder, SUPPORT), 'utf8'), await readFile(join(folder, FINANCE), 'utf8')]).toEqual(before);
    expect(await trailLength(folder, SUPPORT)).toBe(0);
  });

  it('pause over several still needs its reason, before anything is written', async () => {
    const folder = await fleet();
    const result = await run(folder, ['pause', 'agents/*/rollout.json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('pause needs a reason');
    expect(await trailLength(folder, SUPPORT)).toBe(0);
  });
});

describe('fleet status', () => {
  it('one row per agent, attention first; an unreadable manifest is a row saying why, and exit 2', async () => {
    const folder = await fleet({ broken: true });
    await run(folder, ['pause', '-m', FINANCE, '--reason', 'INC-1']);
    const text = await run(folder, ['status', 'agents/*/rollout.json']);
    expect(text.code).toBe(2);
    expect(text.stdout).toMatch(/^2 agents, 2 to watch, 1 manifest not shown\n/);
    const lines = text.stdout.split('\n');
    expect(lines[1]).toMatch(
      /^\s+agent\s+owner\s+stage\s+on\s+mode\s+paused\s+last gate\s+drill\s+guardrails\s+may advance\s+trail\s+blockers\s+manifest$/,
    );
    expect(lines[3]).toMatch(
      /^!\s+finance-ledger\s+finance-systems\s+limited-beta 2\/3 \(5% \+ 2 orgs\)\s+on\s+enforce \+2 org overrides\s+since (?:just now|\d+s ago) by alice@example.com\s+none\s+none/,
    );
    expect(lines[4]).toMatch(/^!\s+support-triage\s+support-platform\s+internal-pilot 1\/3/);
    expect(text.stdout).toContain('finance-ledger: paused, never drilled');
    expect(text.stdout).toContain(`not shown:\n  ${BROKEN}: cannot read the manifest`);

    const json = parseJsonOutput<Record<string, any>>((await run(folder, ['status', 'agents/*/rollout.json', '--format', 'json'])).stdout);
    expect(Object.keys(json)).toEqual(['formatVersion', 'agents']);
    expect(json.agents[0]).toEqual({ manifest: BROKEN, error: expect.stringContaining('cannot read the manifest') });
    expect(json.agents.map((a: any) => a.agent?.id)).toEqual([undefined, 'finance-ledger', 'support-triage']);
    const finance = json.agents[1];
    expect(finance).toMatchObject({
      manifest: FINANCE,
      agent: { id: 'finance-ledger', name: 'Invoice reconciliation and ledger agent' },
      owner: 'finance-systems',
      enabled: true,
      stage: { id: 'limited-beta', position: 2, of: 3 },
      paused: { reason: 'INC-1', by: 'alice@example.com' },
      drill: 'none',
      trailHealth: 'ok',
      attention: { level: 'watch', reasons: expect.arrayContaining(['paused']) },
    });
    expect(finance.blockers).toBeGreaterThan(0);
  });

  it('the fleet row is the single-agent status object, with what the listing adds', async () => {
    const folder = await fleet();
    const single = parseJsonOutput<Record<string, any>>((await run(folder, ['status', '-m', SUPPORT, '--format', 'json'])).stdout);
    const fleetJson = parseJsonOutput<Record<string, any>>((await run(folder, ['status', SUPPORT, '--format', 'json'])).stdout);
    expect(fleetJson.agents).toHaveLength(1);
    const row = fleetJson.agents[0];
    const { formatVersion: _version, ...status } = single;
    for (const [key, value] of Object.entries(status)) expect(withoutAges(row[key]), key).toEqual(withoutAges(value));
  });

  it('status with no argument, or one -m, keeps the single-agent shape', async () => {
    const folder = await fleet();
    const one = await run(folder, ['status', '-m', SUPPORT]);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^support-triage \(Support triage agent\) agents\/support-triage\/rollout\.json\n\s+enabled\s+yes/);
  });

  it('--owner and --stage narrow the listing', async () => {
    const folder = await fleet();
    const owner = parseJsonOutput<Record<string, any>>(
      (await run(folder, ['status', 'agents/*/rollout.json', '--owner', 'finance-systems', '--format', 'json'])).stdout,
    );
    expect(owner.agents.map((a: any) => a.agent.id)).toEqual(['finance-ledger']);
    const stage = parseJsonOutput<Record<string, any>>(
      (await run(folder, ['status', '-m', SUPPORT, '-m', FINANCE, '--stage', 'internal-pilot', '--format', 'json'])).stdout,
    );
    expect(stage.agents.map((a: any) => a.agent.id)).toEqual(['support-triage']);
    const none = await run(folder, ['status', 'agents/*/rollout.json', '--owner', 'nobody']);
    expect(none.code).toBe(0);
    expect(none.stdout).toBe('0 agents\n');
  });

  it('a manifest newer than this tool and one that cannot be read are both "not shown", each with its own reason: text, markdown, html, --org', async () => {
    const folder = await fleet({ broken: true, newer: true });
    const broken = `${BROKEN}: cannot read the manifest: ${BROKEN}:1:12: unexpected end of file`;
    const newer = `${NEWER}: ${NEWER}:3:14: version 2 is newer than this agent-rollout supports (1): upgrade agent-rollout`;
    const text = await run(folder, ['status', 'agents/*/rollout.json']);
    expect(text.code).toBe(2);
    expect(text.stdout).toMatch(/^2 agents, 2 to watch, 2 manifests not shown\n/);
    // The last lines: the heading, then each manifest with its own reason.
    const lines = text.stdout.trimEnd().split('\n').slice(-3);
    expect(lines[0]).toBe('not shown:');
    expect(lines[1]?.startsWith(`  ${broken}`), lines[1]).toBe(true);
    expect(lines[2]?.startsWith(`  ${newer}`), lines[2]).toBe(true);
    expect(text.stdout).not.toContain('could not be read');

    const markdown = await run(folder, ['status', 'agents/*/rollout.json', '--format', 'markdown']);
    expect(markdown.stdout).toMatch(/^\*\*2 agents, 2 to watch, 2 manifests not shown\*\*\n/);
    expect(markdown.stdout).toContain(`\n**Not shown:**\n\n- \`${BROKEN}\`: cannot read the manifest: `);
    expect(markdown.stdout).toContain(`\n- \`${NEWER}\`: ${NEWER}:3:14: version 2 is newer than this agent-rollout supports (1): upgrade`);
    expect(markdown.stdout).not.toMatch(/could not/i);

    const page = (await run(folder, ['status', 'agents/*/rollout.json', '--format', 'html'])).stdout;
    const cards = [
      ...page.matchAll(/<section class="card not-shown">\s*<h2>(.*?)<\/h2>\s*<p class="meta">(.*?)<\/p>\s*<p class="bad">(.*?)</g),
    ];
    expect(cards.map(([, heading, manifest, why]) => [heading, manifest, why?.split(': upgrade')[0]])).toEqual([
      ['not shown', BROKEN, expect.stringMatching(new RegExp(`^cannot read the manifest: ${BROKEN}:1:12: unexpected end of file`))],
      ['not shown', NEWER, `${NEWER}:3:14: version 2 is newer than this agent-rollout supports (1)`],
    ]);
    expect(page).not.toContain('could not be read');

    for (const format of ['text', 'markdown']) {
      const org = await run(folder, ['status', 'agents/*/rollout.json', '--org', 'acme', '--format', format]);
      expect(org.stdout, format).toMatch(
        format === 'text' ? /\nnot shown:\n {2}agents\/broken/ : /\n\*\*Not shown:\*\*\n\n- `agents\/broken/,
      );
      expect(org.stdout, format).toContain('version 2 is newer than this agent-rollout supports (1): upgrade agent-rollout');
      expect(org.stdout, format).not.toMatch(/could not/i);
    }
  });

  it('markdown: a table with the same facts; outside text cannot make markup', async () => {
    const folder = await fleet();
    const path = join(folder, SUPPORT);
    const doc = JSON.parse(await readFile(path, 'utf8')) as Record<string, any>;
    doc.agent.owner = 'team <img src=x onerror=alert(1)> | *bold*';
    await writeFile(path, JSON.stringify(doc, null, 2));
    const result = await run(folder, ['status', 'agents/*/rollout.json', '--format', 'markdown']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      '|  | agent | owner | stage | on | mode | paused | last gate | drill | guardrails | may advance | trail | blockers | needs attention |',
    );
    expect(result.stdout).toContain('team &lt;img src=x onerror=alert(1)&gt; \\| \\*bold\\*');
    expect(result.stdout).not.toContain('<img');
  });

  it('text: an escape sequence or bidi character in a manifest is shown escaped, in the listing and the org view', async () => {
    const folder = await fleet();
    const path = join(folder, SUPPORT);
    const doc = JSON.parse(await readFile(path, 'utf8')) as Record<string, any>;
    doc.agent.owner = 'team\u001b[2J\u202eevil';
    await writeFile(path, JSON.stringify(doc, null, 2));
    for (const args of [
      ['status', 'agents/*/rollout.json'],
      ['status', 'agents/*/rollout.json', '--owner', doc.agent.owner],
    ]) {
      const result = await run(folder, args);
      expect(result.stdout, args.join(' ')).toContain('team\\u001b[2J\\u202eevil');
      expect(result.stdout.includes('\u001b') || result.stdout.includes('\u202e'), args.join(' ')).toBe(false);
    }
  });
});

describe('status --org', () => {
  it('per agent: on or off for that org, why, and the mode there; JSON as documented', async () => {
    const folder = await fleet({ broken: true });
    await run(folder, ['org', 'disable', 'entity-uk-ltd', '-m', FINANCE, '--reason', 'offboarding']);
    const result = await run(folder, ['status', 'agents/*/rollout.json', '--org', 'entity-uk-ltd', '--format', 'json']);
    expect(result.code).toBe(2);
    expect(parseJsonOutput(result.stdout)).toEqual({
      formatVersion: 1,
      org: 'entity-uk-ltd',
      agents: [
        { manifest: BROKEN, error: expect.stringContaining('cannot read the manifest') },
        {
          manifest: FINANCE,
          agent: { id: 'finance-ledger', name: 'Invoice reconciliation and ledger agent' },
          on: false,
          why: 'org forced off',
          mode: 'enforce',
        },
        {
          manifest: SUPPORT,
          agent: { id: 'support-triage', name: 'Support triage agent' },
          on: false,
          why: 'not in the stage audience',
          mode: 'observe',
        },
      ],
    });
    const text = await run(folder, ['status', FINANCE, SUPPORT, '--org', 'support-pilot']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^org support-pilot: on for 1 of 2 agents\n/);
    expect(text.stdout).toMatch(/support-triage\s+on\s+org forced on\s+observe\s+agents\/support-triage\/rollout\.json/);
    expect(text.stdout).toMatch(
      /finance-ledger\s+(on|off)\s+(inside|outside) the stage percentage bucket \(bucket \d+ of 100, on below 5: 5%\)/,
    );
  });

  it('an org name the schema does not take is exit 2; --org with the board is refused', async () => {
    const folder = await fleet();
    const bad = await run(folder, ['status', SUPPORT, '--org', '<acme>']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not an org name');
    const board = await run(folder, ['status', SUPPORT, '--org', 'acme', '--format', 'html']);
    expect(board.code).toBe(2);
    expect(board.stderr).toContain('the board (--format html) shows the fleet, not one org');
  });
});

describe('a fleet large enough for a second thread', () => {
  it('lists the same rows, text and JSON, as one thread does: broken trails and unreadable manifests included', async () => {
    const root = join(dir, 'many');
    const paths = writeFleet(root, SECOND_THREAD_FROM + 12, 12);
    // An edited trail line, a state that differs from the trail, a manifest that does not parse.
    const trail = paths[3]!.replace(/rollout\.json$/, 'rollout.audit.jsonl');
    await writeFile(trail, (await readFile(trail, 'utf8')).replace('"bench pause"', '"edited"'));
    await writeFile(paths[7]!, (await readFile(paths[7]!, 'utf8')).replace('"governanceMode": "observe"', '"governanceMode": "enforce"'));
    await writeFile(paths[40]!, '{ "agent": ');
    const glob = 'agents/*/rollout.json';
    const one = { ...env, AGENT_ROLLOUT_FLEET_THREADS: '1' };
    const text = [await runInProcess(['status', glob], { cwd: root, env }), await runInProcess(['status', glob], { cwd: root, env: one })];
    expect(text[0]!.code).toBe(2);
    expect(text[0]!.stdout).toBe(text[1]!.stdout);
    expect(text[0]!.stdout).toContain('audit trail broken');
    const json = [
      await runInProcess(['status', glob, '--format', 'json'], { cwd: root, env }),
      await runInProcess(['status', glob, '--format', 'json'], { cwd: root, env: one }),
    ];
    const [threads, single] = json.map((result) => withoutAges(parseJsonOutput(result.stdout))) as { agents: unknown[] }[];
    expect(threads!.agents).toHaveLength(paths.length);
    expect(threads).toEqual(single);
  });
});

describe('examples/github/agent-rollout-board.yml', () => {
  interface Step {
    id?: string;
    run?: string;
    uses?: string;
  }
  const workflow = parse(readFileSync(join(EXAMPLES, 'github', 'agent-rollout-board.yml'), 'utf8')) as {
    env: Record<string, string>;
    permissions: Record<string, string>;
    jobs: { board: { steps: Step[] } };
  };
  const steps = workflow.jobs.board.steps;

  /** Runs a step's script as GitHub's runner does (bash -eo pipefail), with agent-rollout on PATH. */
  async function runStep(id: string, cwd: string) {
    const shim = join(cwd, '.bin');
    await writeFiles(shim, { 'agent-rollout': `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n` });
    chmodSync(join(shim, 'agent-rollout'), 0o755);
    const script = steps.find((step) => step.id === id)?.run;
    if (!script) throw new Error(`the workflow has no run step ${id}`);
    const files = { GITHUB_OUTPUT: join(cwd, 'output.txt'), GITHUB_STEP_SUMMARY: join(cwd, 'summary.md') };
    const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
      cwd,
      encoding: 'utf8',
      env: { PATH: `${shim}:${process.env['PATH'] ?? '/usr/bin:/bin'}`, HOME: dir, NO_COLOR: '1', ...workflow.env, ...files },
    });
    return { code: result.status, stderr: result.stderr };
  }

  it('publishes the board as an artifact and a Pages site; every command it runs works on a fleet', async () => {
    expect(workflow.permissions).toEqual({ contents: 'read', pages: 'write', 'id-token': 'write' });
    expect(steps.filter((step) => step.run).map((step) => step.id ?? step.run)).toEqual(['install', 'summary', 'board', 'exit 2']);
    expect(steps.map((step) => step.uses?.split('@')[0]).filter(Boolean)).toEqual(
      expect.arrayContaining(['actions/upload-artifact', 'actions/upload-pages-artifact', 'actions/deploy-pages']),
    );
    const folder = await fleet({ broken: true });
    const summary = await runStep('summary', folder);
    expect(summary.code, summary.stderr).toBe(0);
    expect(await readFile(join(folder, 'summary.md'), 'utf8')).toContain('| 🟡 | finance-ledger |');
    const board = await runStep('board', folder);
    // A manifest could not be read: the board is written (its card says why), the step passes and
    // the last step fails the job.
    expect(board.code, board.stderr).toBe(0);
    expect(await readFile(join(folder, 'output.txt'), 'utf8')).toBe('status=2\n');
    const page = await readFile(join(folder, 'board/index.html'), 'utf8');
    expect(page).toContain('Invoice reconciliation and ledger agent');
    expect(page).toContain('<h2>not shown</h2>');
  });
});
