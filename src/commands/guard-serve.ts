import { FileReadError, readBoundedText } from '../files/bounded-read.js';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { ExitCode, InputError, UsageError } from '../errors.js';
import { createGuardServer } from '../guard/server.js';
import type { LogEvent } from '../guard/server.js';
import type { LogFormat } from '../render/guard/log.js';
import { renderLogLine } from '../render/guard/log.js';
import type { Io, StopSignal } from '../ui/io.js';
import { flagsTarget, guardEngine, openServed } from './guard-served.js';
import { openManifest } from './open-manifest.js';
import { plural } from '../text/plural.js';
import { parseDuration } from '../time/duration.js';

export interface GuardServeOptions {
  manifest?: string[];
  listen: string;
  tokenFile?: string;
  flagdOut?: string;
  contextKey: string;
  userKey: string;
  commit?: boolean;
  logFormat: LogFormat;
  retryFor: string;
}

/** Shorter than this, a token can be guessed. */
const MIN_TOKEN_LENGTH = 16;

/** The token: --token-file, else AGENT_ROLLOUT_GUARD_TOKEN; none is a usage error (exit 2). */
export async function guardToken(tokenFile: string | undefined, io: Io): Promise<string> {
  let token: string | undefined;
  if (tokenFile !== undefined) {
    try {
      token = (await readBoundedText(resolve(io.cwd, tokenFile), { maxBytes: 64 * 1024 })).trim();
    } catch (error) {
      if (!(error instanceof FileReadError)) throw error;
      throw new InputError(`cannot read --token-file ${tokenFile}: ${error.reason}`);
    }
  } else {
    token = io.env['AGENT_ROLLOUT_GUARD_TOKEN']?.trim();
  }
  if (!token) {
    throw new UsageError(
      'guard serve needs a token: Alertmanager must authenticate, or anyone who can reach the port could pause or disable agents',
      'set AGENT_ROLLOUT_GUARD_TOKEN or pass --token-file FILE, and give Alertmanager the same token (http_config.authorization.credentials_file)',
    );
  }
  if (token.length < MIN_TOKEN_LENGTH || /\s/.test(token))
    throw new UsageError(
      `the guard token must be at least ${MIN_TOKEN_LENGTH} characters, without spaces`,
      'generate one: openssl rand -hex 32',
    );
  return token;
}

/** `host:port`, `[v6]:port` or `:port` (loopback). */
export function parseListen(text: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (!match || !Number.isInteger(port) || port > 65535)
    throw new UsageError(`--listen ${text} is not host:port`, 'e.g. --listen 127.0.0.1:9095');
  return { host: match[1] ?? (match[2] || '127.0.0.1'), port };
}

/** --retry-for: how long a change that met a held lock or a changed manifest keeps trying before the answer is 503. */
function parseRetryFor(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined || ms > 60_000)
    throw new UsageError(
      `--retry-for ${text} is not a duration of at most 1m`,
      "e.g. --retry-for 3s (keep it under Alertmanager's webhook timeout); 0s answers 503 at the first lost race",
    );
  return ms;
}

function utcNow(): string {
  return new Date().toISOString();
}

/** Resolves when SIGTERM or SIGINT arrives, with its name; `dispose` removes the handlers. */
function stopSignal(io: Io): { stopped: Promise<StopSignal>; dispose: () => void } {
  let dispose = (): void => undefined;
  const stopped = new Promise<StopSignal>((resolvePromise) => {
    dispose = io.onSignal(['SIGTERM', 'SIGINT'], resolvePromise);
  });
  return { stopped, dispose };
}

/**
 * `agent-rollout guard serve [files...]`: Alertmanager's webhook receiver. Runs until SIGTERM or
 * SIGINT, then stops accepting, finishes the work under way (a write is never cut), and exits 0.
 */
export async function guardServeCommand(files: readonly string[], options: GuardServeOptions, io: Io): Promise<number> {
  const token = await guardToken(options.tokenFile, io);
  const listen = parseListen(options.listen);
  const retryForMs = parseRetryFor(options.retryFor);
  const flags = await flagsTarget(options, io);
  const served = await openServed(files, options.manifest, io);
  const engine = guardEngine(
    served,
    flags,
    { commit: options.commit === true, secrets: [token], actorSource: 'alertmanager', retryForMs },
    io,
  );
  const log = (event: LogEvent): void => io.out(renderLogLine(event, utcNow(), options.logFormat));
  const health = async () => {
    const manifests = await Promise.all(
      [...served.values()].map(async ({ path }) => {
        try {
          await openManifest(path, io);
          return { path, ok: true };
        } catch (error) {
          return { path, ok: false, problem: engine.safe(error instanceof Error ? error.message : String(error)) };
        }
      }),
    );
    return { ok: manifests.every((m) => m.ok), manifests };
  };
  const signals = stopSignal(io);
  const { server } = createGuardServer({ token, engine, health, log });
  try {
    await new Promise<void>((resolvePromise, reject) => {
      server.once('error', reject);
      server.listen(listen.port, listen.host, () => {
        server.off('error', reject);
        resolvePromise();
      });
    }).catch((error: NodeJS.ErrnoException) => {
      throw new InputError(`cannot listen on ${options.listen}: ${error.code ?? error.message}`, 'choose another --listen address or port');
    });
    const address = server.address() as AddressInfo;
    const loopback = ['127.0.0.1', '::1', 'localhost'].includes(listen.host);
    if (!loopback) io.err(`warning: listening on ${listen.host}, not loopback: only the bearer token protects the guard\n`);
    const where = address.family === 'IPv6' ? `[${address.address}]:${address.port}` : `${address.address}:${address.port}`;
    io.err(
      `guard: serving ${plural(served.size, 'agent')} (${[...served.keys()].join(', ')}) on http://${where} ` +
        `(POST /alertmanager, GET /healthz)${flags ? `; flags to ${options.flagdOut}` : ''}${options.commit ? '; committing changes' : ''}\n`,
    );
    const signal = await signals.stopped;
    io.err(`guard: ${signal} received: finishing the work under way\n`);
    await new Promise<void>((resolvePromise) => {
      server.close(() => resolvePromise());
      server.closeIdleConnections();
    });
    await engine.idle();
    io.err(`guard: stopped by ${signal} after finishing the work under way\n`);
    return ExitCode.ok;
  } finally {
    signals.dispose();
    server.close();
  }
}
