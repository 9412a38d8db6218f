import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BIN, EXAMPLES, ROOT, tempDir, writeFiles } from '../helpers/cli.js';

/**
 * The example workflow (examples/github/agent-rollout.yml), piece by piece: every `run:` step is
 * executed exactly as written (bash -eo pipefail, like GitHub's runners) in a real repository
 * with an `origin` remote, with `agent-rollout` on PATH being the built binary. The comment step
 * (actions/github-script) runs its script against a recording stand-in for GitHub's REST API,
 * the one part that cannot run here.
 */

interface Step {
  id?: string;
  name?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}

const WORKFLOW = parse(readFileSync(join(ROOT, 'examples', 'github', 'agent-rollout.yml'), 'utf8')) as {
  on: { pull_request: { paths: string[] } };
  env: Record<string, string>;
  jobs: { review: { steps: Step[] } };
};
const STEPS = WORKFLOW.jobs.review.steps;

let dir: string;
let cleanup: () => Promise<void>;
let shim: string;
let support: any;

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

function git(cwd: string, ...args: string[]): string {
  const run = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${run.stderr}`);
  return run.stdout;
}

/** A pull request's checkout: `origin/main` holds `base` (if any), the working tree holds `head`. */
async function pullRequest(name: string, base: string | undefined, head: string): Promise<string> {
  const origin = join(dir, `${name}-origin.git`);
  const work = join(dir, name);
  git(dir, 'init', '-q', '--bare', '-b', 'main', origin);
  await writeFiles(work, { 'README.md': 'service\n', ...(base !== undefined ? { 'rollout.json': base } : {}) });
  git(work, 'init', '-q', '-b', 'main');
  git(work, 'add', '.');
  git(work, 'commit', '-q', '-m', 'main');
  git(work, 'remote', 'add', 'origin', origin);
  git(work, 'push', '-q', 'origin', 'main');
  git(work, 'checkout', '-q', '-b', 'change');
  await writeFile(join(work, 'rollout.json'), head);
  git(work, 'add', '.');
  git(work, 'commit', '-q', '-m', 'change');
  git(work, 'fetch', '-q', 'origin');
  return work;
}

function step(id: string): Step {
  const found = STEPS.find((s) => s.id === id);
  if (!found?.run) throw new Error(`the workflow has no run step ${id}`);
  return found;
}

/** Runs a step's script as GitHub's runner does (bash --noprofile --norc -eo pipefail). */
function runStep(id: string, cwd: string): { code: number | null; stdout: string; stderr: string } {
  const { run, env = {} } = step(id);
  const expressions = (value: string) => value.replace(/\$\{\{\s*github\.base_ref\s*\}\}/g, 'main');
  const stepEnv = Object.fromEntries(Object.entries({ ...WORKFLOW.env, ...env }).map(([k, v]) => [k, expressions(String(v))]));
  const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', run as string], {
    cwd,
    encoding: 'utf8',
    env: { PATH: `${shim}:${process.env['PATH'] ?? '/usr/bin:/bin'}`, HOME: process.env['HOME'] ?? '/tmp', NO_COLOR: '1', ...stepEnv },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface Comment {
  id: number;
  body: string;
  user: { type: string };
}

/** Runs the comment step's script against a stand-in for the REST API that keeps the comments in memory. */
async function commentStep(cwd: string, comments: Comment[]): Promise<void> {
  const script = STEPS.find((s) => s.uses?.startsWith('actions/github-script'))?.with?.['script'];
  if (!script) throw new Error('the workflow has no github-script step');
  const realRequire = createRequire(import.meta.url);
  const require = (name: string) =>
    name === 'fs'
      ? { readFileSync: (path: string, encoding: BufferEncoding) => readFileSync(join(cwd, path), encoding) }
      : realRequire(name);
  const listComments = async () => ({ data: comments });
  const github = {
    paginate: async (method: unknown, params: { issue_number: number }) => {
      expect(method).toBe(listComments);
      expect(params.issue_number).toBe(7);
      return comments;
    },
    rest: {
      issues: {
        listComments,
        createComment: async ({ body, issue_number }: { body: string; issue_number: number }) => {
          expect(issue_number).toBe(7);
          comments.push({ id: comments.length + 100, body, user: { type: 'Bot' } });
        },
        updateComment: async ({ comment_id, body }: { comment_id: number; body: string }) => {
          const found = comments.find((c) => c.id === comment_id);
          if (!found) throw new Error(`no comment ${comment_id}`);
          found.body = body;
        },
      },
    },
  };
  const context = { repo: { owner: 'acme', repo: 'support' }, issue: { number: 7 } };
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
    ...args: string[]
  ) => (...values: unknown[]) => Promise<void>;
  await new AsyncFunction('require', 'github', 'context', script)(require, github, context);
}

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('agent-rollout-workflow-'));
  support = JSON.parse(await readFile(join(EXAMPLES, 'support-triage', 'rollout.json'), 'utf8'));
  shim = join(dir, 'bin');
  await writeFiles(shim, { 'agent-rollout': `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n` });
  chmodSync(join(shim, 'agent-rollout'), 0o755);
});
afterAll(async () => cleanup());

describe('examples/github/agent-rollout.yml', () => {
  it('runs on pull requests that touch the manifest, with what the comment and the upload need', () => {
    expect(WORKFLOW.on.pull_request.paths).toContain('rollout.json');
    const permissions = (
      parse(readFileSync(join(ROOT, 'examples', 'github', 'agent-rollout.yml'), 'utf8')) as { permissions: Record<string, string> }
    ).permissions;
    expect(permissions).toEqual({ contents: 'read', 'pull-requests': 'write', 'security-events': 'write' });
    // Every command the workflow runs is exercised below (installing is the runner's business).
    expect(STEPS.filter((s) => s.run).map((s) => s.id)).toEqual(['install', 'validate', 'sarif', 'diff']);
    expect(STEPS.find((s) => s.uses?.startsWith('actions/checkout'))?.with?.['fetch-depth']).toBe(0);
  });

  it('on a valid change: no error annotation, a SARIF report, and a diff comment created then updated', async () => {
    const head = structuredClone(support);
    head.stages[1].audience.percent = 10;
    head.inventory.credentials[0].scopes.push('tickets:write');
    const work = await pullRequest('valid', json(support), json(head));

    // No error (a warning may annotate the pilot's new write scope); the step passes.
    const validate = runStep('validate', work);
    expect(validate.code, validate.stdout).toBe(0);
    expect(validate.stdout).not.toMatch(/^::error/m);

    const sarif = runStep('sarif', work);
    expect(sarif.code, sarif.stderr).toBe(0);
    const report = JSON.parse(await readFile(join(work, 'agent-rollout.sarif'), 'utf8'));
    expect(report.version).toBe('2.1.0');

    const diff = runStep('diff', work);
    expect(diff.code, diff.stderr).toBe(0);
    const markdown = await readFile(join(work, 'agent-rollout-diff.md'), 'utf8');
    expect(markdown.startsWith('<!-- agent-rollout diff -->\n')).toBe(true);
    expect(markdown).toContain('`origin/main:rollout.json` → `rollout.json`: **2 changes**');
    expect(markdown).toContain('| 🔴 high | **credential zendesk-ro**: scopes + `tickets:write` |');
    expect(markdown).toContain('| 🟠 medium | **stage limited-beta**: audience `5%` → `10%` |');

    const comments: Comment[] = [{ id: 1, body: '<!-- agent-rollout diff --> quoted by a person', user: { type: 'User' } }];
    await commentStep(work, comments);
    expect(comments).toHaveLength(2);
    expect(comments[1]?.body).toBe(markdown);
    // A later push updates the same comment instead of adding one.
    await writeFile(join(work, 'agent-rollout-diff.md'), '<!-- agent-rollout diff -->\nupdated\n');
    await commentStep(work, comments);
    expect(comments.map((c) => c.body)).toEqual([
      '<!-- agent-rollout diff --> quoted by a person',
      '<!-- agent-rollout diff -->\nupdated\n',
    ]);
  });

  it('on an invalid change: annotations fail the validate step, the SARIF report still uploads, the diff still runs', async () => {
    const head = structuredClone(support);
    head.stages[0].credentials.push('not-declared');
    const work = await pullRequest('invalid', json(support), json(head));

    const validate = runStep('validate', work);
    expect(validate.code).toBe(1);
    expect(validate.stdout).toMatch(/^::error file=rollout\.json,line=\d+,col=\d+,title=AR105 /m);

    const sarif = runStep('sarif', work);
    expect(sarif.code).toBe(0);
    const report = JSON.parse(await readFile(join(work, 'agent-rollout.sarif'), 'utf8'));
    expect(report.runs[0].results.map((r: { ruleId: string }) => r.ruleId)).toContain('AR105');

    const diff = runStep('diff', work);
    expect(diff.code).toBe(0);
    expect(diff.stderr).toMatch(/warning: HEAD rollout\.json is not a valid manifest/);
    expect(await readFile(join(work, 'agent-rollout-diff.md'), 'utf8')).toContain('credentials + `not-declared`');
  });

  it('an unreadable manifest fails the SARIF step (exit 2 is not a finding)', async () => {
    const work = await pullRequest('unreadable', json(support), '{ "version": 1,');
    const sarif = runStep('sarif', work);
    expect(sarif.code).not.toBe(0);
    expect(await readFile(join(work, 'agent-rollout.sarif'), 'utf8')).toContain('AR001');
    const diff = runStep('diff', work);
    expect(diff.code).toBe(2);
    expect(diff.stderr).toMatch(/error: cannot read HEAD \(rollout\.json:1:\d+: /);
  });

  it('a manifest new in the pull request gets a comment saying there is nothing to compare with', async () => {
    const work = await pullRequest('new', undefined, json(support));
    const diff = runStep('diff', work);
    expect(diff.code, diff.stderr).toBe(0);
    expect(await readFile(join(work, 'agent-rollout-diff.md'), 'utf8')).toBe(
      '<!-- agent-rollout diff -->\n### agent-rollout diff\n\n`rollout.json` is new in this pull request: there is no earlier version to compare with.\n',
    );
  });
});
