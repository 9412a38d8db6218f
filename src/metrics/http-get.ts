import { durationText, MAX_TIMER_MS } from '../time/duration.js';
import type { Redactor } from '../manifest/redactor.js';
import { createRedactor } from '../manifest/redactor.js';
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
    if (value === undefined || value === '')
      throw new SourceFailure(`header ${name} needs the environment variable ${variable}, which is not set`);
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

/** Error codes of a connection that closed under the exchange. */
const CUT_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

function describeNetworkError(error: unknown, url: URL, timeoutMs: number): string {
  const err = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return `no answer within ${durationText(timeoutMs)} (timed out)`;
  const code = err.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused (is it running, and is the URL right?)';
  if (code === 'ENOTFOUND') return `the host ${url.hostname} could not be resolved (DNS: no such host; is the URL right?)`;
  if (code === 'EAI_AGAIN')
    return `the host ${url.hostname} could not be resolved (DNS: the lookup failed for now, EAI_AGAIN; is the network up?)`;
  if (code !== undefined && CUT_CODES.has(code)) return 'the connection was closed before the answer was complete';
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT')
    return `no answer within ${durationText(timeoutMs)} (timed out)`;
  return (err.cause?.message ?? err.message ?? String(error)).split('\n')[0] ?? 'request failed';
}

/** A connection cut while the body was being read: how much came, of how much announced. */
function describeCut(error: unknown, received: number, announced: number | undefined): string | undefined {
  const err = error as { message?: string; cause?: { code?: string } };
  const code = err.cause?.code;
  if (!(code !== undefined && CUT_CODES.has(code)) && err.message !== 'terminated') return undefined;
  const bytes = announced === undefined ? `${received} bytes` : `${received} of the ${announced} bytes announced`;
  return `the connection was cut after ${bytes}; the answer is incomplete`;
}

export interface HttpAnswer {
  status: number;
  text: string;
  /** The Content-Type header, when there is one. */
  contentType?: string;
  /** Where redirects led, when they did: the URL without credentials, query or fragment. */
  redirectedTo?: string;
}

/** What one request is: GET by default; `signal` stops it early (Ctrl-C). */
export interface HttpRequest {
  method?: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  contentType?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Redacts the answer before anything reads it (default: the headers' values and every token shape). */
  redactor?: Redactor;
}

/** Redirects followed at most (fetch follows 20). */
const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * Why a URL is not one to send a request to: not http(s), or a user name or password in it (it
 * would be sent, logged by proxies and shown; credentials belong in `env:` headers). Undefined
 * when it is fine.
 */
export function unsafeUrl(url: URL): string | undefined {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${displayUrl(url)} is not an http or https URL`;
  if (url.username !== '' || url.password !== '')
    return `${displayUrl(url)} has a user name or password in it (https://user:pass@host); put credentials in an env: header instead`;
  return undefined;
}

/**
 * THE HTTP client of every source and endpoint (Prometheus, http sources, the guardrails agent
 * endpoint): one request with a timeout covering the whole exchange and a 10 MB cap on the body.
 * Redirects are followed by hand, only within the origin the request was made to (scheme, host
 * and port): fetch drops Authorization on a redirect to another origin but forwards every other
 * header (X-Api-Key, DD-API-KEY), so a redirect elsewhere is refused, naming both URLs, and no
 * header ever leaves the origin the manifest named. Network failures become a SourceFailure with
 * one line; header values never appear in a message.
 */
export async function httpRequest(url: URL, request: HttpRequest): Promise<HttpAnswer> {
  const unsafe = unsafeUrl(url);
  if (unsafe) throw new SourceFailure(unsafe);
  const redactor = request.redactor ?? createRedactor(Object.values(request.headers));
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException('timed out', 'TimeoutError')),
    Math.min(request.timeoutMs, MAX_TIMER_MS),
  );
  const signal = request.signal ? AbortSignal.any([controller.signal, request.signal]) : controller.signal;
  /** Whether the headers came and the body is being read; how many bytes of it came, of how many announced. */
  let reading = false;
  let size = 0;
  let announced: number | undefined;
  let current = url;
  let method = request.method ?? 'GET';
  let body = request.body;
  try {
    let response: Response;
    for (let hops = 0; ; hops++) {
      response = await fetch(current, {
        method,
        headers: {
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': request.contentType ?? 'application/json' } : {}),
          ...request.headers,
        },
        ...(body !== undefined ? { body } : {}),
        signal,
        redirect: 'manual',
      });
      const location = REDIRECT_STATUSES.has(response.status) ? response.headers.get('location') : null;
      if (location === null) break;
      await response.body?.cancel().catch(() => undefined);
      let next: URL;
      try {
        next = new URL(location, current);
      } catch {
        throw new SourceFailure(`${withoutQuery(current.href)} redirected to an unreadable URL`);
      }
      if (next.origin !== url.origin) {
        throw new SourceFailure(
          `${withoutQuery(current.href)} redirected to ${withoutQuery(next.href)}, another origin: refused, so the source's headers are not sent there (use the URL that answers, or a proxy on the same origin)`,
        );
      }
      const nextUnsafe = unsafeUrl(next);
      if (nextUnsafe) throw new SourceFailure(`a redirect led to ${nextUnsafe}`);
      if (hops + 1 > MAX_REDIRECTS) throw new SourceFailure(`more than ${MAX_REDIRECTS} redirects, from ${withoutQuery(url.href)}`);
      // As fetch does: 303, and 301/302 after a POST, repeat the request as a GET without a body.
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
      }
      current = next;
    }
    reading = true;
    const lengthHeader = response.headers.get('content-length');
    const declared = Number(lengthHeader ?? '0');
    if (lengthHeader !== null && Number.isSafeInteger(declared) && declared >= 0) announced = declared;
    if (declared > MAX_INPUT_BYTES) {
      await response.body?.cancel().catch(() => undefined);
      throw new SourceFailure(`the answer is larger than ${MAX_INPUT_BYTES / 1024 / 1024} MB`);
    }
    const chunks: Uint8Array[] = [];
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
    // Redacted whole, before anything cuts an excerpt out of it: a cut could leave half a secret.
    const text = redactor.text(Buffer.concat(chunks).toString('utf8'));
    const answer: HttpAnswer = { status: response.status, text };
    const contentType = response.headers.get('content-type');
    if (contentType !== null) answer.contentType = contentType;
    if (current.href !== url.href) answer.redirectedTo = withoutQuery(current.href);
    return answer;
  } catch (error) {
    if (error instanceof SourceFailure) throw error;
    if (request.signal?.aborted) throw new SourceFailure('interrupted (Ctrl-C)');
    if (controller.signal.aborted) throw new SourceFailure(`no answer within ${durationText(request.timeoutMs)} (timed out)`);
    const cut = reading ? describeCut(error, size, announced) : undefined;
    throw new SourceFailure(redactor.text(cut ?? describeNetworkError(error, current, request.timeoutMs)));
  } finally {
    clearTimeout(timer);
  }
}

