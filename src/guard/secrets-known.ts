import type { Manifest } from '../manifest/types.js';

/**
 * The secret values the guard knows it holds: its token, and the value of every `env:NAME` a
 * served manifest references (source headers, notification URLs and headers, credentials). They
 * are redacted from everything the guard logs, answers, records or notifies.
 */
export function knownSecretValues(manifests: readonly Manifest[], env: NodeJS.ProcessEnv, extra: readonly string[]): string[] {
  const values = new Set<string>(extra.filter((value) => value !== ''));
  const visit = (node: unknown): void => {
    if (typeof node === 'string') {
      const match = /^env:([A-Za-z_][A-Za-z0-9_]*)$/.exec(node);
      const value = match?.[1] === undefined ? undefined : env[match[1]];
      if (value) values.add(value);
    } else if (Array.isArray(node)) {
      node.forEach(visit);
    } else if (node !== null && typeof node === 'object') {
      Object.values(node).forEach(visit);
    }
  };
  manifests.forEach(visit);
  return [...values];
}
