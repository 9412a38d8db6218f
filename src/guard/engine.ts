import { isoSeconds } from '../time/timestamp.js';
import type { Io } from '../ui/io.js';
import type { Manifest } from '../manifest/types.js';
import type { Delivery } from '../notify/deliver.js';
import { deliverEvent } from '../notify/deliver.js';
import type { NotifyEvent, RolloutEvent } from '../notify/event.js';
import type { ReceivedAlert } from './alertmanager.js';
import type { ApplyOutcome } from './apply.js';
import { applyChange, TransientFailure } from './apply.js';
import type { AlertPlan, ServedAgent } from './decide.js';
import { disableAlertNames, ownDisableNames, planAlert } from './decide.js';
import type { FlagsTarget } from './flags-out.js';
import { writeServedFlags } from './flags-out.js';
import { commitGuardChange } from './git-commit.js';
import { guardText } from './text.js';
import { disable, pause } from '../state/transitions.js';
import { ManifestCache } from './manifest-cache.js';

/**
 * The guard's decisions, made real: each alert planned (decide.ts) against its manifest read
 * afresh, changes applied one manifest at a time (a queue per manifest, so duplicate and
 * concurrent deliveries give one change), then the flags re-exported, the change committed
 * (--commit) and the notification sinks told. Shared by `guard serve` (alerts from
 * Alertmanager) and `guard check` (alerts it evaluated itself).
 */

export type DecisionKind = 'applied' | 'in-place' | 'notified' | 'ignored' | 'failed';

export interface Decision {
  alertname: string;
  agent: string;
  action: string;
  decision: DecisionKind;
  /** One line: what was done, or why not. */
  why: string;
  fingerprint?: string;
  manifest?: string;
  audit?: { seq: number; hash: string };
  /** A failure that a later delivery may not hit (locked, changed on disk): the webhook answers 503. */
  transient?: boolean;
}

export interface GuardOptions {
  /** The command's Io: the lock holds back its stop signals while a change is written. */
  io: Io;
  /** The manifests served, by agent id. */
  served: Map<string, ServedAgent>;
  flags?: FlagsTarget;
  commit: boolean;
  env: NodeJS.ProcessEnv;
  /** Known secret values, redacted from every text (see knownSecretValues). */
  secrets: string[];
  /** `alertmanager` (serve) or `guard` (check). */
  actorSource: 'alertmanager' | 'guard';
  /** How long a change keeps trying when the manifest is locked or changes under it. */
  retryForMs?: number;
  /** Write nothing (guard check --dry-run). */
  dryRun?: boolean;
  /**
   * `guard check` evaluated the manifest's own alerts: each of its disable alerts is trusted by
   * name, whatever its source (only prometheus signals become Alertmanager rules).
   */
  trustOwnDisable?: boolean;
}

export interface BatchResult {
  decisions: Decision[];
  /** The flag re-export after a change: where, or why it failed. */
  flags?: { ok: true; path: string; flags: number } | { ok: false; problem: string };
  commits: { manifest: string; ok: boolean; problem?: string }[];
  /** Problems a person should see (export warnings, failed commits); already safe text. */
  warnings: string[];
  /** Runs the notifications; `guard serve` lets them run after answering. */
  notify: () => Promise<Delivery[]>;
  /**
   * Where the batch's time went, in ms: the decisions with their locked, audited writes; the flag
   * export (when there was a change to export); the git commits (--commit).
   */
  timings: { decideMs: number; flagsMs?: number; commitMs?: number };
}

function elapsed(since: number): number {
  return Math.round((performance.now() - since) * 10) / 10;
}

const MAX_REASON = 500;

