import { basename, dirname, resolve } from 'node:path';
import { auditPathFor } from '../state/audit-file.js';

/**
 * `--commit`: the manifest and its audit trail committed in their git repository, with a
 * message naming the alert. Only those two files are staged and committed (`git commit --
 * paths`), whatever else the work tree holds; pushing is the pipeline's job. `manifestPath` is
 * resolved against the command's folder (`cwd`, the Io's) and git runs with the Io's environment,
 * never this process's.
 */
export async function commitGuardChange(
  manifestPath: string,
  message: string,
  context: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ ok: true } | { ok: false; problem: string }> {
  const { execa } = await import('execa');
  const file = resolve(context.cwd, manifestPath);
  const cwd = dirname(file);
  const files = [basename(file), basename(auditPathFor(file))];
  const git = (args: string[]) =>
    execa('git', args, {
      cwd,
      reject: false,
      timeout: 10_000,
      stdin: 'ignore',
      env: { ...context.env, GIT_TERMINAL_PROMPT: '0' },
      extendEnv: false,
    });
  const added = await git(['add', '--', ...files]);
  if (added.exitCode !== 0) return { ok: false, problem: `git add failed: ${(added.stderr || added.stdout).split('\n')[0] ?? ''}` };
  const committed = await git(['commit', '--quiet', '-m', message, '--', ...files]);
  if (committed.exitCode !== 0)
    return { ok: false, problem: `git commit failed: ${(committed.stderr || committed.stdout).split('\n')[0] ?? ''}` };
  return { ok: true };
}
