import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffManifests } from '../../src/diff/diff.js';
import { buildPlan } from '../../src/plan/model.js';
import type { Manifest } from '../../src/manifest/types.js';
import { renderDiffJson } from '../../src/render/diff/json.js';
import { renderDiffMarkdown } from '../../src/render/diff/markdown.js';
import { renderDiffText } from '../../src/render/diff/text.js';
import { renderPlanJson } from '../../src/render/plan/json.js';
import { renderPlanMarkdown } from '../../src/render/plan/markdown.js';
import { renderPlanText } from '../../src/render/plan/text.js';
import { escapeJsonOutput, guardTerminal, safeData, safeText } from '../../src/render/safe-text.js';
import { createStyle, loadColor } from '../../src/render/style.js';
import { renderTable } from '../../src/render/table.js';
import { EXAMPLES, copyExample, parseJsonOutput, runCli, runInProcess, tempDir } from '../helpers/cli.js';
import { fuzzRuns, fuzzTimeout } from '../helpers/run-counts.js';

/**
 * Promise: text from outside (a manifest, a metric source, a drill step or probe, an agent, the
 * audit trail, git) cannot drive the terminal. Escape sequences, C0/C1 controls and bidi or
 * invisible characters are shown escaped, never emitted; JSON keeps the data as \uXXXX escapes.
 */

/** What must never reach a stream raw (tab and line feed are fine; the tool's own SGR is checked apart). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]|\u{e0041}/u;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the tool's own colour codes
const OWN_SGR = /\u001b\[(?:0|1|2|22|3[0-9]|39|9[0-7])m/g;

const ESC = '\u001b';
/** One of each kind of attack, in one string. */
const HOSTILE =
  `A${ESC}[2J${ESC}[H` + // clear the screen, cursor home
  `${ESC}]52;c;cm0gLXJmIH4=\u0007` + // OSC 52: write the clipboard
  `${ESC}]8;;https://evil.example/\u0007click${ESC}]8;;\u0007` + // OSC 8: a hidden link
  `${ESC}]0;pwned\u0007` + // window title
  `\u009b31m` + // C1 CSI
  `\r✔ all good` + // overwrite the line
  `\u202eevil\u202c\u2066x\u2069` + // bidi
  `\u200bzw\ufeff\u2028\u{e0041}Z`; // invisible, line separator, tag character

function rawIn(text: string): string | undefined {
  return RAW.exec(text)?.[0];
}

describe('safeText, guardTerminal and escapeJsonOutput', () => {
  it('show every hostile character escaped and keep the text around it', () => {
    const shown = safeText(HOSTILE);
    expect(rawIn(shown)).toBeUndefined();
    expect(shown).toContain('\\u001b[2J');
    expect(shown).toContain('\\u202eevil');
    expect(shown).toContain('\\r✔ all good');
    expect(shown).toContain('\\u{e0041}Z');
  });

  it('guardTerminal passes the tool\u2019s own colour only when colour is on, and nothing else', () => {
    const own = `${ESC}[31mred${ESC}[39m`;
    expect(guardTerminal(own, { color: true, clearLine: false })).toBe(own);
    expect(guardTerminal(own, { color: false, clearLine: false })).toBe('\\u001b[31mred\\u001b[39m');
    // Conceal (8), blink (5) and cursor movement are not the tool's own.
    expect(guardTerminal(`${ESC}[8mhidden${ESC}[5m${ESC}[1A`, { color: true, clearLine: true })).toBe(
      '\\u001b[8mhidden\\u001b[5m\\u001b[1A',
    );
    expect(rawIn(guardTerminal(HOSTILE, { color: true, clearLine: true }).replace(OWN_SGR, ''))).toBeUndefined();
  });

  it('JSON output keeps the data and prints none of it raw', () => {
    const json = escapeJsonOutput(JSON.stringify({ value: HOSTILE }));
    expect(rawIn(json)).toBeUndefined();
    expect(JSON.parse(json)).toEqual({ value: HOSTILE });
  });
});

const SUPPORT = JSON.parse(readFileSync(join(EXAMPLES, 'support-triage', 'rollout.json'), 'utf8')) as Manifest;
const NOW = new Date('2026-12-01T10:00:00Z');

/** Characters an attacker would use, and some plain ones between them. */
const hostileChar = fc.constantFrom(
  ESC,
  '\u0007',
  '\u0008',
  '\r',
  '\n',
  '\t',
  '\u007f',
  '\u0085',
  '\u009b',
  '\u009d',
  '\u00ad',
  '\u061c',
  '\u200b',
  '\u200d',
  '\u200e',
  '\u202a',
  '\u202e',
  '\u2028',
  '\u2029',
  '\u2066',
  '\u2069',
  '\ufeff',
  '[',
  ']',
  ';',
  '2J',
  '52;c;',
  'a',
  ' ',
  '`',
  '|',
  '*',
  '@x',
  '<b>',
);
const hostileString = fc.array(hostileChar, { minLength: 1, maxLength: 12 }).map((parts) => parts.join(''));

