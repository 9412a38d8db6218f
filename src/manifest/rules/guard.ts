import type { Manifest } from '../types.js';
import type { Finding } from './rule.js';
import { pointer } from '../../json/pointer.js';

/** A sink URL that carries its own secret: a Slack webhook, a query string, a password. */
function secretLooking(url: string, format: string): boolean {
  if (url.startsWith('env:')) return false;
  if (format === 'slack') return true;
  try {
    const parsed = new URL(url);
    return parsed.search !== '' || parsed.password !== '' || parsed.username !== '';
  } catch {
    return false;
  }
}

/** AR124: notification URLs that are secrets come from the environment; AR125: a disable alert the guard can receive. */
export function checkGuard(manifest: Manifest): Finding[] {
  const findings: Finding[] = [];
  (manifest.notify?.sinks ?? []).forEach((sink, i) => {
    if (secretLooking(sink.url, sink.format)) {
      findings.push({
        rule: 'AR124',
        pointer: pointer('notify', 'sinks', i, 'url'),
        message: `notification sink "${sink.id}" has its ${sink.format === 'slack' ? 'Slack webhook ' : ''}URL written in the manifest`,
        hint: `keep the URL in the environment and write "url": "env:${sink.id.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_URL"`,
      });
    }
  });
  (manifest.metrics?.alerts ?? []).forEach((alert, i) => {
    if (alert.action !== 'disable') return;
    const signal = manifest.metrics?.signals?.[alert.signal];
    const source = signal ? manifest.metrics?.sources?.[signal.source] : undefined;
    if (source && source.type !== 'prometheus') {
      findings.push({
        rule: 'AR125',
        pointer: pointer('metrics', 'alerts', i, 'action'),
        message: `alert ${alert.id ?? `#${i + 1}`} disables the agent, but its signal "${alert.signal}" is read from ${source.type} source "${signal?.source}": Alertmanager never sends it, only guard check acts on it`,
      });
    }
  });
  return findings;
}
