import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

/** Every TypeScript file under src/, with its text. */
function sources(dir = join(ROOT, 'src')): { file: string; text: string }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [{ file: path.slice(ROOT.length + 1), text: readFileSync(path, 'utf8') }] : [];
  });
}

/** Comments and string contents removed, so prose that names a construct does not count. */
function code(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:])\/\/.*$/gm, '$1')
    .replace(/'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"/g, "''");
}

describe('the source never turns manifest content into code or a shell line', () => {
  const files = sources();

  it('finds the sources', () => {
    expect(files.length).toBeGreaterThan(100);
  });

  it("no eval, new Function or node:vm anywhere in src/ (node:vm only to load the build's own schema validator)", () => {
    const evaluates = files.filter(({ text }) => /\beval\s*\(|\bnew\s+Function\b|\bFunction\s*\(/.test(code(text))).map((f) => f.file);
    expect(evaluates).toEqual([]);
    // Import specifiers are strings, which code() blanks: look for them in the text itself.
    const vm = files
      .filter(({ text }) => /from\s+['"](?:node:)?vm['"]|import\(\s*['"](?:node:)?vm['"]|require\(\s*['"](?:node:)?vm['"]/.test(text))
      .map((f) => f.file);
    // code-cache.ts runs dist/manifest/schema-validator.cjs, which the build generated from our
    // schema, with its V8 code cache; never a manifest's content.
    expect(vm).toEqual(['src/manifest/code-cache.ts']);
    expect(files.filter(({ text }) => /from\s+'[./]*(?:manifest\/)?code-cache\.js'/.test(text)).map((f) => f.file)).toEqual([
      'src/manifest/schema-validator.ts',
    ]);
  });

  it('a shell is used only where a step asks for one (shell: step.shell), never as a default', () => {
    const shellish =
      /\bshell\s*:\s*true\b|import\s*\{[^}]*\bexec(Sync)?\b[^}]*\}\s*from\s*'node:child_process'|\bexecaCommand\b|import\s*\{[^}]*\$[^}]*\}\s*from\s*'execa'/;
    const offenders = files.filter(({ text }) => shellish.test(text)).map((f) => f.file);
    expect(offenders).toEqual([]);
  });
});

describe("the source's wording", () => {
  it('no "stage(s)" plurals in what it prints: a count with its noun goes through plural() (src/text/plural.ts)', () => {
    const literals = (text: string): string[] => text.match(/'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\])*`/g) ?? [];
    const found = sources().flatMap(({ file, text }) =>
      literals(text)
        .filter((literal) => /[a-z]\((?:s|es)\)/.test(literal.replace(/https?\(s\)|http\(s\)/g, '')))
        .map((literal) => `${file}: ${literal.slice(0, 80)}`),
    );
    expect(found).toEqual([]);
  });
});
