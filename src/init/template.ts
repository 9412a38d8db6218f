import { isSensitive } from '../manifest/access.js';
import { SPEND_HEADROOM } from '../manifest/rules/spend.js';
import type { Manifest, Stage } from '../manifest/types.js';
import type { InitAnswers } from './answers.js';
import type { Measure } from '../manifest/signal-coverage.js';
import type { SignalPreset } from './otel-genai.js';
import { otelGenaiAlerts, otelGenaiMetricsSection, otelGenaiSignals } from './otel-genai.js';

/** Stage ids, as in the guide's table. */
export const STAGE_IDS = ['internal-pilot', 'limited-beta', 'general-availability'] as const;

/** Twice the expected daily spend: room to learn the real envelope, and well inside validate's 3× ceiling. */
function spendLimit(invocationsPerDay: number, answers: InitAnswers): Stage['spendLimit'] {
  const usd = invocationsPerDay * answers.cost.usdPerInvocation;
  const tokens = invocationsPerDay * answers.cost.tokensPerInvocation;
  const limit: NonNullable<Stage['spendLimit']> = {};
  if (usd > 0) {
    const rounded = Math.ceil(usd * 2 * 100) / 100;
    limit.usdPerDay = rounded <= usd * SPEND_HEADROOM ? rounded : usd * 2;
  }
  if (tokens > 0) limit.tokensPerDay = Math.ceil(tokens * 2);
  return Object.keys(limit).length ? limit : undefined;
}

/** Half of what the stage should see over its minimum duration: enough to judge, reachable in time. */
function minSamples(invocationsPerDay: number, days: number): number {
  return Math.max(1, Math.floor((invocationsPerDay * days) / 2));
}

function query(metric: string, agent: string, extra = ''): string {
  return `sum(increase(${metric}{agent="${agent}"${extra}}[$window]))`;
}

/** What a signal measures, attributed to the trigger that started the invocation (docs/signals.md). */
function by(measures: Measure): { measures: Measure; attribution: string } {
  return { measures, attribution: 'trigger' };
}

/** The metrics section: the default signals, or the OpenTelemetry GenAI preset's (src/init/otel-genai.ts). */
function metricsSection(id: string, model: string, preset: SignalPreset): NonNullable<Manifest['metrics']> {
  const section = {
    sources: { prom: { type: 'prometheus' as const, url: 'http://127.0.0.1:9090', timeout: '15s' } },
    sampleSignal: 'invocations',
    signals: {
      invocations: { source: 'prom', ...by('invocations'), query: query('agent_invocations_total', id), unit: 'invocations' },
      security_events: { source: 'prom', query: query('agent_security_events_total', id), unit: 'events' },
      cost_per_invocation_usd: {
        source: 'prom',
        ...by('cost-per-invocation'),
        query: `${query('agent_cost_usd_total', id)} / ${query('agent_invocations_total', id)}`,
        unit: 'USD',
      },
      output_policy_violations: { source: 'prom', query: query('agent_guardrail_output_matches_total', id), unit: 'responses' },
      error_rate: {
        source: 'prom',
        ...by('errors'),
        query: `${query('agent_invocation_errors_total', id)} / ${query('agent_invocations_total', id)}`,
        unit: 'ratio',
      },
      data_class_escapes: { source: 'prom', query: `sum(increase(dlp_findings_total{origin="${id}"}[$window]))`, unit: 'findings' },
      support_tickets_per_day: {
        source: 'prom',
        query: `sum(rate(helpdesk_tickets_created_total{tag="${id}"}[$window])) * 86400`,
        unit: 'tickets/day',
      },
      guardrail_trigger_rate: {
        source: 'prom',
        ...by('guardrail-triggers'),
        query: `${query('agent_guardrail_triggers_total', id)} / ${query('agent_invocations_total', id)}`,
        unit: 'ratio',
      },
      refusal_rate: {
        source: 'prom',
        ...by('refusals'),
        query: `${query('agent_refusals_total', id)} / ${query('agent_invocations_total', id)}`,
        unit: 'ratio',
      },
      policy_block_rate: {
        source: 'prom',
        ...by('policy-blocks'),
        query: `${query('agent_policy_blocks_total', id)} / ${query('agent_invocations_total', id)}`,
        unit: 'ratio',
      },
      tool_calls: { source: 'prom', ...by('tool-calls'), query: query('agent_tool_calls_total', id), unit: 'calls' },
      tool_latency_p95_seconds: {
        source: 'prom',
        ...by('tool-latency'),
        query: `histogram_quantile(0.95, sum by (le) (rate(agent_tool_call_duration_seconds_bucket{agent="${id}"}[$window])))`,
        unit: 'seconds',
      },
      cost_per_session_usd: {
        source: 'prom',
        ...by('cost-per-session'),
        query: `${query('agent_cost_usd_total', id)} / ${query('agent_sessions_total', id)}`,
        unit: 'USD',
      },
    },
    alerts: [
      { id: `${id}-security-event`, signal: 'security_events', max: 0, action: 'page' as const, severity: 'critical' as const },
      {
        id: `${id}-guardrail-trigger-rate`,
        signal: 'guardrail_trigger_rate',
        max: 0.05,
        for: '15m',
        action: 'pause' as const,
        severity: 'warning' as const,
      },
    ],
  };
  if (preset === 'default') return section;
  // Only the preset's signals: the default's counters are names the conventions do not define.
  // The alerts and criteria that read one of them are left out (buildInit), and init names them.
  return {
    sources: section.sources,
    ...otelGenaiMetricsSection(model),
    sampleSignal: 'invocations',
    signals: otelGenaiSignals(id),
    alerts: [...section.alerts, ...otelGenaiAlerts(id)],
  };
}