function poisoned(text: string): Manifest {
  const m = structuredClone(SUPPORT) as any;
  m.agent.name = text;
  m.agent.description = text;
  m.agent.owner = text;
  m.stages[0].description = text;
  m.inventory.credentials[0].description = text;
  m.stages[1].exitCriteria[0].description = text;
  m.state.paused = { reason: text, by: text, at: '2026-12-01T09:00:00Z' };
  m.state.orgs = { [`org-${text}`]: { enabled: false } };
  return m as Manifest;
}

describe('every renderer, fed hostile text, emits no raw control, bidi or invisible character', () => {
  beforeAll(async () => {
    await loadColor();
  });

  it(
    'plan and diff in text (with colour), markdown and json',
    () => {
      const colour = createStyle(true);
      fc.assert(
        fc.property(hostileString, (text) => {
          const manifest = poisoned(text);
          const plan = buildPlan({ path: 'rollout.json', manifest, diagnostics: [], trail: [], trailProblems: 0, now: NOW });
          const diff = diffManifests({
            base: { label: `main:${text}`, document: SUPPORT as any },
            head: { label: 'rollout.json', document: manifest as any },
          });
          const outputs = {
            'plan text': renderPlanText(plan, colour).replace(OWN_SGR, ''),
            'plan markdown': renderPlanMarkdown(plan),
            'plan json': renderPlanJson(plan),
            'diff text': renderDiffText(diff, colour).replace(OWN_SGR, ''),
            'diff markdown': renderDiffMarkdown(diff),
            'diff json': renderDiffJson(diff),
          };
          for (const [name, output] of Object.entries(outputs)) expect(rawIn(output), name).toBeUndefined();
          // JSON keeps the data.
          expect((JSON.parse(outputs['diff json']) as { base: string }).base).toBe(`main:${text}`);
        }),
        { numRuns: fuzzRuns(0.15) },
      );
    },
    fuzzTimeout(10),
  );

  it(
    'a table keeps its columns whatever a cell holds',
    () => {
      fc.assert(
        fc.property(hostileString, hostileString, (a, b) => {
          const [x, y] = safeData([a, b]);
          const table = renderTable(['one', 'two', 'three'], [[x ?? '', y ?? '', 'end']]);
          const lines = table.trimEnd().split('\n');
          expect(lines).toHaveLength(3);
          expect(rawIn(table)).toBeUndefined();
        }),
        { numRuns: fuzzRuns(0.2) },
      );
    },
    fuzzTimeout(10),
  );
});

describe('through the built binary', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let folder: string;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    folder = await copyExample('support-triage', dir);
    const manifestPath = join(folder, 'rollout.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    manifest.agent.name = `Triage ${HOSTILE}`;
    manifest.agent.description = HOSTILE;
    manifest.stages[0].description = HOSTILE;
    manifest.inventory.credentials[0].description = HOSTILE;
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(folder, 'base.json'), readFileSync(manifestPath));
    await writeFile(manifestPath, JSON.stringify(manifest, null, 2));
  });
  afterAll(async () => {
    await cleanup();
  });

  const commands: [string, string[]][] = [
    ['validate --show-source', ['validate', '--show-source', 'rollout.json']],
    ['validate --format json', ['validate', '--format', 'json', 'rollout.json']],
    ['validate --format sarif', ['validate', '--format', 'sarif', 'rollout.json']],
    ['validate --format github', ['validate', '--format', 'github', 'rollout.json']],
    ['plan', ['plan']],
    ['plan --format markdown', ['plan', '--format', 'markdown']],
    ['plan --format json', ['plan', '--format', 'json']],
    ['diff', ['diff', 'base.json', 'rollout.json']],
    ['diff --format markdown', ['diff', 'base.json', 'rollout.json', '--format', 'markdown']],
    ['diff --format json', ['diff', 'base.json', 'rollout.json', '--format', 'json']],
    ['inventory --check', ['inventory', '--check']],
    ['status', ['status']],
  ];

  // In-process, without the process Io's last guard (guardTerminal): what the renderers write is
  // clean by itself. The tests below run the binary, through that guard.
  it.each(commands)('%s prints no raw hostile character, with or without colour', async (_name, args) => {
    for (const env of [{}, { NO_COLOR: undefined, FORCE_COLOR: '1' }]) {
      const result = await runInProcess(args, { cwd: folder, env });
      expect(result.stderr).not.toMatch(/This is a bug/);
      expect(rawIn(result.stdout.replace(OWN_SGR, '')), result.stdout).toBeUndefined();
      expect(rawIn(result.stderr.replace(OWN_SGR, '')), result.stderr).toBeUndefined();
      if (args.includes('json') || args.includes('sarif')) parseJsonOutput(result.stdout);
    }
  });

  it('diff --format json keeps the hostile value, as \\u escapes', async () => {
    const result = await runCli(['diff', 'base.json', 'rollout.json', '--format', 'json'], { cwd: folder });
    expect(result.stdout).toContain('\\u202e');
    const report = parseJsonOutput<{ changes: { path: string; after: unknown }[] }>(result.stdout);
    expect(report.changes.find((c) => c.path === '/agent/description')?.after).toBe(HOSTILE);
  });

  it('the audit trail: a hostile actor and reason, recorded by pause, show escaped in audit and status', async () => {
    const pause = await runCli(['pause', '--reason', `incident ${HOSTILE}`, '--actor', `mallory${ESC}]52;c;eA==\u0007`], { cwd: folder });
    expect(pause.code, pause.stderr).toBe(0);
    for (const args of [['audit'], ['status'], ['plan']]) {
      const result = await runCli(args, { cwd: folder });
      expect(rawIn(result.stdout), `${args.join(' ')}: ${result.stdout}`).toBeUndefined();
      expect(rawIn(result.stderr)).toBeUndefined();
    }
    const audit = await runCli(['audit'], { cwd: folder });
    expect(audit.stdout).toContain('mallory\\u001b]52;c;eA==\\u0007');
  });

  it('an error message that quotes outside text (a file name) shows it escaped', async () => {
    const result = await runCli(['plan', '-m', `missing${ESC}]0;pwned\u0007\u202e.json`], { cwd: folder });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: /);
    expect(rawIn(result.stderr)).toBeUndefined();
    expect(result.stderr).toContain('\\u001b]0;pwned\\u0007\\u202e');
  });
});