/** GETs a URL through httpRequest. */
export function httpGet(
  url: URL,
  options: { headers: Record<string, string>; timeoutMs: number; redactor?: Redactor | undefined },
): Promise<HttpAnswer> {
  const { redactor, ...rest } = options;
  return httpRequest(url, { ...rest, ...(redactor ? { redactor } : {}) });
}

/** A URL as it may be shown after a redirect: without credentials, query or fragment (a login page's query may carry a token). */
function withoutQuery(url: string): string {
  try {
    const copy = new URL(url);
    copy.search = '';
    copy.hash = '';
    return displayUrl(copy);
  } catch {
    return '(an unreadable URL)';
  }
}

const HTML_TYPE = /^\s*(?:text\/html|application\/xhtml\+xml)\s*(?:;|$)/i;
const HTML_START = /^\s*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])/i;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/**
 * When the answer is an HTML page (by its Content-Type or how it starts), what to call it:
 * `an HTML page ("Sign in")`, with where a redirect led. Undefined for anything else.
 */
export function htmlPage(answer: HttpAnswer): string | undefined {
  if (!HTML_TYPE.test(answer.contentType ?? '') && !HTML_START.test(answer.text)) return undefined;
  // The title is in the head: looking no further keeps this linear on a 10 MB page.
  const raw = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(answer.text.slice(0, 65_536))?.[1] ?? '';
  const title = raw
    .replace(/&(?:#(\d+)|#x([0-9a-f]+)|([a-z]+));/gi, (entity, dec?: string, hex?: string, name?: string) => {
      const code = dec ? Number(dec) : hex ? parseInt(hex, 16) : undefined;
      if (code !== undefined) return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
      return ENTITIES[(name ?? '').toLowerCase()] ?? entity;
    })
    .replace(/\s+/g, ' ')
    .trim();
  const shown = title.length > 80 ? `${title.slice(0, 79)}…` : title;
  return `an HTML page${shown ? ` (${JSON.stringify(shown)})` : ''}${answer.redirectedTo ? ` after a redirect to ${answer.redirectedTo}` : ''}`;
}

/** What a person is told about an answer that was not what was asked for: the HTML page it is, else its first line. */
export function answerExcerpt(answer: HttpAnswer): string {
  return htmlPage(answer) ?? bodyExcerpt(answer.text);
}

/** The hint after a page where JSON was expected. */
export const HTML_HINT = 'a login page or a proxy may be in the way: check the URL and the credentials';

/** The first line of a body, cut short, for a message about an unexpected answer. */
export function bodyExcerpt(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}
