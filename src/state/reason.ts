import { UsageError } from '../errors.js';
import { findSecret } from '../manifest/secrets.js';

/**
 * A `--reason` as it will be recorded: trimmed, an empty one is none. A reason is printed,
 * written into the manifest's state (a pause) and kept in the append-only audit trail, where it
 * can never be taken back; so one that holds something that looks like a secret is refused
 * before anything is written.
 */
export function checkedReason(raw: string | undefined): string | undefined {
  const reason = raw?.trim();
  if (!reason) return undefined;
  const secret = findSecret(reason);
  if (secret) {
    throw new UsageError(
      `--reason holds what looks like ${secret.description}; it would be printed and kept in the append-only audit trail, so nothing was done`,
      'say why without the secret (name where it is kept, not its value), and revoke it if it was real',
    );
  }
  return reason;
}
