import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers/cli.js';

/**
 * The packed tarball, installed into an empty prefix as a user would (`npm install <tarball>`),
 * run from an empty folder: what ships must stand alone. `npm pack --ignore-scripts` packs the
 * dist/ that `npm test` just built (prepack would clean and rebuild dist/ under the other tests).
 */
let work: { dir: string; cleanup: () => Promise<void> };
let files: string[];
let project: string;
let bin: string;

function run(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', HOME: work.dir, NO_COLOR: '1' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(async () => {
  work = await tempDir('agent-rollout-pack-');
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work.dir], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  ) as { filename: string; files: { path: string }[] }[];
  files = packed[0]!.files.map((file) => file.path);
  project = join(work.dir, 'project');
  mkdirSync(project);
  execFileSync(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--no-save', '--ignore-scripts', join(work.dir, packed[0]!.filename)],
    {
      cwd: project,
      stdio: 'ignore',
      env: { ...process.env, npm_config_loglevel: 'error' },
    },
  );
  bin = join(project, 'node_modules', 'agent-rollout', 'bin', 'agent-rollout.js');
}, 180_000);

afterAll(async () => {
  await work?.cleanup();
});

describe('the packed package', () => {
  it('holds what runs and what its docs link to: the bundle, the schema, LICENSE, docs and examples; no compiled sources beside the bundle', () => {
    expect(files).toContain('LICENSE');
    expect(files).toContain('dist/manifest/schema-validator.cjs');
    expect(files).toContain('schemas/rollout.v1.schema.json');
    expect(files.some((path) => path.startsWith('dist/bundle/'))).toBe(true);
    const stray = files.filter(
      (path) => path.startsWith('dist/') && !path.startsWith('dist/bundle/') && !path.startsWith('dist/manifest/schema-validator.cjs'),
    );
    expect(stray).toEqual([]);
    expect(readFileSync(join(project, 'node_modules', 'agent-rollout', 'LICENSE'), 'utf8')).toContain('Apache License');
  });

  it('every relative link in the packaged README and docs resolves inside the package', () => {
    const root = join(project, 'node_modules', 'agent-rollout');
    const pages = ['README.md', ...readdirSync(join(root, 'docs')).map((name) => `docs/${name}`)];
    const broken: string[] = [];
    for (const page of pages) {
      const text = readFileSync(join(root, page), 'utf8');
      for (const match of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = match[1]!.split('#')[0]!;
        if (target === '' || /^[a-z]+:/i.test(target)) continue;
        if (!existsSync(resolve(dirname(join(root, page)), target))) broken.push(`${page}: ${match[1]}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('runs from an empty folder: --help, init --yes (with a $schema that resolves), validate, plan, export flagd', () => {
    const folder = join(project, 'agents', 'coder');
    mkdirSync(folder, { recursive: true });
    expect(run(['--help'], folder)).toMatchObject({ code: 0, stdout: expect.stringContaining('Usage: agent-rollout') });
    const init = run(['init', '--yes', '--actor', 'ci@example.com'], folder);
    expect(init.code, init.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(folder, 'rollout.json'), 'utf8')) as { $schema: string };
    expect(manifest.$schema).toBe('../../node_modules/agent-rollout/schemas/rollout.v1.schema.json');
    expect(existsSync(resolve(folder, manifest.$schema))).toBe(true);
    const validate = run(['validate'], folder);
    expect(validate.code, validate.stdout + validate.stderr).toBe(0);
    expect(run(['plan'], folder)).toMatchObject({ code: 0, stdout: expect.stringContaining('internal-pilot') });
    const flags = run(['export', 'flagd'], folder);
    expect(flags.code, flags.stderr).toBe(0);
    expect(JSON.parse(flags.stdout)).toHaveProperty('flags');
    expect(run(['schema'], folder).stdout.trim()).toBe(join(project, 'node_modules', 'agent-rollout', 'schemas', 'rollout.v1.schema.json'));
  });
});
