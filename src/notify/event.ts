import type { Manifest } from '../manifest/types.js';

/**
 * Rollout events as the `notify` sinks receive them: pure, an event in, the sinks that want it
 * and the body each gets out. Bodies never hold a secret: every text in an event is already
 * neutralised and redacted by whoever made it.
 */

export const NOTIFY_EVENTS = [
  'advance',
  'rollback',
  'pause',
  'resume',
  'enable',
  'disable',
  'org',
  'mode',
  'gate',
  'drill',
  'guard',
] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

export interface RolloutEvent {
  /** The kinds this event is: a guard pause is both `guard` and `pause`. A sink gets it once if it lists any. */
  events: NotifyEvent[];
  agent: string;
  /** The manifest path as the command was given it. */
  manifest: string;
  at: string;
  actor: string;
  /** One line: what happened. */
  summary: string;
  /** Why, when known. */
  reason?: string;
  /** Extra facts (the guard's decision, the alert). */
  details?: Record<string, unknown>;
}

export type NotifySink = NonNullable<Manifest['notify']>['sinks'][number];

/** The sinks of a manifest that want an event. */
export function sinksFor(manifest: Manifest, event: RolloutEvent): NotifySink[] {
  return (manifest.notify?.sinks ?? []).filter((sink) => sink.events.some((name) => (event.events as string[]).includes(name)));
}

/** Slack's three control characters in message text. */
function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The request body a sink of `format` gets. */
export function eventBody(format: NotifySink['format'], event: RolloutEvent): string {
  if (format === 'slack') {
    const reason = event.reason ? `\nreason: ${event.reason}` : '';
    return JSON.stringify({
      text: slackEscape(`[agent-rollout] ${event.agent}: ${event.summary} (by ${event.actor}, ${event.at})${reason}`),
    });
  }
  return JSON.stringify({
    formatVersion: 1,
    event: event.events[event.events.length - 1],
    events: event.events,
    agent: event.agent,
    manifest: event.manifest,
    at: event.at,
    actor: event.actor,
    summary: event.summary,
    ...(event.reason ? { reason: event.reason } : {}),
    ...(event.details ? { details: event.details } : {}),
  });
}
