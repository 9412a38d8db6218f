/**
 * Alertmanager's webhook payload (version 4), checked: what the guard reads of it, and nothing
 * else. Pure: a parsed JSON value in, alerts or a problem out. Every string in it is hostile.
 * https://prometheus.io/docs/alerting/latest/configuration/#webhook_config
 */

export interface ReceivedAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

export interface AlertmanagerPayload {
  version: string;
  groupKey: string;
  receiver: string;
  alerts: ReceivedAlert[];
}

/** More alerts than this in one notification is not Alertmanager (it sends a group's alerts, capped by max_alerts). */
export const MAX_ALERTS = 1000;
const MAX_LABELS = 64;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringMap(value: unknown, what: string): Record<string, string> | string {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) return `${what} is not an object`;
  const entries = Object.entries(value);
  if (entries.length > MAX_LABELS) return `${what} has more than ${MAX_LABELS} entries`;
  const out: Record<string, string> = {};
  for (const [key, item] of entries) {
    if (typeof item !== 'string') return `${what}.${key} is not a string`;
    out[key] = item;
  }
  return out;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** The payload, or why it is not one (a 400). */
export function parseAlertmanagerPayload(value: unknown): AlertmanagerPayload | { problem: string } {
  if (!isRecord(value)) return { problem: 'the body is not a JSON object' };
  if (value['version'] !== '4') return { problem: `payload version ${JSON.stringify(value['version'] ?? null)} is not "4"` };
  const raw = value['alerts'];
  if (!Array.isArray(raw)) return { problem: '"alerts" is not an array' };
  if (raw.length > MAX_ALERTS) return { problem: `more than ${MAX_ALERTS} alerts in one notification` };
  const alerts: ReceivedAlert[] = [];
  for (const [index, item] of raw.entries()) {
    if (!isRecord(item)) return { problem: `alerts[${index}] is not an object` };
    const status = item['status'];
    if (status !== 'firing' && status !== 'resolved') return { problem: `alerts[${index}].status is not "firing" or "resolved"` };
    const labels = stringMap(item['labels'], `alerts[${index}].labels`);
    if (typeof labels === 'string') return { problem: labels };
    const annotations = stringMap(item['annotations'], `alerts[${index}].annotations`);
    if (typeof annotations === 'string') return { problem: annotations };
    alerts.push({
      status,
      labels,
      annotations,
      startsAt: text(item['startsAt']),
      endsAt: text(item['endsAt']),
      generatorURL: text(item['generatorURL']),
      fingerprint: text(item['fingerprint']),
    });
  }
  return { version: '4', groupKey: text(value['groupKey']), receiver: text(value['receiver']), alerts };
}
