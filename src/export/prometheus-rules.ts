import { Document } from 'yaml';
import { currentStage } from '../manifest/access.js';
import type { Alert, Criterion, Manifest, Signal } from '../manifest/types.js';
import { resolveDottedPath } from '../manifest/dotted-path.js';
import { TOKEN_COST, withTokenCost } from '../manifest/token-cost.js';
import { alertName, alertRuleName, criterionAlertName } from './alert-name.js';

export { alertName, alertRuleName, criterionAlertName };

/**
 * The manifest's thresholds as Prometheus alerting rules: one rule per `metrics.alerts` entry,
 * and one per exit criterion of the current stage that has a `max`, a `min` or a `withinPercent`, so the on-call
 * sees a breach before the next gate. Pure: manifests in, rule groups and notes out.
 */

export interface PrometheusRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  rules: PrometheusRule[];
}

/** A threshold that could not become a rule, and why. */
export interface SkippedThreshold {
  agent: string;
  /** `alert <id>` or `criterion <stage>/<id>`. */
  from: string;
  signal: string;
  reason: string;
}

export interface RulesSource {
  manifest: Manifest;
  sha256: string;
  /** The manifest path as the user gave it, for the `-m` of the commands the annotations suggest. */
  path: string;
}

export interface RulesOptions {
  /** Replaces `$window` in the signals' PromQL, e.g. 5m. */
  rateWindow: string;
}

export interface RulesExport {
  groups: RuleGroup[];
  skipped: SkippedThreshold[];
  agents: { id: string; sha256: string; stage: string }[];
}

export const DEFAULT_RATE_WINDOW = '5m';
export const DEFAULT_MANIFEST_PATH = 'rollout.json';

type Bounds = { max?: number | undefined; min?: number | undefined };

/**
 * Text from the manifest (or the command line) as it must reach an annotation: Prometheus reads
 * annotations as Go templates, so a `{{` in a description would start an action, and one it
 * cannot parse makes it reject the whole rule file. Each `{{` is written as the action that
 * prints it, `{{ "{{" }}`; a `}}` outside an action is plain text already. The export's own
 * `{{ $value }}` is added around this text, never through it.
 */