/** An alert or exit criterion of the template that a preset leaves out, and the signal it would read. */
export interface LeftOut {
  /** The stage of an exit criterion; absent for an alert. */
  stage?: string;
  id: string;
  signal: string;
}

/** What init writes: the manifest, and the alerts and criteria left out because the preset defines no signal they read. */
export interface InitTemplate {
  manifest: Record<string, unknown> & Manifest;
  leftOut: { alerts: LeftOut[]; criteria: LeftOut[] };
}

/** The rollout.json init writes (buildInit), without what it left out. Pure. */
export function buildManifest(answers: InitAnswers, schema: string, preset: SignalPreset = 'default'): Record<string, unknown> & Manifest {
  return buildInit(answers, schema, preset).manifest;
}

/**
 * The rollout.json init writes: the inventory from the answers, guardrails before the first
 * user, the signals the criteria read, the guide's three stages (internal pilot in observe mode
 * on staging data; a limited beta of a few percent in enforce mode; general availability with a
 * tested rollback), a manual rollback to fill in, and the agent switched off until it is
 * enabled. Key order is the order a reader meets the manifest. With a preset whose signals do
 * not include one an alert or criterion reads, that alert or criterion is left out and listed
 * in `leftOut`, for init to name. Pure.
 */
export function buildInit(answers: InitAnswers, schema: string, preset: SignalPreset = 'default'): InitTemplate {
  const { agent, credential, tool, cost, stages } = answers;
  const id = agent.id;
  const sensitiveRead = answers.dataClasses.filter((d) => isSensitive(d) && d.access !== 'write').map((d) => d.id);
  const pilotVolume = stages.pilotInvocationsPerDay;
  const betaVolume = (cost.invocationsPerDay * stages.betaPercent) / 100;
  const fullVolume = cost.invocationsPerDay;
  const pilotAudience: Stage['audience'] = {};
  if (stages.pilotOrgs.length) pilotAudience.orgs = stages.pilotOrgs;
  if (stages.pilotUsers.length) pilotAudience.users = stages.pilotUsers;
  pilotAudience.invocationsPerDay = pilotVolume;

  const stage = (fields: Omit<Stage, 'spendLimit'>, volume: number): Stage => {
    const { id: stageId, description, audience, credentials, dataAccess, ...rest } = fields;
    const limit = spendLimit(volume, answers);
    return { id: stageId, description, audience, credentials, dataAccess, ...(limit ? { spendLimit: limit } : {}), ...rest } as Stage;
  };

  const agentSection: Record<string, unknown> = { id, name: agent.name, owner: agent.owner };
  if (agent.contact) agentSection['contact'] = agent.contact;
  agentSection['model'] = agent.model;

  const manifest = {
    $schema: schema,
    version: 1 as const,
    agent: agentSection as unknown as Manifest['agent'],
    inventory: {
      credentials: [credential],
      tools: [tool],
      dataClasses: answers.dataClasses,
      triggers: answers.triggers,
      costEnvelope: { ...cost },
    },
    guardrails: {
      input: { promptInjection: 'block' as const, credentials: 'block' as const, pii: 'redact' as const },
      output: { dataClasses: sensitiveRead, action: 'block' as const },
      boundaries: { refuse: ["requests outside the agent's task"] },
    },
    metrics: metricsSection(id, agent.model, preset),
    stages: [
      stage(
        {
          id: STAGE_IDS[0],
          description: '1-2 trusted team members, low-stakes tasks, staging data. Guardrails in observe mode to calibrate them.',
          audience: pilotAudience,
          credentials: [credential.id],
          dataAccess: 'staging',
          governanceMode: 'observe',
          minDuration: '7d',
          minSamples: minSamples(pilotVolume, 7),
          exitCriteria: [
            {
              id: 'zero-security-events',
              description: 'No security event of any kind during the pilot.',
              signal: 'security_events',
              max: 0,
            },
            {
              id: 'cost-within-estimate',
              description: "Real cost per invocation within 20% of the inventory's estimate.",
              signal: 'cost_per_invocation_usd',
              withinPercent: 20,
              of: 'inventory.costEnvelope.usdPerInvocation',
            },
            {
              id: 'no-output-violations',
              description: 'Output inspection (in observe mode) would have blocked nothing.',
              signal: 'output_policy_violations',
              max: 0,
            },
          ],
        },
        pilotVolume,
      ),
      stage(
        {
          id: STAGE_IDS[1],
          description: `${stages.betaPercent}% of target users or workloads, production data, enforce mode.`,
          audience: { percent: stages.betaPercent },
          credentials: [credential.id],
          dataAccess: 'production',
          governanceMode: 'enforce',
          minDuration: '14d',
          minSamples: minSamples(betaVolume, 14),
          exitCriteria: [
            {
              id: 'error-rate-below-threshold',
              description: 'At most 2% of invocations end in an error.',
              signal: 'error_rate',
              max: 0.02,
            },
            {
              id: 'no-data-class-escapes',
              description: 'No sensitive data found where the agent wrote.',
              signal: 'data_class_escapes',
              max: 0,
            },
            {
              id: 'support-volume-manageable',
              description: 'At most 3 support tickets a day about the agent.',
              signal: 'support_tickets_per_day',
              max: 3,
            },
          ],
        },
        betaVolume,
      ),
      stage(
        {
          id: STAGE_IDS[2],
          description: 'Full rollout.',
          audience: { percent: 100 },
          credentials: [credential.id],
          dataAccess: 'production',
          governanceMode: 'enforce',
          minDuration: '14d',
          minSamples: minSamples(fullVolume, 14),
          exitCriteria: [
            {
              id: 'error-rate-stable',
              description: 'Error rate at most 2% at every sample over 14 days.',
              signal: 'error_rate',
              max: 0.02,
              for: '14d',
            },
            {
              id: 'rollback-tested',
              description: 'The current rollback section passed a drill in the last 30 days.',
              drill: { passedWithin: '30d' },
            },
          ],
        },
        fullVolume,
      ),
    ] as [Stage, ...Stage[]],
    rollback: {
      window: '10m',
      steps: [
        {
          id: 'kill-switch',
          manual: `Turn ${id} off everywhere. Replace with a command: "run": ["./scripts/flag.sh", "off"], "timeout": "30s".`,
        },
        credential.revoke?.run
          ? // The revoke command given for the credential is the step: a drill runs it.
            { id: `revoke-${credential.id}`, credential: credential.id, run: credential.revoke.run, timeout: '1m' }
          : {
              id: `revoke-${credential.id}`,
              credential: credential.id,
              manual: `Revoke ${credential.id}${credential.owner ? ` (ask ${credential.owner})` : ''}. Replace with a command and a timeout.`,
            },
        { id: 'announce', manual: `Tell ${agent.owner} and the users of ${id} that it is off.` },
      ] as [NonNullable<Manifest['rollback']>['steps'][number], ...NonNullable<Manifest['rollback']>['steps']],
      // What a drill revokes it must issue again (AR130), or the agent stays without its token.
      restore: [
        {
          id: `issue-${credential.id}`,
          credential: credential.id,
          manual: `Issue ${credential.id} again and put it where ${id} reads it. Replace with a command and a timeout.`,
        },
      ],
    },
    state: { enabled: false, stage: STAGE_IDS[0], governanceMode: 'observe' as const },
  };
  const defined = new Set(Object.keys(manifest.metrics.signals ?? {}));
  const leftOut: InitTemplate['leftOut'] = { alerts: [], criteria: [] };
  manifest.metrics.alerts = (manifest.metrics.alerts ?? []).filter((alert) => {
    if (defined.has(alert.signal)) return true;
    leftOut.alerts.push({ id: alert.id ?? alert.signal, signal: alert.signal });
    return false;
  });
  for (const stage of manifest.stages)
    stage.exitCriteria = stage.exitCriteria?.filter((criterion) => {
      if (!('signal' in criterion) || criterion.signal === undefined || defined.has(criterion.signal)) return true;
      leftOut.criteria.push({ stage: stage.id, id: criterion.id, signal: criterion.signal });
      return false;
    });
  return { manifest: manifest as Record<string, unknown> & Manifest, leftOut };
}
