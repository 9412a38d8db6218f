import { userInfo } from 'node:os';
import { UsageError } from '../errors.js';
import { findSecret } from '../manifest/secrets.js';
import { readOperatorConfig } from './operator-config.js';

/** Who made a change, and where that name came from (recorded, so a reviewer can weigh it). */
export interface Actor {
  name: string;
  /** `alertmanager`: `guard serve` acting on an alert; `guard`: `guard check` acting on its own evaluation. */
  source: 'flag' | 'env' | 'config' | 'git' | 'os' | 'alertmanager' | 'guard';
}

async function gitEmail(cwd: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const { execa } = await import('execa');
  try {
    const result = await execa('git', ['config', 'user.email'], { cwd, env, extendEnv: false, timeout: 5_000, reject: false });
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
  return checkedActor(await findActor(options));
}

async function findActor(options: { flag?: string; env: NodeJS.ProcessEnv; cwd: string }): Promise<Actor> {
  if (options.flag) return { name: options.flag, source: 'flag' };
  const fromEnv = options.env['AGENT_ROLLOUT_ACTOR'];
  if (fromEnv) return { name: fromEnv, source: 'env' };
  const stored = (await readOperatorConfig(options.env)).actor;
  if (stored) return { name: stored, source: 'config' };
  const email = await gitEmail(options.cwd, options.env);
  if (email) return { name: email, source: 'git' };
  return { name: userInfo().username, source: 'os' };
}

const ACTOR_SOURCE: Record<Actor['source'], string> = {
  flag: '--actor',
  env: 'AGENT_ROLLOUT_ACTOR',
  config: 'the stored actor (agent-rollout config set actor)',
  git: 'git config user.email',
  os: 'the OS user name',
  alertmanager: 'an Alertmanager alert (guard serve)',
  guard: 'guard check',
};

/**
 * The actor is printed and kept in the append-only audit trail, like a reason: one that holds
 * something that looks like a secret is refused before anything is written.
 */
export function checkedActor(actor: Actor): Actor {
  const secret = findSecret(actor.name);
  if (secret) {
    throw new UsageError(
      `${ACTOR_SOURCE[actor.source]} holds what looks like ${secret.description}; it would be printed and kept in the append-only audit trail, so nothing was done`,
      'name who is acting (an email or a user name), and revoke the secret if it was real',
    );
  }
  return actor;
}
