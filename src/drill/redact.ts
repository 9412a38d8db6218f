import type { Manifest } from '../manifest/types.js';
import { parseSecretRef, redactSecrets } from '../manifest/secrets.js';

/** How much of a command's output a record keeps. */
export const MAX_OUTPUT_CHARS = 4000;

const ENV_HEADER = /^env:([A-Za-z_][A-Za-z0-9_]*)$/;

/**
 * The names of the environment variables that hold secrets: every `env:NAME` secretRef in the
 * inventory, and every `env:NAME` header of a probe, a metric source or the guardrail endpoint.
 */
export function secretVariableNames(manifest: Manifest): string[] {
  const names = new Set<string>();
  for (const credential of manifest.inventory.credentials) {
    const ref = credential.secretRef === undefined ? undefined : parseSecretRef(credential.secretRef);
    if (ref?.scheme === 'env') names.add(ref.target);
  }
  const headerSets = [
    ...(manifest.rollback?.verify ?? []).map((probe) => probe.http?.headers),
    manifest.guardrails?.boundaries?.tests?.http?.headers,
    ...Object.values(manifest.metrics?.sources ?? {}).map((source) => source?.headers),
  ];
  for (const headers of headerSets) {
    for (const value of Object.values(headers ?? {})) {
      const name = value === undefined ? undefined : ENV_HEADER.exec(value)?.[1];
      if (name) names.add(name);
    }
  }
  return [...names].sort();
}

/** The values those variables hold in this environment: what must never be recorded or printed. */
export function secretValues(manifest: Manifest, env: NodeJS.ProcessEnv): string[] {
  return secretVariableNames(manifest)
    .map((name) => env[name])
    .filter((value): value is string => typeof value === 'string' && value !== '');
}

/** Every string inside a JSON-like value with the secrets replaced by [REDACTED]. */
export function redactDeep<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redactSecrets(v, secrets);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [redactSecrets(k, secrets), walk(x)]));
    return v;
  };
  return walk(value) as T;
}

/**
 * A command's output as a record keeps it: secrets redacted first (so a cut can never leave half
 * a secret), outer whitespace trimmed, and at most MAX_OUTPUT_CHARS, keeping the start and the
 * end (where errors are) with a marker saying how much was cut.
 */
export function recordOutput(text: string, secrets: readonly string[], max = MAX_OUTPUT_CHARS): string {
  const clean = redactSecrets(text, secrets).trim();
  if (clean.length <= max) return clean;
  const head = Math.floor(max / 4);
  const tail = max - head;
  const cut = clean.length - head - tail;
  return `${clean.slice(0, head)}\n… [${cut} characters cut] …\n${clean.slice(clean.length - tail)}`;
}
