import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES, copyExample, runInProcess, tempDir, writeFiles } from '../helpers/cli.js';

interface Rule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('agent-rollout-export-rules-'));
  await copyExample('support-triage', dir);
  await copyExample('finance-ledger', dir);
  const support = JSON.parse(await readFile(join(EXAMPLES, 'support-triage', 'rollout.json'), 'utf8')) as any;
  const mixed = structuredClone(support);
  mixed.metrics.sources.helpdesk = { type: 'http', url: 'http://127.0.0.1:8080' };
  mixed.metrics.signals.error_rate = { source: 'helpdesk', path: '/errors?window=$window', pointer: '/value' };
  await writeFiles(dir, { 'mixed/rollout.json': JSON.stringify(mixed, null, 2) });
});
afterAll(async () => cleanup());

function promtool(args: string[], cwd: string): { code: number | null; output: string } {
  const run = spawnSync('promtool', args, { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

function rulesOf(text: string): Rule[] {
  return (parse(text) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);
}

describe('agent-rollout export prometheus-rules', () => {
  it('--help ends with examples', async () => {
    const help = await runInProcess(['export', 'prometheus-rules', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Examples:\n {2}agent-rollout export prometheus-rules /);
  });

  for (const example of ['support-triage', 'finance-ledger']) {
    it(`${example}: promtool check rules accepts the file`, async () => {
      const cwd = join(dir, example);
      const result = await runInProcess(['export', 'prometheus-rules', '--out', 'rules.yml'], { cwd });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(/^wrote \d+ alerting rules for 1 agent to rules\.yml\n$/);
      const check = promtool(['check', 'rules', 'rules.yml'], cwd);
      expect(check.output).toMatch(/SUCCESS: \d+ rules found/);
      expect(check.code, check.output).toBe(0);
    });
  }

  it('both examples in one file, one group each; promtool accepts it; same bytes on a second run', async () => {
    const first = await runInProcess(
      ['export', 'prometheus-rules', 'support-triage/rollout.json', 'finance-ledger/rollout.json', '--out', 'all.yml'],
      { cwd: dir },
    );
    expect(first.code, first.stderr).toBe(0);
    const text = await readFile(join(dir, 'all.yml'), 'utf8');
    expect((parse(text) as { groups: { name: string }[] }).groups.map((g) => g.name)).toEqual([
      'agent-rollout.finance-ledger',
      'agent-rollout.support-triage',
    ]);
    const check = promtool(['check', 'rules', 'all.yml'], dir);
    expect(check.code, check.output).toBe(0);
    const again = await runInProcess(['export', 'prometheus-rules', 'finance-ledger/rollout.json', 'support-triage/rollout.json'], {
      cwd: dir,
    });
    expect(again.stdout).toBe(text);
  });

  it('the check can fail: promtool rejects a file whose query was broken', async () => {
    const cwd = join(dir, 'support-triage');
    const result = await runInProcess(['export', 'prometheus-rules'], { cwd });
    await writeFile(join(cwd, 'broken.yml'), result.stdout.replace('> 0.05', '> > 0.05'));
    expect(promtool(['check', 'rules', 'broken.yml'], cwd).code).not.toBe(0);
  });

  it('promtool test rules: the alerts fire when the threshold is crossed and not below it', async () => {
    const cwd = join(dir, 'support-triage');
    const exported = await runInProcess(['export', 'prometheus-rules', '--out', 'rules.yml'], { cwd });
    expect(exported.code, exported.stderr).toBe(0);
    const rules = rulesOf(await readFile(join(cwd, 'rules.yml'), 'utf8'));
    const byName = (name: string) => {
      const rule = rules.find((r) => r.alert === name);
      if (!rule) throw new Error(`no rule ${name} in ${rules.map((r) => r.alert).join(', ')}`);
      return rule;
    };
    const rate = byName('SupportTriageGuardrailTriggerRate');
    const security = byName('SupportTriageSecurityEvent');
    const criterion = byName('SupportTriageSecurityEventsAboveInternalPilotMax');
    // The value annotation is the unrounded value as the alert fires (the summary rounds it).
    const firing = (rule: Rule, summary: string, value: string) => [
      { exp_labels: rule.labels, exp_annotations: { ...rule.annotations, summary, value } },
    ];
    const quiet = '0+0x40';
    const tests = {
      rule_files: ['rules.yml'],
      evaluation_interval: '1m',
      tests: [
        {
          // 1 trigger for every 10 invocations: 10% > 5%, held for 15m before it fires.
          interval: '1m',
          input_series: [
            { series: 'agent_guardrail_triggers_total{agent="support-triage"}', values: '0+1x40' },
            { series: 'agent_invocations_total{agent="support-triage"}', values: '0+10x40' },
            { series: 'agent_security_events_total{agent="support-triage"}', values: `0x9 1x30` },
          ],
          alert_rule_test: [
            { eval_time: '10m', alertname: rate.alert, exp_alerts: [] },
            {
              eval_time: '30m',
              alertname: rate.alert,
              exp_alerts: firing(
                rate,
                'support-triage: guardrail_trigger_rate is 0.1 over the last 5m, above 0.05 (the alert threshold) for 15m',
                '0.1',
              ),
            },
            { eval_time: '8m', alertname: security.alert, exp_alerts: [] },
            {
              eval_time: '12m',
              alertname: security.alert,
              exp_alerts: firing(security, 'support-triage: security_events is 1 over the last 5m, above 0 (the alert threshold)', '1'),
            },
            {
              eval_time: '12m',
              alertname: criterion.alert,
              exp_alerts: firing(
                criterion,
                'support-triage: security_events is 1 over the last 5m, above 0, the limit of exit criterion zero-security-events of stage internal-pilot',
                '1',
              ),
            },
            // Five minutes after the event the window no longer holds it.
            { eval_time: '25m', alertname: security.alert, exp_alerts: [] },
          ],
        },
        {
          // 1 trigger for every 50 invocations: 2% < 5%; no security event: nothing fires.
          interval: '1m',
          input_series: [
            { series: 'agent_guardrail_triggers_total{agent="support-triage"}', values: '0+1x40' },
            { series: 'agent_invocations_total{agent="support-triage"}', values: '0+50x40' },
            { series: 'agent_security_events_total{agent="support-triage"}', values: quiet },
          ],
          alert_rule_test: [
            { eval_time: '30m', alertname: rate.alert, exp_alerts: [] },
            { eval_time: '30m', alertname: security.alert, exp_alerts: [] },
            { eval_time: '30m', alertname: criterion.alert, exp_alerts: [] },
          ],
        },
      ],
    };
    await writeFile(join(cwd, 'rules.test.yml'), stringify(tests));
    const run = promtool(['test', 'rules', 'rules.test.yml'], cwd);
    expect(run.output).toContain('SUCCESS');
    expect(run.code, run.output).toBe(0);

    // The test can fail: expecting the rate alert below its threshold is caught.
    const wrong = structuredClone(tests);
    (wrong.tests[1]?.alert_rule_test[0] as { exp_alerts: unknown }).exp_alerts = firing(rate, 'anything', '0.1');
    await writeFile(join(cwd, 'wrong.test.yml'), stringify(wrong));
    expect(promtool(['test', 'rules', 'wrong.test.yml'], cwd).code).not.toBe(0);
  });

  it('signals without a prometheus source are left out, named on standard error and in the file header', async () => {
    const result = await runInProcess(['export', 'prometheus-rules', '-m', 'mixed/rollout.json'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      'note: support-triage alert support-triage-error-rate: signal error_rate is not exported: its source "helpdesk" is http, not prometheus\n',
    );
    expect(result.stdout).toContain(
      '# Not exported (only signals with a prometheus source can become rules):\n#   support-triage alert support-triage-error-rate',
    );
    expect(rulesOf(result.stdout).map((r) => r.alert)).not.toContain('SupportTriageErrorRate');
    await writeFile(join(dir, 'mixed.yml'), result.stdout);
    expect(promtool(['check', 'rules', 'mixed.yml'], dir).code).toBe(0);
  });

  it('--rate-window replaces $window; a bad one, an invalid manifest or --out outside is exit 2', async () => {
    const wide = await runInProcess(['export', 'prometheus-rules', '--rate-window', '1h30m'], { cwd: join(dir, 'support-triage') });
    expect(wide.code).toBe(0);
    for (const rule of rulesOf(wide.stdout)) expect(rule.expr).toMatch(/\[1h30m\]/);
    const cases: [string[], RegExp][] = [
      [['export', 'prometheus-rules', '--rate-window', 'soon'], /--rate-window "soon" is not a duration/],
      [['export', 'prometheus-rules', '--out', '../rules.yml'], /--out \.\.\/rules\.yml is outside the current folder/],
      [['export', 'prometheus-rules', '-m', 'nowhere.json'], /cannot read the manifest/],
    ];
    for (const [args, message] of cases) {
      const result = await runInProcess(args, { cwd: join(dir, 'support-triage') });
      expect([args.join(' '), result.code]).toEqual([args.join(' '), 2]);
      expect(result.stderr).toMatch(message);
    }
  });
});
