import { execFile } from 'node:child_process';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers/cli.js';

/**
 * The lint rules that keep the architecture (biome.jsonc): the pure core does no I/O, reads and
 * writes go through src/files/, and only src/ui/io.ts exits at once. Each rule is shown to fire on
 * a file that breaks it, at the path it would have in src/, and to stay quiet where it does not
 * apply. The files are linted in a folder of their own with a copy of the project's configuration,
 * so that nothing is ever written into src/.
 */

interface Finding {
  category: string;
  message: string;
  path: string;
  line: number;
}

const FILES: Record<string, string> = {
  'src/gate/reads-a-file.ts': "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n",
  'src/gate/lists-a-folder.ts': "import { readdirSync } from 'node:fs';\nexport const list = readdirSync;\n",
  'src/gate/runs-a-process.ts': "import { execa } from 'execa';\nexport const run = execa;\n",
  'src/plan/reads-the-environment.ts': "export const home = (): string | undefined => process.env['HOME'];\n",
  'src/plan/prints.ts': 'export const say = (text: string): void => console.log(text);\n',
  'src/state/status.ts': "import { ask } from '../ui/ask.js';\nexport const question = ask;\n",
  'src/diff/show.ts': "import { query } from '../metrics/prometheus.js';\nexport const q = query;\n",
  'src/diff/uses-metric-types.ts': "import type { Sample } from '../metrics/types.js';\nexport type S = Sample;\n",
  'src/diff/git-source.ts': "import { execa } from 'execa';\nexport const run = execa;\n",
  'src/commands/reads-raw.ts': "import { readFile, stat } from 'node:fs/promises';\nexport const both = [readFile, stat];\n",
  'src/commands/exits.ts': 'export function stop(): void {\n  process.exit(1);\n}\n',
  'src/files/reads.ts': "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n",
};

let dir: string;
let cleanup: () => Promise<void>;
let findings: Finding[];

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('lint-rules-'));
  await copyFile(join(ROOT, 'biome.jsonc'), join(dir, 'biome.jsonc'));
  for (const [path, text] of Object.entries(FILES)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  const biome = join(ROOT, 'node_modules', '.bin', 'biome');
  // Exit 1 is the expected outcome (the files break the rules); the report is on standard output.
  const { stdout } = await promisify(execFile)(biome, ['lint', '--vcs-enabled=false', '--reporter=json', '--max-diagnostics=none'], {
    cwd: dir,
  }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
  const report = JSON.parse(stdout) as {
    diagnostics: { category: string; message: string; location: { path: string; start: { line: number } } }[];
  };
  findings = report.diagnostics.map((d) => ({
    category: d.category,
    message: d.message,
    path: d.location.path,
    line: d.location.start.line,
  }));
});

afterAll(() => cleanup());

const at = (path: string) => findings.filter((finding) => finding.path === path);

describe('the pure core does no I/O', () => {
  it('no file system, no child process, no process, no console', () => {
    for (const path of ['src/gate/reads-a-file.ts', 'src/gate/lists-a-folder.ts', 'src/gate/runs-a-process.ts']) {
      expect(at(path), path).toEqual([
        expect.objectContaining({
          category: 'lint/style/noRestrictedImports',
          line: 1,
          message: expect.stringContaining('the pure core takes and returns data'),
        }),
      ]);
    }
    expect(at('src/plan/reads-the-environment.ts')).toEqual([
      expect.objectContaining({ category: 'lint/style/noRestrictedGlobals', line: 1 }),
    ]);
    expect(at('src/plan/prints.ts')).toEqual([expect.objectContaining({ category: 'lint/style/noRestrictedGlobals', line: 1 })]);
  });

  it('no terminal and no module that does I/O, in the pure files of a mixed folder too; metric types are fine', () => {
    expect(at('src/state/status.ts')).toEqual([
      expect.objectContaining({
        category: 'lint/style/noRestrictedImports',
        message: expect.stringContaining('never reaches the terminal'),
      }),
    ]);
    expect(at('src/diff/show.ts')).toEqual([
      expect.objectContaining({ category: 'lint/style/noRestrictedImports', message: expect.stringContaining('that module does I/O') }),
    ]);
    expect(at('src/diff/uses-metric-types.ts')).toEqual([]);
    expect(at('src/diff/git-source.ts')).toEqual([]);
  });
});

describe('outside the core', () => {
  it('reads and writes go through src/files/: readFile is refused, stat is not, and src/files/ may read', () => {
    expect(at('src/commands/reads-raw.ts')).toEqual([
      expect.objectContaining({
        category: 'lint/style/noRestrictedImports',
        line: 1,
        message: expect.stringContaining('src/files/bounded-read.ts'),
      }),
    ]);
    expect(at('src/files/reads.ts')).toEqual([]);
  });

  it('a command does not exit the process itself', () => {
    expect(at('src/commands/exits.ts')).toEqual([expect.objectContaining({ category: 'lint/nursery/noProcessExit', line: 2 })]);
  });
});
