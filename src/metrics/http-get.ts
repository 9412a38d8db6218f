import { windowText } from './window-text.js';
import { redactSecrets } from '../manifest/secrets.js';
import { MAX_INPUT_BYTES } from './read-input.js';

/** A source that could not give a value: the message is one line a person understands. */
export class SourceFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceFailure';
  }
}

/**
 * Resolves a source's headers: each value is `env:NAME`, read from the environment now. A
 * variable that is not set fails the source (the request would go out unauthenticated).
 */
export function resolveHeaders(headers: Record<string, string | undefined> | undefined, env: NodeJS.ProcessEnv): Record<string, string> {
  const resolved: Record<string, string> = {};
  for (const [name, reference] of Object.entries(headers ?? {})) {
    if (reference === undefined) continue;
    const variable = reference.startsWith('env:') ? reference.slice(4) : undefined;
    if (variable === undefined) throw new SourceFailure(`header ${name} must be env:NAME (a value read from the environment)`);
    const value = env[variable];
    if (value === undefined || value === '') throw new SourceFailure(`header ${name} needs the environment variable ${variable}, which is not set`);
    resolved[name] = value;
  }
  return resolved;
}

/** A URL as it may be shown and recorded: without a user name or password. */
export function displayUrl(url: URL | string): string {
  try {
    const copy = new URL(String(url));
    copy.username = '';
    copy.password = '';
    return copy.toString();
  } catch {
    return String(url);
  }
}

function describeNetworkError(error: unknown, timeoutMs: number): string {
  const err = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return `no answer within ${windowText(timeoutMs)} (timed out)`;
  const code = err.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused (is it running, and is the URL right?)';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'the connection was closed before the answer was complete';
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return `no answer within ${windowText(timeoutMs)} (timed out)`;
  return (err.cause?.message ?? err.message ?? String(error)).split('\n')[0] ?? 'request failed';
}

export interface HttpAnswer {
  status: number;
  text: string;
}

/**
 * GETs a URL with a timeout covering the whole exchange and a 10 MB cap on the body. Network
 * failures become a SourceFailure with one line; header values never appear in a message.
 */
export async function httpGet(url: URL, options: { headers: Record<string, string>; timeoutMs: number }): Promise<HttpAnswer> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new SourceFailure(`${displayUrl(url)} is not an http or https URL`);
  const secrets = Object.values(options.headers);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException('timed out', 'TimeoutError')), options.timeoutMs);
  try {
    const response = await fetch(url, { headers: { accept: 'application/json', ...options.headers }, signal: controller.signal, redirect: 'follow' });
    const declared = Number(response.headers.get('content-length') ?? '0');
    if (declared > MAX_INPUT_BYTES) {
      await response.body?.cancel().catch(() => undefined);
      throw new SourceFailure(`the answer is larger than ${MAX_INPUT_BYTES / 1024 / 1024} MB`);
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    if (response.body) {
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > MAX_INPUT_BYTES) {
          await reader.cancel().catch(() => undefined);
          throw new SourceFailure(`the answer is larger than ${MAX_INPUT_BYTES / 1024 / 1024} MB`);
        }
        chunks.push(value);
      }
    }
    const text = redactSecrets(Buffer.concat(chunks).toString('utf8'), secrets);
    return { status: response.status, text };
  } catch (error) {
    if (error instanceof SourceFailure) throw error;
    if (controller.signal.aborted) throw new SourceFailure(`no answer within ${windowText(options.timeoutMs)} (timed out)`);
    throw new SourceFailure(redactSecrets(describeNetworkError(error, options.timeoutMs), secrets));
  } finally {
    clearTimeout(timer);
  }
}

/** The first line of a body, cut short, for a message about an unexpected answer. */
export function bodyExcerpt(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}
