import { InputError } from '../errors.js';

const GLOB_CHARS = /[*?[\]{}]/;

/**
 * The manifest files a command reads: each argument as given, glob patterns the shell left
 * alone (quoted, or on Windows) expanded and sorted, duplicates dropped, ./rollout.json when
 * there is none. A pattern that matches nothing is an InputError (exit 2).
 */
export async function expandManifestPatterns(patterns: readonly string[], cwd: string): Promise<string[]> {
  const files: string[] = [];
  for (const pattern of patterns.length > 0 ? patterns : ['rollout.json']) {
    if (!GLOB_CHARS.test(pattern)) {
      files.push(pattern);
      continue;
    }
    const { glob } = await import('tinyglobby');
    const matches = (await glob(pattern, { cwd, onlyFiles: true, expandDirectories: false })).sort();
    if (matches.length === 0)
      throw new InputError(`no file matches ${pattern}`, 'check the pattern; quote it to let agent-rollout expand it');
    files.push(...matches);
  }
  return [...new Set(files)];
}
