import { userInfo } from 'node:os';
import { readOperatorConfig } from './operator-config.js';

/** Who made a change, and where that name came from (recorded, so a reviewer can weigh it). */
export interface Actor {
  name: string;
  /** `alertmanager`: `guard serve` acting on an alert; `guard`: `guard check` acting on its own evaluation. */
  source: 'flag' | 'env' | 'config' | 'git' | 'os' | 'alertmanager' | 'guard';
}

async function gitEmail(cwd: string): Promise<string | undefined> {
  const { execa } = await import('execa');
  try {
    const result = await execa('git', ['config', 'user.email'], { cwd, timeout: 5_000, reject: false });
    const email = result.stdout.trim();
    return result.exitCode === 0 && email !== '' ? email : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The actor, in DESIGN.md's order: --actor, then AGENT_ROLLOUT_ACTOR, then the stored config
 * (`agent-rollout config set actor ...`), then `git config user.email`, then the OS user.
 */
export async function resolveActor(options: { flag?: string; env: NodeJS.ProcessEnv; cwd: string }): Promise<Actor> {
  if (options.flag) return { name: options.flag, source: 'flag' };
  const fromEnv = options.env['AGENT_ROLLOUT_ACTOR'];
  if (fromEnv) return { name: fromEnv, source: 'env' };
  const stored = (await readOperatorConfig(options.env)).actor;
  if (stored) return { name: stored, source: 'config' };
  const email = await gitEmail(options.cwd);
  if (email) return { name: email, source: 'git' };
  return { name: userInfo().username, source: 'os' };
}
