import { timingSafeEqual, createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { parseAlertmanagerPayload } from './alertmanager.js';
import type { BatchResult, Decision, GuardEngine } from './engine.js';
import type { Delivery } from '../notify/deliver.js';

/**
 * `guard serve`'s HTTP side, on node:http: `POST /alertmanager` (bearer token, body capped, JSON
 * payload version 4) and `GET /healthz`. Every request is answered; nothing a client sends can
 * crash the server. Logging and health are passed in.
 */

export const MAX_BODY_BYTES = 1024 * 1024;

export interface GuardServerOptions {
  token: string;
  engine: GuardEngine;
  /** Every served manifest readable: true; else the problems. */
  health: () => Promise<{ ok: boolean; manifests: { path: string; ok: boolean; problem?: string }[] }>;
  log: (event: LogEvent) => void;
}

export type LogEvent =
  | { kind: 'decision'; decision: Decision }
  | { kind: 'request'; status: number; why: string }
  | { kind: 'flags'; result: NonNullable<BatchResult['flags']> }
  | { kind: 'warning'; message: string }
  | { kind: 'delivery'; delivery: Delivery }
  /**
   * A webhook delivery answered: when it arrived, how long the guard took in all (`ms`, from the
   * request to the answer) and in its parts (BatchResult's timings), its status.
   */
  | { kind: 'handled'; receivedAt: string; ms: number; timings: BatchResult['timings']; status: number; alerts: number };

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Compares in constant time (over hashes, so the lengths do not leak either). */
function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

function send(response: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = `${JSON.stringify({ formatVersion: 1, ...(body as object) })}\n`;
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...extra,
  });
  response.end(text);
}

class BodyTooLarge extends Error {}

/** Reads a request body up to `limit` bytes; more is BodyTooLarge (and the rest is not read). */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.removeAllListeners('data');
        request.pause();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
    request.on('aborted', () => reject(new Error('the client went away')));
  });
}

/** The server; `listen` and `close` are the caller's. */
export function createGuardServer(options: GuardServerOptions): { server: Server; inFlight: () => number } {
  let inFlight = 0;
  const expected = `Bearer ${options.token}`;
  const handleAlertmanager = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const receivedAt = new Date();
    const started = performance.now();
    const authorization = request.headers['authorization'] ?? '';
    if (!sameSecret(authorization, expected)) {
      options.log({ kind: 'request', status: 401, why: authorization === '' ? 'no Authorization header' : 'wrong bearer token' });
      send(
        response,
        401,
        { error: 'a bearer token is required (Authorization: Bearer <token>)' },
        { 'www-authenticate': 'Bearer', connection: 'close' },
      );
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(request, MAX_BODY_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        options.log({ kind: 'request', status: 413, why: `the body is over ${MAX_BODY_BYTES} bytes` });
        send(response, 413, { error: `the body is over ${MAX_BODY_BYTES} bytes` }, { connection: 'close' });
        return;
      }
      throw error;
    }
    let value: unknown;
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch {
      options.log({ kind: 'request', status: 400, why: 'the body is not JSON' });
      send(response, 400, { error: 'the body is not JSON' });
      return;
    }
    const payload = parseAlertmanagerPayload(value);
    if ('problem' in payload) {
      const why = options.engine.safe(payload.problem);
      options.log({ kind: 'request', status: 400, why });
      send(response, 400, { error: why });
      return;
    }
    const result = await options.engine.process(payload.alerts);
    for (const decision of result.decisions) options.log({ kind: 'decision', decision });
    if (result.flags) options.log({ kind: 'flags', result: result.flags });
    for (const message of result.warnings) options.log({ kind: 'warning', message });
    const transient = result.decisions.some((d) => d.transient === true);
    const status = transient ? 503 : 200;
    options.log({
      kind: 'handled',
      receivedAt: receivedAt.toISOString(),
      ms: Math.round((performance.now() - started) * 10) / 10,
      timings: result.timings,
      status,
      alerts: payload.alerts.length,
    });
    send(response, status, {
      decisions: result.decisions,
      ...(result.flags ? { flags: result.flags } : {}),
      ...(result.commits.length > 0 ? { commits: result.commits } : {}),
      ...(result.warnings.length > 0 ? { warnings: result.warnings } : {}),
    });
    // Notifications go out after the answer: a slow sink never delays Alertmanager or the change.
    void result.notify().then(
      (deliveries) => deliveries.filter((d) => !d.ok).forEach((delivery) => options.log({ kind: 'delivery', delivery })),
      () => undefined,
    );
  };

  const server = createServer((request, response) => {
    inFlight++;
    response.on('close', () => inFlight--);
    const path = (request.url ?? '').split('?')[0];
    const work = async (): Promise<void> => {
      if (path === '/alertmanager') {
        if (request.method !== 'POST') return send(response, 405, { error: 'POST only' }, { allow: 'POST' });
        return handleAlertmanager(request, response);
      }
      if (path === '/healthz') {
        if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, { error: 'GET only' }, { allow: 'GET' });
        const health = await options.health();
        return send(response, health.ok ? 200 : 503, { status: health.ok ? 'ok' : 'unhealthy', manifests: health.manifests });
      }
      send(response, 404, { error: 'not found: POST /alertmanager, GET /healthz' });
    };
    work().catch((error: unknown) => {
      const why = options.engine.safe(error instanceof Error ? error.message : String(error));
      options.log({ kind: 'request', status: 500, why: `internal error: ${why}` });
      if (!response.headersSent) send(response, 500, { error: 'internal error' });
      else response.destroy();
    });
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  return { server, inFlight: () => inFlight };
}