export function templateLiteral(text: string): string {
  return text.replace(/\{\{/g, '{{ "{{" }}');
}

/** The value as the alert fires, in the summary. */
const VALUE_TEMPLATE = '{{ $value | printf "%.4g" }}';

/**
 * The `value` annotation of every rule: the value as the alert fires, unrounded, which the guard
 * records in its audit entry's trigger.
 */
const VALUE_ANNOTATION = '{{ $value }}';

/** A number as PromQL and people read it: 0.005, 3, 1e-7. */
function numberText(value: number): string {
  // 12 significant digits: a band computed as 0.08 × 1.2 reads 0.096, not 0.09600000000000001.
  return String(Number(value.toPrecision(12)));
}

/** The PromQL of a breach: above max, below min, or either. */
export function breachExpression(query: string, bounds: Bounds): string {
  const q = `(${query})`;
  const above = bounds.max !== undefined ? `${q} > ${numberText(bounds.max)}` : undefined;
  const below = bounds.min !== undefined ? `${q} < ${numberText(bounds.min)}` : undefined;
  return above && below ? `${above} or ${below}` : (above ?? below ?? '');
}

function boundsText(bounds: Bounds): string {
  if (bounds.max !== undefined && bounds.min !== undefined) return `outside ${numberText(bounds.min)}..${numberText(bounds.max)}`;
  if (bounds.max !== undefined) return `above ${numberText(bounds.max)}`;
  return `below ${numberText(bounds.min as number)}`;
}

function manifestFlag(path: string): string {
  return path === DEFAULT_MANIFEST_PATH ? '' : ` -m ${/^[A-Za-z0-9._/@:+-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`}`;
}

type SignalLookup = { query: string } | { skip: string };

function lookupSignal(manifest: Manifest, name: string, window: string): SignalLookup {
  const signal: Signal | undefined = manifest.metrics?.signals?.[name];
  if (!signal) return { skip: 'the signal is not declared in metrics.signals' };
  const source = manifest.metrics?.sources?.[signal.source];
  if (!source) return { skip: `its source "${signal.source}" is not declared` };
  if (source.type !== 'prometheus') return { skip: `its source "${signal.source}" is ${source.type}, not prometheus` };
  if (!signal.query) return { skip: 'it has no PromQL query' };
  let query = signal.query;
  if (query.match(TOKEN_COST)) {
    if (Object.keys(manifest.metrics?.tokenPrices ?? {}).length === 0)
      return { skip: 'it uses $tokenCost, but metrics.tokenPrices states no prices' };
    query = withTokenCost(query, manifest);
  }
  return { query: query.replaceAll('$window', window) };
}

function defaultSeverity(action: Alert['action']): string {
  return action === 'page' || action === 'disable' ? 'critical' : 'warning';
}

function alertAdvice(alert: Alert, manifest: Manifest, reason: string, m: string): string {
  const pause = `agent-rollout pause${m} --reason "${reason}"`;
  switch (alert.action) {
    case 'pause':
      return `Pause the rollout now: ${pause}. Find the cause before you resume it.`;
    case 'disable':
      return (
        `agent-rollout guard switches the agent off when it receives this alert (the kill switch). Without the guard: ` +
        `agent-rollout disable${m} --reason "${reason}", then export the flags again (agent-rollout export flagd). ` +
        `Nothing switches it back on by itself: find the cause, then agent-rollout enable.`
      );
    case 'page': {
      const who = manifest.agent.contact ? `${manifest.agent.owner} (${manifest.agent.contact})` : manifest.agent.owner;
      return (
        `Page ${who}. If the agent is doing harm, switch it off everywhere: ` +
        `agent-rollout disable${m} --reason "${reason}", then export the flags again (agent-rollout export flagd) so the runtime sees it.`
      );
    }
    case 'notify':
      return `Look into it before the next gate. If it keeps firing, pause the rollout: ${pause}.`;
  }
}

function alertRule(alert: Alert, index: number, manifest: Manifest, query: string, options: RulesOptions, m: string): PrometheusRule {
  const agent = manifest.agent.id;
  const id = alert.id ?? `${alert.signal}-${index + 1}`;
  const name = alertRuleName(alert, index, manifest);
  const bounds: Bounds = { max: alert.max, min: alert.min };
  const reason = `${name}: ${alert.signal} ${boundsText(bounds)}`;
  const held = alert.for ? ` for ${alert.for}` : '';
  return {
    alert: name,
    expr: breachExpression(query, bounds),
    for: alert.for ?? '0s',
    labels: {
      agent,
      stage: manifest.state.stage,
      severity: alert.severity ?? defaultSeverity(alert.action),
      action: alert.action,
    },
    annotations: {
      summary: `${templateLiteral(`${agent}: ${alert.signal} is `)}${VALUE_TEMPLATE}${templateLiteral(` over the last ${options.rateWindow}, ${boundsText(bounds)} (the alert threshold)${held}`)}`,
      description: templateLiteral(
        alert.description ??
          `Fires while ${alert.signal} is ${boundsText(bounds)}${held}: alert ${id} of agent ${agent} (metrics.alerts in its rollout.json).`,
      ),
      what_to_do: templateLiteral(alertAdvice(alert, manifest, reason, m)),
      value: VALUE_ANNOTATION,
    },
  };
}

/**
 * A criterion's thresholds as bounds: max and min, and `withinPercent` of the number at `of` as
 * the band around it (two-sided, inclusive, as the gate judges it), narrowed by max/min if both
 * are given. A reason instead when `of` names no number.
 */
function criterionBounds(criterion: Criterion, manifest: Manifest): Bounds | { skip: string } {
  let max = criterion.max;
  let min = criterion.min;
  if (criterion.withinPercent !== undefined) {
    const reference = criterion.of === undefined ? undefined : resolveDottedPath(manifest, criterion.of);
    if (typeof reference !== 'number' || !Number.isFinite(reference))
      return { skip: `"of" (${criterion.of ?? 'missing'}) is not a number in the manifest` };
    const tolerance = (Math.abs(reference) * criterion.withinPercent) / 100;
    max = max === undefined ? reference + tolerance : Math.min(max, reference + tolerance);
    min = min === undefined ? reference - tolerance : Math.max(min, reference - tolerance);
  }
  return { max, min };
}

function criterionRule(
  criterion: Criterion,
  bounds: Bounds,
  manifest: Manifest,
  query: string,
  options: RulesOptions,
  m: string,
): PrometheusRule {
  const agent = manifest.agent.id;
  const stage = manifest.state.stage;
  const name = criterionAlertName(agent, stage, criterion.signal ?? '', bounds);
  const reason = `${name}: ${criterion.signal} ${boundsText(bounds)}`;
  const limit = bounds.max !== undefined && bounds.min !== undefined ? 'the bounds' : 'the limit';
  const observed = criterion.observe
    ? ' An observe-only criterion: the gate reports it but it does not decide the verdict.'
    : ` The gate for ${stage} checks this over its whole evaluation window: a breach now is an early warning of a no-go.`;
  return {
    alert: name,
    expr: breachExpression(query, bounds),
    for: '0s',
    labels: {
      agent,
      stage,
      severity: criterion.observe ? 'info' : 'warning',
      action: 'notify',
      criterion: criterion.id,
    },
    annotations: {
      summary: `${templateLiteral(`${agent}: ${criterion.signal} is `)}${VALUE_TEMPLATE}${templateLiteral(` over the last ${options.rateWindow}, ${boundsText(bounds)}, ${limit} of exit criterion ${criterion.id} of stage ${stage}`)}`,
      description: templateLiteral(
        `Fires while ${criterion.signal} is ${boundsText(bounds)}, which exit criterion ${criterion.id} of stage ${stage} does not allow` +
          `${criterion.description ? ` ("${criterion.description.replace(/\.$/, '')}")` : ''}.${observed}`,
      ),
      what_to_do: templateLiteral(
        `Find the cause before the next gate. To hold the rollout meanwhile: agent-rollout pause${m} --reason "${reason}".`,
      ),
      value: VALUE_ANNOTATION,
    },
  };
}

function uniqueNames(rules: PrometheusRule[]): PrometheusRule[] {
  const seen = new Map<string, number>();
  return rules.map((rule) => {
    const count = (seen.get(rule.alert) ?? 0) + 1;
    seen.set(rule.alert, count);
    return count === 1 ? rule : { ...rule, alert: `${rule.alert}${count}` };
  });
}

function hasBound(item: Bounds): boolean {
  return item.max !== undefined || item.min !== undefined;
}

/**
 * The rule written for the `index`-th `metrics.alerts` entry of `manifest` (its name before a
 * duplicate gets a number), or why none is: the one place an alert's expression is built, which
 * `guard check` evaluates too. `path` is the manifest as the user gave it, for the annotations.
 */
export function alertRuleFor(
  manifest: Manifest,
  index: number,
  options: RulesOptions,
  path = DEFAULT_MANIFEST_PATH,
): PrometheusRule | { skip: string } {
  const alert = manifest.metrics?.alerts?.[index];
  if (!alert) return { skip: `metrics.alerts has no entry #${index + 1}` };
  if (!hasBound(alert)) return { skip: 'it has neither max nor min' };
  const found = lookupSignal(manifest, alert.signal, options.rateWindow);
  if ('skip' in found) return found;
  return alertRule(alert, index, manifest, found.query, options, manifestFlag(path));
}

/** The rule group of one agent, and the thresholds that could not become rules. */
export function agentRuleGroup(source: RulesSource, options: RulesOptions): { group: RuleGroup; skipped: SkippedThreshold[] } {
  const { manifest } = source;
  const agent = manifest.agent.id;
  const m = manifestFlag(source.path);
  const rules: PrometheusRule[] = [];
  const skipped: SkippedThreshold[] = [];
  (manifest.metrics?.alerts ?? []).forEach((alert, index) => {
    const rule = alertRuleFor(manifest, index, options, source.path);
    if ('skip' in rule) skipped.push({ agent, from: `alert ${alert.id ?? `#${index + 1}`}`, signal: alert.signal, reason: rule.skip });
    else rules.push(rule);
  });
  const stage = currentStage(manifest);
  for (const criterion of stage?.exitCriteria ?? []) {
    if (!criterion.signal || (!hasBound(criterion) && criterion.withinPercent === undefined)) continue;
    const from = `criterion ${stage?.id}/${criterion.id}`;
    const bounds = criterionBounds(criterion, manifest);
    if ('skip' in bounds) {
      skipped.push({ agent, from, signal: criterion.signal, reason: bounds.skip });
      continue;
    }
    const found = lookupSignal(manifest, criterion.signal, options.rateWindow);
    if ('skip' in found) {
      skipped.push({ agent, from, signal: criterion.signal, reason: found.skip });
      continue;
    }
    rules.push(criterionRule(criterion, bounds, manifest, found.query, options, m));
  }
  return { group: { name: `agent-rollout.${agent}`, rules: uniqueNames(rules) }, skipped };
}

/** Rule groups for every manifest, one group per agent, sorted by agent id. */
export function buildPrometheusRules(sources: readonly RulesSource[], options: RulesOptions): RulesExport {
  const ordered = [...sources].sort((a, b) =>
    a.manifest.agent.id < b.manifest.agent.id ? -1 : a.manifest.agent.id > b.manifest.agent.id ? 1 : 0,
  );
  const groups: RuleGroup[] = [];
  const skipped: SkippedThreshold[] = [];
  for (const source of ordered) {
    const result = agentRuleGroup(source, options);
    if (result.group.rules.length > 0) groups.push(result.group);
    skipped.push(...result.skipped);
  }
  const agents = ordered.map((s) => ({ id: s.manifest.agent.id, sha256: s.sha256, stage: s.manifest.state.stage }));
  return { groups, skipped, agents };
}

/** One line per threshold left out, for the file's header and for standard error. */
export function skippedLines(skipped: readonly SkippedThreshold[]): string[] {
  return skipped.map((s) => `${s.agent} ${s.from}: signal ${s.signal} is not exported: ${s.reason}`);
}

/** The rule file as YAML, with a header saying where it came from and what it left out. */
export function renderPrometheusRules(result: RulesExport, options: { generatedBy: string }): string {
  const header = [
    ` Prometheus alerting rules generated by ${options.generatedBy}. Do not edit by hand:`,
    ' change the rollout.json and export again.',
    ...result.agents.map((a) => ` ${a.id}: stage ${a.stage}, manifest sha256 ${a.sha256}`),
  ];
  if (result.skipped.length > 0) {
    header.push(' Not exported (only signals with a prometheus source can become rules):');
    header.push(...skippedLines(result.skipped).map((line) => `   ${line}`));
  }
  const document = new Document({ groups: result.groups });
  document.commentBefore = header.join('\n');
  return document.toString({ lineWidth: 0 });
}
