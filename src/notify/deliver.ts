import { parseDuration } from '../time/duration.js';
import type { Manifest } from '../manifest/types.js';
import { guardText } from '../guard/text.js';
import type { NotifySink, RolloutEvent } from './event.js';
import { eventBody, sinksFor } from './event.js';

/**
 * Delivers an event to the sinks that want it: after the change is committed, concurrently, each
 * with a short timeout (the sink's, default 5 s). A delivery that fails never throws: it comes
 * back as a problem, for standard error and the command's JSON output, never for the trail. No
 * secret (a URL read from env:, a header value) appears in a problem or a label.
 */

export interface Delivery {
  sink: string;
  /** Where, as it may be shown: `env:NAME`, or the URL's origin. */
  target: string;
  ok: boolean;
  /** The HTTP status, when there was an answer. */
  status?: number;
  problem?: string;
}

const DEFAULT_TIMEOUT_MS = 5000;

function envName(reference: string): string | undefined {
  return reference.startsWith('env:') ? reference.slice(4) : undefined;
}

/** Where a sink points, as it may be shown: the env: reference, or only the URL's origin (its path may be the secret). */
export function sinkTarget(sink: NotifySink): string {
  if (envName(sink.url) !== undefined) return sink.url;
  try {
    return `${new URL(sink.url).origin}/…`;
  } catch {
    return '(not a URL)';
  }
}

type Resolved = { url: URL; headers: Record<string, string>; secrets: string[] } | { problem: string; secrets: string[] };

function resolveSink(sink: NotifySink, env: NodeJS.ProcessEnv): Resolved {
  const secrets: string[] = [];
  let urlText = sink.url;
  const urlVariable = envName(sink.url);
  if (urlVariable !== undefined) {
    const value = env[urlVariable];
    if (value === undefined || value === '') return { problem: `the environment variable ${urlVariable} (its url) is not set`, secrets };
    secrets.push(value);
    urlText = value;
  } else {
    try {
      const parsed = new URL(sink.url);
      secrets.push(parsed.pathname.length > 1 ? parsed.pathname : '', parsed.search, parsed.password);
    } catch {
      // reported below
    }
  }
  const headers: Record<string, string> = {};
  for (const [name, reference] of Object.entries(sink.headers ?? {})) {
    if (reference === undefined) continue;
    const variable = envName(reference);
    const value = variable === undefined ? undefined : env[variable];
    if (value === undefined || value === '')
      return { problem: `header ${name} needs the environment variable ${variable ?? reference}, which is not set`, secrets };
    secrets.push(value);
    headers[name] = value;
  }
  let url: URL;
  try {
    url = new URL(urlText);
  } catch {
    return { problem: 'its url is not a URL', secrets };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { problem: 'its url is not http or https', secrets };
  return { url, headers, secrets };
}

async function deliverOne(sink: NotifySink, event: RolloutEvent, env: NodeJS.ProcessEnv): Promise<Delivery> {
  const target = sinkTarget(sink);
  const resolved = resolveSink(sink, env);
  const safe = (text: string): string => guardText(text, resolved.secrets);
  if ('problem' in resolved) return { sink: sink.id, target, ok: false, problem: safe(resolved.problem) };
  const timeoutMs = (sink.timeout ? parseDuration(sink.timeout) : undefined) ?? DEFAULT_TIMEOUT_MS;
  try {
    const response = await fetch(resolved.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...resolved.headers },
      body: eventBody(sink.format, event),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel().catch(() => undefined);
    if (response.status >= 200 && response.status < 300) return { sink: sink.id, target, ok: true, status: response.status };
    return { sink: sink.id, target, ok: false, status: response.status, problem: `answered HTTP ${response.status}` };
  } catch (error) {
    const err = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
    const why =
      err.name === 'TimeoutError' || err.name === 'AbortError'
        ? `no answer within ${timeoutMs} ms (timed out)`
        : (err.cause?.code ?? err.cause?.message ?? err.message ?? 'request failed');
    return { sink: sink.id, target, ok: false, problem: safe(String(why).split('\n')[0] ?? '') };
  }
}

/** Delivers `event` to every sink of `manifest` that wants it; never throws. */
export async function deliverEvent(manifest: Manifest, event: RolloutEvent, env: NodeJS.ProcessEnv): Promise<Delivery[]> {
  return Promise.all(sinksFor(manifest, event).map((sink) => deliverOne(sink, event, env)));
}

/** One line for standard error about a failed delivery. */
export function deliveryProblemLine(delivery: Delivery): string {
  return `notification to sink ${delivery.sink} (${delivery.target}) failed: ${delivery.problem ?? 'unknown'}; the change stands`;
}
