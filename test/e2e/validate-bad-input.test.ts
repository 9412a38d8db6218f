import { createHash } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unprivilegedBinary } from '../helpers/unprivileged.js';
import { parseJsonOutput, runInProcess, tempDir } from '../helpers/cli.js';
import { spawnSync } from 'node:child_process';

interface Diag {
  rule: string;
  message: string;
  line: number;
  column: number;
  severity: string;
  pointer: string;
}
interface Report {
  files: { file: string; valid: boolean; readable: boolean; diagnostics: Diag[] }[];
}

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir()));
afterAll(async () => cleanup());

async function validateJson(
  name: string,
  content: string | Uint8Array | null,
): Promise<{ code: number | null; report: Report; stderr: string }> {
  if (content !== null) await writeFile(join(dir, name), content);
  const result = await runInProcess(['validate', name, '--format', 'json'], { cwd: dir });
  return { code: result.code, report: parseJsonOutput<Report>(result.stdout), stderr: result.stderr };
}

describe('validate on bad input: a clear finding, no stack trace, nothing written', () => {
  const cases: {
    name: string;
    content: string | Uint8Array;
    code: number;
    rule: string;
    message: RegExp;
    line?: number;
    column?: number;
  }[] = [
    { name: 'empty.json', content: '', code: 2, rule: 'AR001', message: /the file is empty/ },
    { name: 'blank.json', content: '  \n\n', code: 2, rule: 'AR001', message: /the file is empty/ },
    { name: 'null.json', content: 'null\n', code: 2, rule: 'AR008', message: /must be a JSON object, not null/ },
    { name: 'array.json', content: '[1, 2]\n', code: 2, rule: 'AR008', message: /must be a JSON object, not an array/ },
    { name: 'string.json', content: '"rollout"\n', code: 2, rule: 'AR008', message: /not a string/ },
    {
      name: 'latin1.json',
      content: Buffer.from([0x7b, 0x0a, 0x22, 0x61, 0xe9, 0x22, 0x3a, 0x31, 0x7d]),
      code: 2,
      rule: 'AR005',
      message: /not valid UTF-8/,
      line: 2,
      column: 3,
    },
    { name: 'deep.json', content: '['.repeat(10_000) + ']'.repeat(10_000), code: 2, rule: 'AR006', message: /deeper than 64 levels/ },
    { name: 'huge-number.json', content: '{\n  "version": 1e400\n}\n', code: 2, rule: 'AR007', message: /1e400/, line: 2, column: 14 },
    {
      name: 'trailing-comma.json',
      content: '{\n  "version": 1,\n}\n',
      code: 2,
      rule: 'AR001',
      message: /trailing comma/,
      line: 2,
      column: 15,
    },
    {
      name: 'unquoted-key.json',
      content: '{\n  version: 1\n}\n',
      code: 2,
      rule: 'AR001',
      message: /must be double-quoted/,
      line: 2,
      column: 3,
    },
    {
      name: 'cut-off.json',
      content: '{\n  "version": 1,\n  "agent": {\n    "id": "x"',
      code: 2,
      rule: 'AR001',
      message: /unexpected end of file/,
    },
    {
      name: 'comment.json',
      content: '{\n  // pilot\n  "version": 1\n}\n',
      code: 2,
      rule: 'AR001',
      message: /comments are not allowed/,
      line: 2,
      column: 3,
    },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.rule}`, async () => {
      const { code, report, stderr } = await validateJson(c.name, c.content);
      expect(code).toBe(c.code);
      expect(stderr).toBe('');
      const [file] = report.files;
      expect(file?.valid).toBe(false);
      const diagnostic = file?.diagnostics[0];
      expect(diagnostic?.rule).toBe(c.rule);
      expect(diagnostic?.message).toMatch(c.message);
      if (c.line !== undefined) expect([diagnostic?.line, diagnostic?.column]).toEqual([c.line, c.column]);
    });
  }

  it('a 50 MB file is refused before it is read', async () => {
    const path = join(dir, 'big.json');
    await writeFile(path, '');
    await truncate(path, 50 * 1024 * 1024);
    const { code, report } = await validateJson('big.json', null);
    expect(code).toBe(2);
    expect(report.files[0]?.diagnostics[0]).toMatchObject({
      rule: 'AR004',
      message: expect.stringMatching(/50\.0 MB; manifests are limited to 10 MB/),
    });
  });

  it('a missing file, and a directory, are AR004 with exit 2', async () => {
    await mkdir(join(dir, 'folder.json'));
    const missing = await validateJson('missing.json', null);
    expect(missing.code).toBe(2);
    expect(missing.report.files[0]?.diagnostics[0]).toMatchObject({ rule: 'AR004', message: 'no such file' });
    const folder = await validateJson('folder.json', null);
    expect(folder.code).toBe(2);
    expect(folder.report.files[0]?.diagnostics[0]?.message).toMatch(/directory/);
  });

  it('a file without read permission is AR004 with exit 2', async () => {
    const path = join(dir, 'secret-perms.json');
    await writeFile(path, '{"version": 1}');
    await chmod(path, 0o000);
    await chmod(dir, 0o755);
    // root reads any file: as root the binary runs without capabilities (test/helpers/unprivileged.ts).
    const [command, ...args] = unprivilegedBinary();
    const run = spawnSync(command as string, [...args, 'validate', path, '--format', 'json'], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', HOME: '/tmp' },
    });
    expect(run.status, run.stderr).toBe(2);
    const report = parseJsonOutput<Report>(run.stdout);
    expect(report.files[0]?.diagnostics[0]).toMatchObject({ rule: 'AR004', message: expect.stringMatching(/permission denied/) });
  });

  it('a key "__proto__" is an unknown property, not a prototype change', async () => {
    const { code, report } = await validateJson('proto.json', '{\n  "version": 1,\n  "__proto__": {"polluted": true}\n}\n');
    expect(code).toBe(1);
    const unknown = report.files[0]?.diagnostics.find((d) => d.pointer === '/__proto__');
    expect(unknown).toMatchObject({ rule: 'AR100', line: 3, column: 3, message: expect.stringMatching(/unknown property "__proto__"/) });
  });

  it('a metric source URL that is not a URL, and a stage date that is not RFC 3339, are AR100 on their lines', async () => {
    const example = await readFile(new URL('../../examples/support-triage/rollout.json', import.meta.url), 'utf8');
    const broken = example
      .replace('"url": "http://127.0.0.1:9090"', '"url": "127.0.0.1:9090/api"')
      .replace('"since": "2026-11-16T09:00:00Z"', '"since": "16/11/2026 09:00"');
    const lineOf = (text: string): number => broken.slice(0, broken.indexOf(text)).split('\n').length;
    const { code, report } = await validateJson('formats.json', broken);
    expect(code).toBe(1);
    const findings = report.files[0]?.diagnostics.filter((d) => d.rule === 'AR100');
    expect(findings).toEqual([
      expect.objectContaining({
        pointer: '/metrics/sources/prom/url',
        line: lineOf('"url": "127.0.0.1'),
        message: expect.stringMatching(/not a valid uri/),
      }),
      expect.objectContaining({
        pointer: '/state/since',
        line: lineOf('"since": "16/11'),
        message: expect.stringMatching(/not a valid date-time/),
      }),
    ]);
  });

  it('a duplicate key is AR002 at the second occurrence', async () => {
    const { code, report } = await validateJson('dup.json', '{\n  "version": 1,\n  "version": 1\n}\n');
    expect(code).toBe(1);
    expect(report.files[0]?.diagnostics.find((d) => d.rule === 'AR002')).toMatchObject({
      line: 3,
      column: 3,
      message: expect.stringMatching(/first at line 2, column 3/),
    });
  });

  it('a BOM is accepted', async () => {
    const { report } = await validateJson('bom.json', '\uFEFF{"version": 1}');
    expect(report.files[0]?.diagnostics.some((d) => d.rule.startsWith('AR00'))).toBe(false);
  });

  it('version 2 says to upgrade and stops (exit 2); a missing version says what to add (exit 1)', async () => {
    const newer = await validateJson('v2.json', '{\n  "version": 2\n}\n');
    expect(newer.code).toBe(2);
    expect(newer.report.files[0]?.diagnostics).toEqual([
      expect.objectContaining({
        rule: 'AR003',
        message: 'version 2 is newer than this agent-rollout supports (1): upgrade agent-rollout',
        line: 2,
        column: 14,
      }),
    ]);
    const missing = await validateJson('nov.json', '{\n  "agent": {}\n}\n');
    expect(missing.code).toBe(1);
    expect(missing.report.files[0]?.diagnostics.find((d) => d.rule === 'AR003')?.message).toBe('the manifest has no "version"');
  });

  it('a manifest with every field of the wrong type gets a finding per field, each on its line', async () => {
    const text = [
      '{',
      '  "version": 1,',
      '  "agent": "support",',
      '  "inventory": [],',
      '  "guardrails": 3,',
      '  "metrics": "prom",',
      '  "stages": {},',
      '  "rollback": true,',
      '  "state": null',
      '}',
      '',
    ].join('\n');
    const { code, report } = await validateJson('types.json', text);
    expect(code).toBe(1);
    const byPointer = new Map(report.files[0]?.diagnostics.map((d) => [d.pointer, d]));
    const expected: [string, number, RegExp][] = [
      ['/agent', 3, /agent must be an object, not a string/],
      ['/inventory', 4, /inventory must be an object, not a list/],
      ['/guardrails', 5, /must be an object, not a whole number/],
      ['/metrics', 6, /must be an object/],
      ['/stages', 7, /stages must be a list, not an object/],
      ['/rollback', 8, /must be an object, not true or false/],
      ['/state', 9, /must be an object, not null/],
    ];
    for (const [pointer, line, message] of expected) {
      expect(byPointer.get(pointer)?.line, pointer).toBe(line);
      expect(byPointer.get(pointer)?.message, pointer).toMatch(message);
    }
  });

  it('validate never writes: the folder holds the same files with the same content afterwards', async () => {
    /** Every file and folder under `folder` by path, with the SHA-256 of each readable file's content. */
    const contents = async (folder: string, prefix = ''): Promise<Record<string, string>> => {
      const found: Record<string, string> = {};
      for (const entry of await readdir(folder, { withFileTypes: true })) {
        const path = join(folder, entry.name);
        const name = `${prefix}${entry.name}`;
        if (entry.isDirectory()) Object.assign(found, { [`${name}/`]: 'folder' }, await contents(path, `${name}/`));
        else
          found[name] = await readFile(path).then(
            (bytes) => createHash('sha256').update(bytes).digest('hex'),
            (error: NodeJS.ErrnoException) => error.code ?? 'unreadable',
          );
      }
      return found;
    };
    const before = await contents(dir);
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['types.json', 'empty.json', 'dup.json']));
    await runInProcess(['validate', 'types.json', 'empty.json', 'dup.json'], { cwd: dir });
    expect(await contents(dir)).toEqual(before);
    expect(await readFile(join(dir, 'types.json'), 'utf8')).toContain('"agent": "support"');
  });
});
