import { statSync } from 'node:fs';
import { BIN } from './cli.js';

/**
 * The command line that runs the built binary so that file permission bits count, as they do
 * for an ordinary user: as root (CI, containers) it runs under `setpriv` as the user who owns the
 * checkout, with every capability dropped. That user can reach the binary however private the
 * checkout's folder is (a `mktemp -d` folder is 0700), where another user (nobody) could not.
 * Without root, the binary runs as this user.
 */
export function unprivilegedBinary(): string[] {
  if (process.getuid?.() !== 0) return [process.execPath, BIN];
  const owner = statSync(BIN);
  return [
    'setpriv',
    `--reuid=${owner.uid}`,
    `--regid=${owner.gid}`,
    '--clear-groups',
    '--inh-caps=-all',
    '--bounding-set=-all',
    process.execPath,
    BIN,
  ];
}