describe('a drill step and probe with hostile output', () => {
  let dir: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    const { chmod, mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(join(dir, 'scripts'));
    // printf turns the escapes into the raw bytes a hostile step would write.
    const script = `#!/usr/bin/env bash\nprintf 'revoking\\033[2J\\033]52;c;cm0gLXJmIH4=\\a\\r\\xe2\\x80\\xae done\\n'\nprintf '\\033]8;;https://evil.example/\\aclick\\033]8;;\\a\\n' >&2\nexit "\${1:-0}"\n`;
    await writeFile(join(dir, 'scripts', 'hostile.sh'), script);
    await chmod(join(dir, 'scripts', 'hostile.sh'), 0o755);
    const manifest = structuredClone(SUPPORT) as any;
    manifest.rollback = {
      window: '1m',
      steps: [{ id: 'kill-switch', run: ['./scripts/hostile.sh', '3'], timeout: '20s' }],
      verify: [{ id: 'off', run: ['./scripts/hostile.sh'], expect: { stdout: 'never printed' } }],
    };
    await writeFile(join(dir, 'rollout.json'), JSON.stringify(manifest, null, 2));
  });
  afterAll(async () => {
    await cleanup();
  });

  it('drill (text, markdown and the report files) shows the output escaped', async () => {
    for (const format of ['text', 'markdown', 'json']) {
      const result = await runCli(['drill', '--format', format, '--actor', `tester\u202e`], { cwd: dir });
      expect(result.code, result.stderr).toBe(1);
      expect(rawIn(result.stdout), `${format}: ${result.stdout}`).toBeUndefined();
      expect(rawIn(result.stderr), result.stderr).toBeUndefined();
      if (format === 'text') expect(result.stdout).toContain('\\u001b[2J');
    }
    const { readdir } = await import('node:fs/promises');
    const reports = (await readdir(join(dir, 'drills'))).filter((f) => f.endsWith('.md') || f.endsWith('.report.json'));
    expect(reports.length).toBeGreaterThan(0);
    for (const file of reports) expect(rawIn(readFileSync(join(dir, 'drills', file), 'utf8')), file).toBeUndefined();
  });
});

describe('the source: every text, markdown and annotation renderer neutralises its input', () => {
  it('each exported render…Text / render…Markdown / render…Github in src/render/ passes its data through safeData', async () => {
    const { readdirSync } = await import('node:fs');
    const { ROOT } = await import('../helpers/cli.js');
    const files = (readdirSync(join(ROOT, 'src', 'render'), { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));
    const renderers: string[] = [];
    const missing: string[] = [];
    for (const file of files) {
      const text = readFileSync(join(ROOT, 'src', 'render', file), 'utf8');
      for (const match of text.matchAll(/^export function (render\w*(?:Text|Markdown|Github))\(([^)]*)\)[^{]*\{\n([\s\S]*?)\n\}\n/gm)) {
        const [, name, params, body] = match as unknown as [string, string, string, string];
        // A renderer of the tool's own words only (no parameters) needs nothing.
        if (params.trim() === '') continue;
        renderers.push(name);
        if (!body.includes('safeData(')) missing.push(`${file}: ${name}`);
      }
    }
    expect(renderers.length).toBeGreaterThan(20);
    expect(missing).toEqual([]);
  });
});