export class GuardEngine {
  private readonly queues = new Map<string, Promise<unknown>>();
  private exportChain: Promise<unknown> = Promise.resolve();
  /** An export that has been asked for but not begun: later requests join it (it reads the manifests when it begins). */
  private waitingExport: Promise<NonNullable<BatchResult['flags']>> | undefined;
  private readonly cache: ManifestCache;
  private gitChain: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: GuardOptions) {
    this.cache = new ManifestCache(options.io);
    for (const served of options.served.values()) if (served.opened) this.cache.seed(served.opened);
  }

  /** `text` made safe: controls and invisible characters escaped, secrets redacted. */
  safe(text: string): string {
    return guardText(text, this.options.secrets);
  }

  /** Runs `fn` after every earlier task on the same manifest. */
  private serial<T>(path: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(path) ?? Promise.resolve();
    const next = previous.then(fn, fn);
    const settled = next.catch(() => undefined);
    this.queues.set(path, settled);
    void settled.then(() => {
      if (this.queues.get(path) === settled) this.queues.delete(path);
    });
    return next;
  }

  /** Every task under way, settled (SIGTERM waits for it). */
  async idle(): Promise<void> {
    while (this.queues.size > 0) await Promise.all([...this.queues.values()]);
    await this.exportChain;
    await this.gitChain;
  }

  private trigger(alert: ReceivedAlert): Record<string, unknown> {
    const labels = Object.fromEntries(
      Object.entries(alert.labels).map(([k, v]) => [this.safe(k).slice(0, 200), this.safe(v).slice(0, 1000)]),
    );
    const value = alert.annotations['value'];
    return {
      trigger: {
        alertname: this.safe(alert.labels['alertname'] ?? ''),
        fingerprint: this.safe(alert.fingerprint).slice(0, 100),
        startsAt: this.safe(alert.startsAt).slice(0, 100),
        labels,
        generatorURL: this.safe(alert.generatorURL).slice(0, 2000),
        ...(value !== undefined ? { value: this.safe(value).slice(0, 100) } : {}),
      },
    };
  }

  private reason(alert: ReceivedAlert): string {
    const alertname = alert.labels['alertname'] ?? 'an alert';
    const summary = (alert.annotations['summary'] ?? '').trim();
    const text = this.safe(summary === '' ? `${alertname} fired` : summary);
    return text.length > MAX_REASON ? `${text.slice(0, MAX_REASON - 1)}…` : text;
  }

  private async decideOne(
    alert: ReceivedAlert,
    fresh: Manifest | undefined,
  ): Promise<{ decision: Decision; plan: AlertPlan; outcome?: ApplyOutcome }> {
    const served = this.options.served;
    const byAgent = new Map(served);
    const agentLabel = alert.labels['agent'] ?? '';
    const current = byAgent.get(agentLabel);
    if (current && fresh) byAgent.set(agentLabel, { ...current, manifest: fresh });
    const plan = planAlert(alert, byAgent, (agent) => {
      const entry = byAgent.get(agent);
      if (!entry) return new Set<string>();
      return this.options.trustOwnDisable ? ownDisableNames(entry.manifest) : disableAlertNames(entry.manifest, entry.path);
    });
    const alertname = this.safe(alert.labels['alertname'] ?? '');
    const base = {
      alertname,
      agent: this.safe(plan.agent),
      action: this.safe(plan.action),
      ...(alert.fingerprint ? { fingerprint: this.safe(alert.fingerprint).slice(0, 100) } : {}),
      ...('path' in plan && plan.path !== undefined ? { manifest: plan.path } : {}),
    };
    if (plan.kind === 'ignore') return { plan, decision: { ...base, decision: 'ignored', why: this.safe(plan.why) } };
    if (plan.kind === 'notify')
      return { plan, decision: { ...base, decision: 'notified', why: `${plan.action}: no state change; sent to the notification sinks` } };
    // Already in place (the common case under duplicate deliveries): nothing to lock or write.
    if (fresh) {
      const context = { at: isoSeconds(new Date()), actor: '', reason: '' };
      const probe = plan.action === 'pause' ? pause(fresh, context) : disable(fresh, context);
      if (probe.outcome === 'unchanged') return { plan, decision: { ...base, decision: 'in-place', why: this.safe(probe.summary) } };
    }
    if (this.options.dryRun)
      return { plan, decision: { ...base, decision: 'applied', why: `would ${plan.action} (dry run: nothing written)` } };
    try {
      const outcome = await applyChange({
        path: plan.path,
        action: plan.action,
        actor: { name: `${this.options.actorSource}:${alertname}`, source: this.options.actorSource },
        reason: this.reason(alert),
        details: this.trigger(alert),
        ...(this.options.retryForMs !== undefined ? { retryForMs: this.options.retryForMs } : {}),
        io: this.options.io,
        open: (path) => this.cache.open(path),
      });
      if (outcome.outcome === 'in-place')
        return { plan, outcome, decision: { ...base, decision: 'in-place', why: this.safe(outcome.summary) } };
      return {
        plan,
        outcome,
        decision: {
          ...base,
          decision: 'applied',
          why: this.safe(outcome.summary),
          audit: { seq: outcome.audit.seq, hash: outcome.audit.hash },
        },
      };
    } catch (error) {
      const transient = error instanceof TransientFailure;
      const message = error instanceof Error ? error.message : String(error);
      return {
        plan,
        decision: { ...base, decision: 'failed', why: this.safe(`not applied: ${message}`), ...(transient ? { transient: true } : {}) },
      };
    }
  }

  /** Handles one alert under its manifest's queue. */
  private handle(alert: ReceivedAlert): Promise<{ decision: Decision; plan: AlertPlan; fresh?: Manifest }> {
    const target = this.options.served.get(alert.labels['agent'] ?? '');
    if (!target) return this.decideOne(alert, undefined);
    return this.serial(target.path, async () => {
      let fresh: Manifest | undefined;
      try {
        fresh = (await this.cache.open(target.path)).manifest;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return {
          plan: {
            kind: 'ignore',
            action: alert.labels['action'] ?? '',
            agent: target.manifest.agent.id,
            why: message,
            path: target.path,
          } as AlertPlan,
          decision: {
            alertname: this.safe(alert.labels['alertname'] ?? ''),
            agent: this.safe(target.manifest.agent.id),
            action: this.safe(alert.labels['action'] ?? ''),
            manifest: target.path,
            decision: 'failed' as const,
            why: this.safe(`cannot read the manifest: ${message}`),
            transient: true,
          },
        };
      }
      const result = await this.decideOne(alert, fresh);
      return { ...result, fresh };
    });
  }

  /** Decides and applies a batch of alerts (one webhook delivery, or one check). */
  async process(alerts: readonly ReceivedAlert[]): Promise<BatchResult> {
    const started = performance.now();
    const handled = await Promise.all(alerts.map((alert) => this.handle(alert)));
    const timings: BatchResult['timings'] = { decideMs: elapsed(started) };
    const decisions = handled.map((h) => h.decision);
    const warnings: string[] = [];
    const changed = [
      ...new Set(
        handled.filter((h) => h.decision.decision === 'applied' && !this.options.dryRun).map((h) => h.decision.manifest as string),
      ),
    ];
    let flags: BatchResult['flags'];
    if (changed.length > 0 && this.options.flags && !this.options.dryRun) {
      const exportStarted = performance.now();
      flags = await this.exportFlags();
      timings.flagsMs = elapsed(exportStarted);
    }
    if (flags && !flags.ok)
      warnings.push(`the flag export to ${this.options.flags?.shown} failed: ${flags.problem}; the state change stands`);
    const commits: BatchResult['commits'] = [];
    if (this.options.commit && !this.options.dryRun && changed.length > 0) {
      const commitStarted = performance.now();
      for (const manifest of changed) {
        const names = handled
          .filter((h) => h.decision.manifest === manifest && h.decision.decision === 'applied')
          .map((h) => `${h.decision.action} by ${h.decision.alertname}`);
        const agent = handled.find((h) => h.decision.manifest === manifest)?.decision.agent ?? '';
        const message = `agent-rollout guard: ${names.join(', ')} (${agent})\n\nAlerts: ${[...new Set(handled.filter((h) => h.decision.manifest === manifest).map((h) => h.decision.alertname))].join(', ')}\n`;
        const result = await this.git(() => commitGuardChange(manifest, message, { cwd: this.options.io.cwd, env: this.options.env }));
        commits.push(result.ok ? { manifest, ok: true } : { manifest, ok: false, problem: this.safe(result.problem) });
        if (!result.ok) warnings.push(`--commit: ${manifest}: ${this.safe(result.problem)}; the state change stands`);
      }
      timings.commitMs = elapsed(commitStarted);
    }
    const notify = async (): Promise<Delivery[]> => {
      const deliveries: Delivery[] = [];
      for (const h of handled) {
        const path = h.decision.manifest;
        const manifest = h.fresh ?? (path ? [...this.options.served.values()].find((s) => s.path === path)?.manifest : undefined);
        if (!manifest || !path || !manifest.notify) continue;
        deliveries.push(...(await deliverEvent(manifest, this.event(h.decision, path), this.options.env)));
      }
      if (flags && !flags.ok) {
        for (const h of handled.filter((x) => x.decision.decision === 'applied')) {
          const manifest = h.fresh;
          if (!manifest?.notify) continue;
          deliveries.push(
            ...(await deliverEvent(
              manifest,
              {
                ...this.event(h.decision, h.decision.manifest ?? ''),
                summary: `the flag export failed after the change: ${flags.problem}`,
              },
              this.options.env,
            )),
          );
        }
      }
      return deliveries;
    };
    return { decisions, ...(flags ? { flags } : {}), commits, warnings, notify, timings };
  }

  private event(decision: Decision, path: string): RolloutEvent {
    const events: NotifyEvent[] = ['guard'];
    if (decision.decision === 'applied' && (decision.action === 'pause' || decision.action === 'disable')) events.push(decision.action);
    return {
      events,
      agent: decision.agent,
      manifest: path,
      at: isoSeconds(new Date()),
      actor: `${this.options.actorSource}:${decision.alertname}`,
      summary: `${decision.alertname} (${decision.action}): ${decision.decision}: ${decision.why}`,
      details: {
        decision: decision.decision,
        action: decision.action,
        alertname: decision.alertname,
        ...(decision.fingerprint ? { fingerprint: decision.fingerprint } : {}),
      },
    };
  }

  private git<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.gitChain.then(fn, fn);
    this.gitChain = next.catch(() => undefined);
    return next;
  }

  /** Re-exports the flags of every served manifest; one export at a time, each reading the manifests afresh. */
  exportFlags(): Promise<NonNullable<BatchResult['flags']>> {
    const target = this.options.flags;
    if (!target) return Promise.resolve({ ok: false, problem: 'no --flagd-out' });
    const paths = [...this.options.served.values()].map((s) => s.path);
    if (this.waitingExport) return this.waitingExport;
    const run = async (): Promise<NonNullable<BatchResult['flags']>> => {
      this.waitingExport = undefined;
      try {
        const result = await writeServedFlags(paths, target, this.options.env, this.cache);
        return { ok: true, path: target.shown, flags: result.flags };
      } catch (error) {
        return { ok: false, problem: this.safe(error instanceof Error ? error.message : String(error)) };
      }
    };
    const next = this.exportChain.then(run, run);
    this.exportChain = next.catch(() => undefined);
    this.waitingExport = next;
    return next;
  }
}
