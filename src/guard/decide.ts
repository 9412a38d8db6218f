import type { Manifest } from '../manifest/types.js';
import type { OpenManifest } from '../commands/open-manifest.js';
import { agentRuleGroup, alertRuleName, DEFAULT_RATE_WINDOW } from '../export/prometheus-rules.js';
import type { ReceivedAlert } from './alertmanager.js';

/**
 * What the guard does with one alert: pure, from the alert and the served manifests. The token
 * authenticates Alertmanager, not each label, so a label can ask for a pause (cheap, blocks only
 * `advance`) but a `disable` is applied only for an alert name that the manifest's own
 * `metrics.alerts` entry with `"action": "disable"` is exported as.
 */

export type GuardAction = 'pause' | 'disable' | 'page' | 'notify';
export const GUARD_ACTIONS: readonly GuardAction[] = ['pause', 'disable', 'page', 'notify'];

/** One agent the guard serves. */
export interface ServedAgent {
  path: string;
  manifest: Manifest;
  /** The manifest as opened when the guard started, to begin its cache with. */
  opened?: OpenManifest;
}

export type AlertPlan =
  | { kind: 'change'; action: 'pause' | 'disable'; agent: string; path: string }
  | { kind: 'notify'; action: 'page' | 'notify'; agent: string; path: string }
  | { kind: 'ignore'; action: string; agent: string; why: string; path?: string; notify?: boolean };

/**
 * The alert names `export prometheus-rules` gives the manifest's `metrics.alerts` entries with
 * `"action": "disable"` (the rate window does not enter a name).
 */
export function disableAlertNames(manifest: Manifest, path: string): Set<string> {
  const { group } = agentRuleGroup({ manifest, sha256: '', path }, { rateWindow: DEFAULT_RATE_WINDOW });
  return new Set(group.rules.filter((rule) => rule.labels['action'] === 'disable' && !('criterion' in rule.labels)).map((r) => r.alert));
}

/** The names of every `metrics.alerts` entry with `"action": "disable"`, whatever its signal's source (guard check). */
export function ownDisableNames(manifest: Manifest): Set<string> {
  const names = new Set<string>();
  (manifest.metrics?.alerts ?? []).forEach((alert, index) => {
    if (alert.action === 'disable') names.add(alertRuleName(alert, index, manifest));
  });
  return names;
}

/** The decision for one alert. */
export function planAlert(
  alert: ReceivedAlert,
  served: ReadonlyMap<string, ServedAgent>,
  disableNames: (agent: string) => Set<string>,
): AlertPlan {
  const agent = alert.labels['agent'] ?? '';
  const action = alert.labels['action'] ?? '';
  const alertname = alert.labels['alertname'] ?? '';
  const target = served.get(agent);
  if (alert.status === 'resolved') {
    return {
      kind: 'ignore',
      action,
      agent,
      why: "resolved: a resolved alert never resumes or enables anything (that is a person's decision: agent-rollout resume / enable)",
      ...(target ? { path: target.path } : {}),
    };
  }
  if (!target)
    return { kind: 'ignore', action, agent, why: agent === '' ? 'the alert has no agent label' : 'no served manifest has this agent id' };
  if (!(GUARD_ACTIONS as readonly string[]).includes(action))
    return {
      kind: 'ignore',
      action,
      agent,
      path: target.path,
      why: action === '' ? 'the alert has no action label' : 'not an action the guard knows (pause, disable, page, notify)',
    };
  if (action === 'pause') return { kind: 'change', action, agent, path: target.path };
  if (action === 'disable') {
    if (disableNames(agent).has(alertname)) return { kind: 'change', action, agent, path: target.path };
    return {
      kind: 'ignore',
      action,
      agent,
      path: target.path,
      notify: true,
      why: `not applied: "${alertname}" is not an alert that ${target.path} exports with "action": "disable" (a disable is applied only for the manifest's own alerts)`,
    };
  }
  return { kind: 'notify', action: action as 'page' | 'notify', agent, path: target.path };
}
