import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, EXAMPLES, ROOT, parseJsonOutput, runCli, runInProcess, tempDir, writeFiles } from '../helpers/cli.js';

const SUPPORT = join(EXAMPLES, 'support-triage', 'rollout.json');
const SARIF_SCHEMA = resolve(ROOT, '../shared/third-party/sarif/sarif-schema-2.1.0.json');

/** A token built at run time, so this file holds no literal a scanner would flag. */
const FAKE_GITHUB_TOKEN = 'ghp_' + 'Zx9Qw8Er7Ty6'.repeat(3);

let dir: string;
let cleanup: () => Promise<void>;
let brokenPath: string;
let secretPath: string;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  const support = JSON.parse(await readFile(SUPPORT, 'utf8')) as Record<string, any>;
  const broken = structuredClone(support);
  broken.stages[0].credentials.push('not-declared');
  broken.stages[1].governanceMode = 'observe';
  const withSecret = structuredClone(support);
  withSecret.agent.description = `uses ${FAKE_GITHUB_TOKEN} for the repo`;
  [brokenPath, secretPath] = (await writeFiles(dir, {
    'broken/rollout.json': JSON.stringify(broken, null, 2),
    'leaky/rollout.json': JSON.stringify(withSecret, null, 2),
  })) as [string, string];
});
afterAll(async () => cleanup());

