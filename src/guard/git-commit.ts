import { basename, dirname, resolve } from 'node:path';
import { auditPathFor } from '../state/audit-file.js';

/**
 * `--commit`: the manifest and its audit trail committed in their git repository, with a
 * message naming the alert. Only those two files are staged and committed (`git commit --
 * paths`), whatever else the work tree holds; pushing is the pipeline's job.
 */
export async function commitGuardChange(manifestPath: string, message: string): Promise<{ ok: true } | { ok: false; problem: string }> {
  const { execa } = await import('execa');
  const cwd = dirname(resolve(manifestPath));
  const files = [basename(manifestPath), basename(auditPathFor(manifestPath))];
  const git = (args: string[]) => execa('git', args, { cwd, reject: false, timeout: 10_000, stdin: 'ignore' });
  const added = await git(['add', '--', ...files]);
  if (added.exitCode !== 0) return { ok: false, problem: `git add failed: ${(added.stderr || added.stdout).split('\n')[0] ?? ''}` };
  const committed = await git(['commit', '--quiet', '-m', message, '--', ...files]);
  if (committed.exitCode !== 0)
    return { ok: false, problem: `git commit failed: ${(committed.stderr || committed.stdout).split('\n')[0] ?? ''}` };
  return { ok: true };
}
