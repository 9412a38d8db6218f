import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { RulesSource } from '../../src/export/prometheus-rules.js';
import {
  alertName,
  breachExpression,
  buildPrometheusRules,
  criterionAlertName,
  renderPrometheusRules,
} from '../../src/export/prometheus-rules.js';
import type { Manifest } from '../../src/manifest/types.js';
import { EXAMPLES } from '../helpers/cli.js';

function example(name: string, change: (manifest: any) => void = () => undefined, path = 'rollout.json'): RulesSource {
  const manifest = JSON.parse(readFileSync(join(EXAMPLES, name, 'rollout.json'), 'utf8')) as any;
  change(manifest);
  return { manifest: manifest as Manifest, sha256: `sha-of-${name}`, path };
}

const OPTIONS = { rateWindow: '5m' };

describe('export prometheus-rules: the rules', () => {
  it('support-triage: one rule per alert, one per exit criterion of the current stage with a threshold', () => {
    const result = buildPrometheusRules([example('support-triage')], OPTIONS);
    expect(result.groups.map((g) => g.name)).toEqual(['agent-rollout.support-triage']);
    const rules = result.groups[0]?.rules ?? [];
    expect(rules.map((r) => r.alert)).toEqual([
      'SupportTriageGuardrailTriggerRate',
      'SupportTriageSecurityEvent',
      'SupportTriageErrorRate',
      // Named for when they fire (the signal past the criterion's bound), not after the criterion's id.
      'SupportTriageSecurityEventsAboveInternalPilotMax',
      'SupportTriageCostPerInvocationUsdOutsideInternalPilotBounds',
      'SupportTriageOutputPolicyViolationsAboveInternalPilotMax',
    ]);
    expect(rules.map((r) => r.labels['criterion']).filter(Boolean)).toEqual([
      'zero-security-events',
      'cost-within-estimate',
      'no-output-violations',
    ]);
    expect(result.skipped).toEqual([]);
  });

  it('withinPercent of a number in the manifest is a band around it, both ways, as the gate judges it', () => {
    const rules = buildPrometheusRules([example('support-triage')], OPTIONS).groups[0]?.rules ?? [];
    const cost = rules.find((r) => r.labels['criterion'] === 'cost-within-estimate');
    // 20% of inventory.costEnvelope.usdPerInvocation (0.08): 0.064 to 0.096.
    expect(cost?.expr).toMatch(/\) > 0\.096 or \(.*\) < 0\.064$/);
    expect(cost?.annotations['summary']).toContain('outside 0.064..0.096');
    const broken = example('support-triage', (m) => (m.stages[0].exitCriteria[1].of = 'agent.name'));
    expect(buildPrometheusRules([broken], OPTIONS).skipped).toEqual([
      {
        agent: 'support-triage',
        from: 'criterion internal-pilot/cost-within-estimate',
        signal: 'cost_per_invocation_usd',
        reason: '"of" (agent.name) is not a number in the manifest',
      },
    ]);
  });

  it('a rule: the PromQL with $window replaced, for, labels and annotations that name the threshold and what to do', () => {
    const rules = buildPrometheusRules([example('support-triage')], OPTIONS).groups[0]?.rules ?? [];
    const rate = rules.find((r) => r.alert === 'SupportTriageGuardrailTriggerRate');
    expect(rate).toEqual({
      alert: 'SupportTriageGuardrailTriggerRate',
      expr: '(sum(increase(agent_guardrail_triggers_total{agent="support-triage"}[5m])) / sum(increase(agent_invocations_total{agent="support-triage"}[5m]))) > 0.05',
      for: '15m',
      labels: { agent: 'support-triage', stage: 'internal-pilot', severity: 'warning', action: 'pause' },
      annotations: {
        summary:
          'support-triage: guardrail_trigger_rate is {{ $value | printf "%.4g" }} over the last 5m, above 0.05 (the alert threshold) for 15m',
        description: 'More than 5% of invocations trip a guardrail: pause expansion and look at the blocked inputs.',
        what_to_do:
          'Pause the rollout now: agent-rollout pause --reason "SupportTriageGuardrailTriggerRate: guardrail_trigger_rate above 0.05". Find the cause before you resume it.',
        value: '{{ $value }}',
      },
    });
    const page = rules.find((r) => r.alert === 'SupportTriageSecurityEvent');
    expect(page?.for).toBe('0s');
    expect(page?.labels).toEqual({ agent: 'support-triage', stage: 'internal-pilot', severity: 'critical', action: 'page' });
    expect(page?.annotations['what_to_do']).toMatch(
      /^Page support-platform \(support-platform@example.com\)\. .*agent-rollout disable --reason "/,
    );
    const criterion = rules.find((r) => r.alert === 'SupportTriageSecurityEventsAboveInternalPilotMax');
    expect(criterion?.labels).toEqual({
      agent: 'support-triage',
      stage: 'internal-pilot',
      severity: 'warning',
      action: 'notify',
      criterion: 'zero-security-events',
    });
    expect(criterion?.annotations['summary']).toContain(
      'above 0, the limit of exit criterion zero-security-events of stage internal-pilot',
    );
    expect(criterion?.annotations['description']).toBe(
      'Fires while security_events is above 0, which exit criterion zero-security-events of stage internal-pilot does not allow ' +
        '("No security event of any kind during the pilot"). The gate for internal-pilot checks this over its whole evaluation ' +
        'window: a breach now is an early warning of a no-go.',
    );
    expect(criterion?.annotations['what_to_do']).toContain(
      'agent-rollout pause --reason "SupportTriageSecurityEventsAboveInternalPilotMax: security_events above 0"',
    );
    for (const rule of rules) expect(rule.expr).not.toContain('$window');
  });

  it('--rate-window and the manifest path reach the queries and the suggested commands', () => {
    const rules =
      buildPrometheusRules([example('finance-ledger', () => undefined, 'agents/finance ledger/rollout.json')], { rateWindow: '10m' })
        .groups[0]?.rules ?? [];
    expect(rules.length).toBe(10);
    for (const rule of rules) {
      expect(rule.expr).toMatch(/\[10m\]/);
      expect(rule.expr).not.toMatch(/\[5m\]|\$window/);
      expect(rule.annotations['what_to_do']).toContain(`-m 'agents/finance ledger/rollout.json' --reason "`);
      expect(rule.labels['stage']).toBe('limited-beta');
    }
  });

  it('max and min: a breach either way; min alone: below', () => {
    expect(breachExpression('sum(x)', { max: 3, min: 1 })).toBe('(sum(x)) > 3 or (sum(x)) < 1');
    expect(breachExpression('sum(x)', { min: 0.5 })).toBe('(sum(x)) < 0.5');
    const source = example('support-triage', (m) => {
      m.metrics.alerts = [{ id: 'volume', signal: 'invocations', min: 10, max: 5000, action: 'notify' }];
      m.stages[0].exitCriteria = [{ id: 'enough-traffic', signal: 'invocations', min: 100 }];
    });
    const rules = buildPrometheusRules([source], OPTIONS).groups[0]?.rules ?? [];
    expect(rules.map((r) => [r.alert, r.expr.replace(/\(sum.*?\]\)\)\)/g, 'Q'), r.labels['severity']])).toEqual([
      ['SupportTriageVolume', 'Q > 5000 or Q < 10', 'warning'],
      ['SupportTriageInvocationsBelowInternalPilotMin', 'Q < 100', 'warning'],
    ]);
    expect(rules[0]?.annotations['summary']).toContain('outside 10..5000 (the alert threshold)');
    expect(rules[1]?.annotations['summary']).toContain('below 100, the limit of exit criterion enough-traffic');
  });

  it('signals without a prometheus source are left out and listed, in the header too', () => {
    const source = example('support-triage', (m) => {
      m.metrics.sources.tickets = { type: 'http', url: 'http://127.0.0.1:8080' };
      m.metrics.signals.security_events = { source: 'tickets', path: '/security', pointer: '/value' };
    });
    const result = buildPrometheusRules([source], OPTIONS);
    expect(result.skipped).toEqual([
      {
        agent: 'support-triage',
        from: 'alert support-triage-security-event',
        signal: 'security_events',
        reason: 'its source "tickets" is http, not prometheus',
      },
      {
        agent: 'support-triage',
        from: 'criterion internal-pilot/zero-security-events',
        signal: 'security_events',
        reason: 'its source "tickets" is http, not prometheus',
      },
    ]);
    expect(result.groups[0]?.rules.map((r) => r.alert)).not.toContain('SupportTriageSecurityEvent');
    const text = renderPrometheusRules(result, { generatedBy: 'agent-rollout test' });
    expect(text).toContain(
      '#   support-triage alert support-triage-security-event: signal security_events is not exported: its source "tickets" is http, not prometheus\n',
    );
  });

  it('an observe-only criterion is info; alerts without an id and duplicate names stay unique', () => {
    const source = example('support-triage', (m) => {
      m.metrics.alerts = [
        { signal: 'error_rate', max: 0.1, action: 'notify' },
        { signal: 'error_rate', max: 0.2, action: 'page' },
      ];
      m.stages[0].exitCriteria = [{ id: 'errors', signal: 'error_rate', max: 0.1, observe: true }];
    });
    const rules = buildPrometheusRules([source], OPTIONS).groups[0]?.rules ?? [];
    expect(rules.map((r) => [r.alert, r.labels['severity']])).toEqual([
      ['SupportTriageErrorRate1', 'warning'],
      ['SupportTriageErrorRate2', 'critical'],
      ['SupportTriageErrorRateAboveInternalPilotMax', 'info'],
    ]);
    expect(rules[0]?.annotations['description']).toBe(
      'Fires while error_rate is above 0.1: alert error_rate-1 of agent support-triage (metrics.alerts in its rollout.json).',
    );
    expect(rules[2]?.annotations['description']).toContain('observe-only');
  });

  it('several manifests: one group per agent, sorted; the YAML reads back as the same rules', () => {
    const result = buildPrometheusRules([example('support-triage'), example('finance-ledger')], OPTIONS);
    expect(result.groups.map((g) => g.name)).toEqual(['agent-rollout.finance-ledger', 'agent-rollout.support-triage']);
    const text = renderPrometheusRules(result, { generatedBy: 'agent-rollout test' });
    expect(parse(text)).toEqual({ groups: result.groups });
    expect(text).toMatch(/^# Prometheus alerting rules generated by agent-rollout test\./);
    expect(text).toContain('# finance-ledger: stage limited-beta, manifest sha256 sha-of-finance-ledger\n');
    expect(
      renderPrometheusRules(buildPrometheusRules([example('finance-ledger'), example('support-triage')], OPTIONS), {
        generatedBy: 'agent-rollout test',
      }),
    ).toBe(text);
  });

  it('alert names are CamelCase from ids', () => {
    expect(alertName('support-triage', 'limited-beta', 'error_rate.high')).toBe('SupportTriageLimitedBetaErrorRateHigh');
  });

  it("docs/runtime.md's table of renamed alerts is what the examples export", () => {
    const doc = readFileSync(new URL('../../docs/runtime.md', import.meta.url), 'utf8');
    const rows = [...doc.matchAll(/^\| ([a-z-]+) \| `([a-z-]+)` \| `([A-Za-z]+)` \| `([A-Za-z]+)` \|$/gm)];
    expect(rows.length).toBe(10);
    for (const [, agent, criterion, , name] of rows) {
      const rules = buildPrometheusRules([example(agent as string)], OPTIONS).groups[0]?.rules ?? [];
      expect(rules.find((r) => r.labels['criterion'] === criterion)?.alert).toBe(name);
    }
  });

  it('a criterion named for what passes exports as an alert named for what fires', () => {
    const source = example('finance-ledger');
    const rules = buildPrometheusRules([source], OPTIONS).groups[0]?.rules ?? [];
    const rule = rules.find((r) => r.labels['criterion'] === 'error-rate-below-threshold');
    expect(rule?.alert).toBe('FinanceLedgerErrorRateAboveLimitedBetaMax');
    expect(rule?.labels).toMatchObject({ agent: 'finance-ledger', action: 'notify', criterion: 'error-rate-below-threshold' });
    expect(rule?.annotations['description']).toMatch(
      /^Fires while error_rate is above 0\.01, which exit criterion error-rate-below-threshold /,
    );
    expect(criterionAlertName('a', 'beta', 'cost', { min: 1, max: 2 })).toBe('ACostOutsideBetaBounds');
    expect(criterionAlertName('a', 'beta', 'traffic', { min: 1 })).toBe('ATrafficBelowBetaMin');
  });
});