describe('validate output formats', () => {
  it('every bundled example validates cleanly, with no warning even under --strict', async () => {
    const result = await runInProcess(['validate', 'examples/*/rollout.json', '--strict', '--format', 'json']);
    const report = parseJsonOutput<{ valid: boolean; files: { file: string; diagnostics: unknown[] }[] }>(result.stdout);
    expect(report.files.map((f) => f.file).sort()).toEqual([
      'examples/finance-ledger/rollout.json',
      'examples/otel-genai/rollout.json',
      'examples/support-triage/rollout.json',
    ]);
    for (const file of report.files) expect(file.diagnostics, file.file).toEqual([]);
    expect(result.code).toBe(0);
  });

  it('text: file:line:col, severity, rule, message and hint; a summary; exit 1 on errors', async () => {
    const result = await runInProcess(['validate', brokenPath], { cwd: dir });
    expect(result.code).toBe(1);
    const raw = await readFile(brokenPath, 'utf8');
    const line = raw.split('\n').findIndex((l) => l.includes('"not-declared"')) + 1;
    const column = (raw.split('\n')[line - 1] ?? '').indexOf('"not-declared"') + 1;
    expect(result.stdout).toContain(`${brokenPath}:${line}:${column} error AR105 stage "internal-pilot" holds credential "not-declared"`);
    expect(result.stdout).toMatch(/warning AR110 stage "limited-beta" \(stage 2 of 3\) is still in observe mode\n {2}hint: /);
    expect(result.stdout).toMatch(/✖ 1 error, 1 warning in 1 of 1 file\n$/);
    expect(result.stdout).not.toContain('\u001b[');
  });

  it('text: --show-source prints the offending line with a caret under the column', async () => {
    const result = await runInProcess(['validate', 'rollout.json', '--show-source'], { cwd: join(dir, 'broken') });
    const block = result.stdout.split('\n');
    const at = block.findIndex((l) => l.includes('AR105'));
    expect(block[at + 2]).toMatch(/^ {2}\d+ \| .*"not-declared"/);
    const sourceLine = block[at + 2] as string;
    const caretLine = block[at + 3] as string;
    expect(caretLine.indexOf('^')).toBe(sourceLine.indexOf('"not-declared"'));
  });

  it('text on a real terminal shows the source line without being asked', () => {
    const run = spawnSync('script', ['-qec', `${process.execPath} ${BIN} validate rollout.json`, '/dev/null'], {
      cwd: join(dir, 'broken'),
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', TERM: 'xterm' },
    });
    expect(run.stdout).toMatch(/\d+ \| .*"not-declared"/);
    expect(run.stdout).toMatch(/\| +\^/);
  });

  it('--quiet prints only errors, --strict turns warnings into errors', async () => {
    const quiet = await runInProcess(['validate', brokenPath, '--quiet'], { cwd: dir });
    expect(quiet.stdout).toContain('AR105');
    expect(quiet.stdout).not.toContain('AR110');
    const quietValid = await runInProcess(['validate', SUPPORT, '--quiet']);
    expect([quietValid.code, quietValid.stdout]).toEqual([0, '']);
    const strict = await runInProcess(['validate', brokenPath, '--strict', '--format', 'json'], { cwd: dir });
    const report = parseJsonOutput<{ files: { diagnostics: { rule: string; severity: string }[] }[] }>(strict.stdout);
    expect(report.files[0]?.diagnostics.find((d) => d.rule === 'AR110')?.severity).toBe('error');
  });

  it('json: formatVersion 1, files[] with valid and diagnostics[] (rule, severity, message, pointer, line, column)', async () => {
    const result = await runInProcess(['validate', brokenPath, SUPPORT, '--format', 'json'], { cwd: dir });
    expect(result.code).toBe(1);
    const report = parseJsonOutput<any>(result.stdout);
    expect(report.formatVersion).toBe(1);
    expect(report.summary).toEqual({ files: 2, valid: 1, errors: 1, warnings: 1, unreadable: 0, newer: 0 });
    expect(report.files[1]).toEqual({ file: SUPPORT, valid: true, readable: true, diagnostics: [] });
    expect(report.files[0].diagnostics[0]).toEqual({
      rule: 'AR105',
      name: 'stage-credential-not-in-inventory',
      severity: 'error',
      message: expect.stringContaining('"not-declared"'),
      hint: expect.any(String),
      pointer: expect.stringMatching(/^\/stages\/0\/credentials\/\d+$/),
      line: expect.any(Number),
      column: expect.any(Number),
    });
  });

  it('github: one workflow command per finding, with file, line and col', async () => {
    const result = await runInProcess(['validate', 'broken/rollout.json', '--format', 'github'], { cwd: dir });
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^::error file=broken\/rollout\.json,line=\d+,col=\d+,title=AR105 stage-credential-not-in-inventory::stage "internal-pilot" holds credential "not-declared".*%0Ahint: /,
    );
    expect(lines[1]).toMatch(/^::warning file=broken\/rollout\.json,line=\d+,col=\d+,title=AR110 later-stage-observe::/);
  });

  // The published schema sits beside the project (../shared/third-party), not in it; where it is
  // missing, the structure code scanning reads is still checked, and the test's name says so.
  const sarifSchemaNote = existsSync(SARIF_SCHEMA)
    ? 'valid against the published SARIF 2.1.0 schema'
    : 'SARIF 2.1.0 structure (the published schema is not beside the project here)';
  it(`sarif: ${sarifSchemaNote}, with rule metadata and locations`, async () => {
    const result = await runInProcess(['validate', 'broken/rollout.json', 'leaky/rollout.json', '--format', 'sarif'], { cwd: dir });
    expect(result.code).toBe(1);
    const sarif = parseJsonOutput<any>(result.stdout);
    expect(sarif).toMatchObject({
      version: '2.1.0',
      $schema: expect.stringContaining('sarif'),
      runs: [{ tool: { driver: { name: 'agent-rollout' } } }],
    });
    if (existsSync(SARIF_SCHEMA)) {
      const require = createRequire(import.meta.url);
      const AjvDraft04 = require('ajv-draft-04') as new (
        options: object,
      ) => {
        compile: (schema: object) => ((data: unknown) => boolean) & { errors?: unknown };
      };
      const ajv = new AjvDraft04({ allErrors: true, strict: false, logger: false });
      const validate = ajv.compile(JSON.parse(readFileSync(SARIF_SCHEMA, 'utf8')));
      expect(validate(sarif), JSON.stringify(validate.errors, null, 2)).toBe(true);
    }
    const run = sarif.runs[0];
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toContain('AR105');
    const rule = run.tool.driver.rules.find((r: { id: string }) => r.id === 'AR105');
    expect(rule.help.text.length).toBeGreaterThan(20);
    const result0 = run.results.find((r: { ruleId: string }) => r.ruleId === 'AR105');
    expect(result0.level).toBe('error');
    expect(result0.locations[0].physicalLocation).toMatchObject({
      artifactLocation: { uri: 'broken/rollout.json', uriBaseId: '%SRCROOT%' },
      region: { startLine: expect.any(Number), startColumn: expect.any(Number) },
    });
    expect(run.tool.driver.rules[result0.ruleIndex].id).toBe('AR105');
  });

  it('a literal secret is reported (AR103) but never printed, in any format', async () => {
    for (const format of ['text', 'json', 'sarif', 'github']) {
      const result = await runInProcess(['validate', secretPath, '--format', format, '--show-source'], { cwd: dir });
      expect(result.code, format).toBe(1);
      expect(result.stdout, format).toContain('AR103');
      expect(result.stdout, format).toContain('GitHub');
      expect(result.stdout + result.stderr, format).not.toContain(FAKE_GITHUB_TOKEN);
      expect(result.stdout + result.stderr, format).not.toContain(FAKE_GITHUB_TOKEN.slice(4, 20));
    }
  });

  it('a bearer token pasted as a header value is refused by the schema (AR100) and its line is never shown', async () => {
    const bearer = 'Bearer ' + 'q8Zr2LmT7vXk4NpW'.repeat(3);
    const manifest = JSON.parse(await readFile(SUPPORT, 'utf8')) as Record<string, any>;
    manifest.metrics.sources.prom.headers = { Authorization: bearer };
    const [path] = await writeFiles(dir, { 'bearer.json': JSON.stringify(manifest, null, 2) });
    for (const format of ['text', 'json', 'sarif', 'github']) {
      const result = await runInProcess(['validate', path!, '--format', format, '--show-source'], { cwd: dir });
      expect(result.code, format).toBe(1);
      expect(result.stdout, format).toContain('AR100');
      expect(result.stdout + result.stderr, format).not.toContain(bearer.slice(7, 30));
    }
  });

  it('several files and a quoted glob; a glob that matches nothing is exit 2', async () => {
    const result = await runInProcess(['validate', '*/rollout.json', '--format', 'json'], { cwd: dir });
    const report = parseJsonOutput<{ files: { file: string }[] }>(result.stdout);
    expect(report.files.map((f) => f.file)).toEqual(['broken/rollout.json', 'leaky/rollout.json']);
    const none = await runInProcess(['validate', 'nothing/*.json'], { cwd: dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('error: no file matches nothing/*.json');
  });

  it('defaults to ./rollout.json', async () => {
    const result = await runInProcess(['validate'], { cwd: join(dir, 'broken') });
    expect(result.stdout).toContain('rollout.json:');
    expect(result.code).toBe(1);
  });
});

describe('the command line', () => {
  it('--version prints the package version: answered by bin/, and by the program after another option', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const result = await runCli(['--version']);
    expect([result.code, result.stdout]).toEqual([0, `${pkg.version}\n`]);
    const program = await runInProcess(['--no-color', '--version']);
    expect([program.code, program.stdout]).toEqual([0, `${pkg.version}\n`]);
  });

  it('--help lists the commands, exit codes and examples; each command has examples', async () => {
    const help = await runInProcess(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/validate/);
    expect(help.stdout).toContain('Exit codes:');
    const commands = [...help.stdout.matchAll(/^ {2}([a-z][a-z-]*)(?: \[[^\]]*\]| <[^>]*>)* {2,}/gm)]
      .map((m) => m[1])
      .filter((c) => c !== 'help');
    expect(commands.length).toBeGreaterThan(0);
    for (const command of commands) {
      const sub = await runInProcess([command as string, '--help']);
      expect(sub.code, command).toBe(0);
      expect(sub.stdout, command).toMatch(/Examples:\n {2}agent-rollout /);
    }
  });

  it("each command's description is wrapped once, to the width, as paragraphs; `help X` prints `X --help`", async () => {
    const help = await runInProcess(['--help']);
    const commands = [...help.stdout.matchAll(/^ {2}([a-z][a-z-]*)(?: \[[^\]]*\]| <[^>]*>)* {2,}/gm)]
      .map((m) => m[1] as string)
      .filter((c) => c !== 'help');
    expect(commands).toEqual(
      expect.arrayContaining(['init', 'validate', 'plan', 'gate', 'advance', 'status', 'drill', 'diff', 'audit', 'export', 'config']),
    );
    for (const command of commands) {
      const sub = await runInProcess([command, '--help']);
      const description = sub.stdout.split('\n\n')[1] ?? '';
      const lines = description.split('\n');
      for (const [i, line] of lines.entries()) {
        expect(line.length, `${command}: ${line}`).toBeLessThanOrEqual(80);
        // A short line followed by the rest of its sentence is text wrapped twice.
        const next = lines[i + 1];
        if (next !== undefined && line.length < 60 && !line.startsWith(' '))
          expect(next, `${command}: "${line}" then "${next}"`).not.toMatch(/^[a-z]/);
      }
      expect((await runInProcess(['help', command])).stdout, command).toBe(sub.stdout);
    }
  });

  it('an unknown option or command is a usage error: exit 2 and a pointer to --help', async () => {
    const option = await runInProcess(['validate', '--colour']);
    expect(option.code).toBe(2);
    expect(option.stderr).toMatch(/unknown option '--colour'/);
    const format = await runInProcess(['validate', '--format', 'yaml']);
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/Allowed choices are text, json, sarif, github/);
    const command = await runInProcess(['valdate']);
    expect(command.code).toBe(2);
    expect(command.stderr).toMatch(/unknown command 'valdate'/);
  });
});
