import type { Manifest } from '../types.js';
import type { Finding } from './rule.js';
import { pointer } from '../../json/pointer.js';

/** Whether a URL carries a user name or password (`https://user:pass@host`). */
export function hasUrlCredentials(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.username !== '' || parsed.password !== '';
  } catch {
    return false;
  }
}

/**
 * AR122: no URL agent-rollout sends requests to (a metric source, the guardrails endpoint, a
 * rollback probe) carries credentials. They would be sent with every request, written by proxies
 * into their logs and shown in output; and a URL is not where a secret can be kept out of the
 * manifest. Credentials belong in `env:` headers.
 */
export function checkUrlCredentials(manifest: Manifest): Finding[] {
  const findings: Finding[] = [];
  const check = (url: string | undefined, at: string, what: string): void => {
    if (url === undefined || !hasUrlCredentials(url)) return;
    findings.push({
      rule: 'AR122',
      pointer: at,
      message: `the URL of ${what} has a user name or password in it (value not shown); agent-rollout refuses to send a request to it`,
    });
  };
  for (const [name, source] of Object.entries(manifest.metrics?.sources ?? {}))
    check(source?.url, pointer('metrics', 'sources', name, 'url'), `metric source "${name}"`);
  check(
    manifest.guardrails?.boundaries?.tests?.http?.url,
    pointer('guardrails', 'boundaries', 'tests', 'http', 'url'),
    'the guardrails endpoint',
  );
  (manifest.rollback?.verify ?? []).forEach((probe, i) =>
    check(probe.http?.url, pointer('rollback', 'verify', i, 'http', 'url'), `rollback probe "${probe.id}"`),
  );
  return findings;
}
