import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPrometheusRules } from '../../src/export/prometheus-rules.js';
import type { ReceivedAlert } from '../../src/guard/alertmanager.js';
import { parseAlertmanagerPayload } from '../../src/guard/alertmanager.js';
import type { ServedAgent } from '../../src/guard/decide.js';
import { disableAlertNames, ownDisableNames, planAlert } from '../../src/guard/decide.js';
import { knownSecretValues } from '../../src/guard/secrets-known.js';
import { guardText } from '../../src/guard/text.js';
import type { Manifest } from '../../src/manifest/types.js';
import { eventBody, sinksFor } from '../../src/notify/event.js';
import { EXAMPLES } from '../helpers/cli.js';

function manifest(): Manifest {
  const doc = JSON.parse(readFileSync(join(EXAMPLES, 'support-triage', 'rollout.json'), 'utf8')) as any;
  doc.metrics.alerts[1].action = 'disable';
  return doc as Manifest;
}

function alert(labels: Record<string, string>, status: 'firing' | 'resolved' = 'firing'): ReceivedAlert {
  return { status, labels, annotations: {}, startsAt: '', endsAt: '', generatorURL: '', fingerprint: 'f' };
}

describe('parseAlertmanagerPayload', () => {
  it('takes a version 4 payload and refuses anything else with a reason', () => {
    const ok = parseAlertmanagerPayload({ version: '4', alerts: [{ status: 'firing', labels: { a: 'b' }, annotations: {} }] });
    expect('alerts' in ok && ok.alerts[0]?.labels).toEqual({ a: 'b' });
    expect(parseAlertmanagerPayload([])).toEqual({ problem: 'the body is not a JSON object' });
    expect(parseAlertmanagerPayload({ version: 4, alerts: [] })).toEqual({ problem: 'payload version 4 is not "4"' });
    expect(parseAlertmanagerPayload({ version: '4', alerts: [{ status: 'odd' }] })).toEqual({
      problem: 'alerts[0].status is not "firing" or "resolved"',
    });
    expect(parseAlertmanagerPayload({ version: '4', alerts: [{ status: 'firing', labels: { a: 1 } }] })).toEqual({
      problem: 'alerts[0].labels.a is not a string',
    });
  });
});

describe('planAlert', () => {
  const m = manifest();
  const served = new Map<string, ServedAgent>([['support-triage', { path: 'st/rollout.json', manifest: m }]]);
  const names = () => disableAlertNames(m, 'st/rollout.json');

  it('pauses on any firing pause alert of a served agent', () => {
    expect(planAlert(alert({ alertname: 'Anything', agent: 'support-triage', action: 'pause' }), served, names)).toMatchObject({
      kind: 'change',
      action: 'pause',
    });
  });

  it("disables only for the name the manifest's own disable alert is exported as", () => {
    expect(
      planAlert(alert({ alertname: 'SupportTriageSecurityEvent', agent: 'support-triage', action: 'disable' }), served, names),
    ).toMatchObject({
      kind: 'change',
      action: 'disable',
    });
    expect(
      planAlert(alert({ alertname: 'SupportTriageErrorRate', agent: 'support-triage', action: 'disable' }), served, names),
    ).toMatchObject({
      kind: 'ignore',
    });
  });

  it('never acts on a resolved alert, an unknown agent or an unknown action; page and notify only notify', () => {
    expect(planAlert(alert({ alertname: 'X', agent: 'support-triage', action: 'pause' }, 'resolved'), served, names).kind).toBe('ignore');
    expect(planAlert(alert({ alertname: 'X', agent: 'other', action: 'pause' }), served, names).kind).toBe('ignore');
    expect(planAlert(alert({ alertname: 'X', agent: 'support-triage', action: 'resume' }), served, names).kind).toBe('ignore');
    expect(planAlert(alert({ alertname: 'X', agent: 'support-triage', action: 'page' }), served, names)).toMatchObject({ kind: 'notify' });
  });

  it('computes the disable names exactly as export prometheus-rules names the rules', () => {
    const exported = buildPrometheusRules([{ manifest: m, sha256: '', path: 'st/rollout.json' }], { rateWindow: '5m' });
    const disable = exported.groups[0]?.rules.filter((r) => r.labels['action'] === 'disable').map((r) => r.alert);
    expect(disable).toEqual(['SupportTriageSecurityEvent']);
    expect([...disableAlertNames(m, 'st/rollout.json')]).toEqual(disable);
    expect([...ownDisableNames(m)]).toEqual(disable);
  });
});

describe('guardText', () => {
  it('escapes controls, escape sequences and bidi or invisible characters, and redacts secrets', () => {
    expect(guardText('a\u001b[31mred\u0007\u0085\u202e\u2066\u200b\u2028\ufeffz')).toBe(
      'a\\u001b[31mred\\u0007\\u0085\\u202e\\u2066\\u200b\\u2028\\ufeffz',
    );
    expect(guardText('line\nnext\ttab')).toBe('line\\nnext\\ttab');
    expect(guardText('line\nnext', [], { multiline: true })).toBe('line\nnext');
    expect(guardText('token s3cr3t-value here', ['s3cr3t-value'])).toBe('token [REDACTED] here');
    expect(guardText('key ghp_0123456789abcdefghijklmnopqrstuvwxyzAB')).toBe('key [REDACTED]');
  });

  it('knows the values of every env: reference of the manifests', () => {
    const m = manifest() as any;
    m.notify = { sinks: [{ id: 's', url: 'env:HOOK_URL', format: 'slack', events: ['guard'] }] };
    expect(knownSecretValues([m], { HOOK_URL: 'https://hooks.example/T/B/x' }, ['tok'])).toEqual(['tok', 'https://hooks.example/T/B/x']);
  });
});

describe('notification events', () => {
  const event = {
    events: ['guard' as const, 'pause' as const],
    agent: 'a',
    manifest: 'a/rollout.json',
    at: 't',
    actor: 'x',
    summary: 'paused <@here> & co',
  };

  it('go to the sinks that list one of their kinds', () => {
    const m = manifest() as any;
    m.notify = {
      sinks: [
        { id: 'one', url: 'https://a.example/x', format: 'json', events: ['pause'] },
        { id: 'two', url: 'https://a.example/y', format: 'json', events: ['advance'] },
      ],
    };
    expect(sinksFor(m, event).map((s) => s.id)).toEqual(['one']);
  });

  it("escape Slack's control characters, and carry the event as JSON", () => {
    expect(JSON.parse(eventBody('slack', event)).text).toBe('[agent-rollout] a: paused &lt;@here&gt; &amp; co (by x, t)');
    expect(JSON.parse(eventBody('json', event))).toMatchObject({
      formatVersion: 1,
      event: 'pause',
      events: ['guard', 'pause'],
      agent: 'a',
    });
  });
});
