import type { LogEvent } from '../../guard/server.js';
import { plural } from '../../text/plural.js';

/**
 * `guard serve`'s log: one line per decision, request problem, flag export, warning and failed
 * notification; text for people, JSON lines (`--log-format json`) for a log pipeline. Every text
 * in an event is already safe (the guard's guardText), and JSON.stringify escapes the rest.
 */
export type LogFormat = 'text' | 'json';

export function renderLogLine(event: LogEvent, at: string, format: LogFormat): string {
  if (format === 'json') {
    switch (event.kind) {
      case 'decision':
        return `${JSON.stringify({ at, level: event.decision.decision === 'failed' ? 'error' : 'info', event: 'decision', ...event.decision })}\n`;
      case 'request':
        return `${JSON.stringify({ at, level: event.status >= 500 ? 'error' : 'warn', event: 'request', status: event.status, why: event.why })}\n`;
      case 'flags':
        return `${JSON.stringify({ at, level: event.result.ok ? 'info' : 'error', event: 'flags', ...event.result })}\n`;
      case 'warning':
        return `${JSON.stringify({ at, level: 'warn', event: 'warning', message: event.message })}\n`;
      case 'delivery':
        return `${JSON.stringify({ at, level: 'warn', event: 'notification', ...event.delivery })}\n`;
      case 'handled':
        return `${JSON.stringify({ at, level: 'info', event: 'handled', receivedAt: event.receivedAt, ms: event.ms, ...event.timings, status: event.status, alerts: event.alerts })}\n`;
    }
  }
  switch (event.kind) {
    case 'decision': {
      const d = event.decision;
      const audit = d.audit ? ` (audit seq ${d.audit.seq})` : '';
      return `${at} ${d.decision} ${d.action || '-'} agent=${d.agent || '-'} alert=${d.alertname || '-'}: ${d.why}${audit}\n`;
    }
    case 'request':
      return `${at} request answered ${event.status}: ${event.why}\n`;
    case 'flags':
      return event.result.ok
        ? `${at} flags written: ${event.result.flags} flags to ${event.result.path}\n`
        : `${at} error: flag export failed: ${event.result.problem}; the state change stands\n`;
    case 'warning':
      return `${at} warning: ${event.message}\n`;
    case 'handled':
      return `${at} answered ${event.status} to a delivery of ${plural(event.alerts, 'alert')} in ${event.ms} ms (${timingsText(event.timings)})\n`;
    case 'delivery':
      return `${at} warning: notification to sink ${event.delivery.sink} (${event.delivery.target}) failed: ${event.delivery.problem ?? 'unknown'}\n`;
  }
}

/** `decisions and writes 12 ms, flag export 4 ms, git commit 30 ms`: the parts there were. */
function timingsText(timings: Extract<LogEvent, { kind: 'handled' }>['timings']): string {
  return [
    `decisions and writes ${timings.decideMs} ms`,
    ...(timings.flagsMs !== undefined ? [`flag export ${timings.flagsMs} ms`] : []),
    ...(timings.commitMs !== undefined ? [`git commit ${timings.commitMs} ms`] : []),
  ].join(', ');
}
