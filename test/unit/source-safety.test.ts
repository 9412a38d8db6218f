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

  it('no eval, new Function or node:vm anywhere in src/', () => {
    const offenders = files.filter(({ text }) => /\beval\s*\(|\bnew\s+Function\b|\bFunction\s*\(|node:vm|from 'vm'/.test(code(text))).map((f) => f.file);
    expect(offenders).toEqual([]);
  });

  it('a shell is used only where a step asks for one (shell: step.shell), never as a default', () => {
    const shellish = /\bshell\s*:\s*true\b|import\s*\{[^}]*\bexec(Sync)?\b[^}]*\}\s*from\s*'node:child_process'|\bexecaCommand\b|import\s*\{[^}]*\$[^}]*\}\s*from\s*'execa'/;
    const offenders = files.filter(({ text }) => shellish.test(text)).map((f) => f.file);
    expect(offenders).toEqual([]);
  });
});
