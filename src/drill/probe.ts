import { performance } from 'node:perf_hooks';
import { readBodyBounded } from '../files/bounded-read.js';
import { durationText } from '../time/duration.js';
import type { CommandOutcome, ProcessGroups } from '../process/child-process.js';
import { describeFailure, runCommand } from '../process/child-process.js';
import { describeMismatch, textMatches } from './plan.js';
import { recordOutput } from './redact.js';
import { hasUrlCredentials } from '../manifest/rules/url-credentials.js';
import type { PlannedProbe, ProbeAttempt } from './types.js';

/** How much of an HTTP body a probe reads (an endless answer is cut here). */
const MAX_BODY_BYTES = 1024 * 1024;
/** How much of an HTTP body an attempt keeps. */
const MAX_BODY_CHARS = 1000;

/** What one attempt saw, before it is judged. */
export type ProbeObservation =
  | { kind: 'run'; outcome: CommandOutcome }
  | { kind: 'http'; status?: number; body: string; error?: string; interrupted: boolean; durationMs: number };

/** Judges one observation against the probe's expectation. Pure. */
export function judgeObservation(probe: PlannedProbe, seen: ProbeObservation, secrets: readonly string[]): Omit<ProbeAttempt, 'attempt'> {
  if (seen.kind === 'run') {
    const { outcome } = seen;
    const output = recordOutput(outcome.output, secrets);
    const base = { durationMs: outcome.durationMs, output };
    const failure =
      outcome.interrupted || outcome.timedOut || outcome.startError || outcome.signal
        ? describeFailure(outcome, durationText(probe.timeoutMs))
        : undefined;
    if (failure)
      return {
        ...base,
        passed: false,
        observed: outcome.exitCode === undefined ? 'no exit code' : `exit ${outcome.exitCode}`,
        reason: failure,
      };
    const observed = `exit ${String(outcome.exitCode)}`;
    const wantExit = probe.expect.exitCode ?? 0;
    if (outcome.exitCode !== wantExit)
      return { ...base, passed: false, observed, reason: `exit code ${String(outcome.exitCode)}, expected ${wantExit}` };
    const stdout = probe.expect.stdout;
    if (stdout && !textMatches(stdout, outcome.stdout)) {
      return { ...base, passed: false, observed, reason: `stdout ${describeMismatch(stdout)}` };
    }
    return { ...base, passed: true, observed };
  }
  const body = recordOutput(seen.body, secrets, MAX_BODY_CHARS);
  const base = { durationMs: seen.durationMs, ...(body === '' ? {} : { output: body }) };
  if (seen.interrupted) return { ...base, passed: false, observed: 'no response', reason: 'interrupted (Ctrl-C)' };
  if (seen.status === undefined)
    return { ...base, passed: false, observed: 'no response', reason: recordOutput(seen.error ?? 'no response', secrets) };
  const observed = `HTTP ${seen.status}`;
  const wanted = probe.expect.status ?? [];
  const statusOk = wanted.length === 0 ? seen.status >= 200 && seen.status < 300 : wanted.includes(seen.status);
  if (!statusOk) {
    const expected = wanted.length === 0 ? 'a 2xx status' : wanted.length === 1 ? String(wanted[0]) : `one of ${wanted.join(', ')}`;
    return { ...base, passed: false, observed, reason: `status ${seen.status}, expected ${expected}` };
  }
  const bodyExpectation = probe.expect.body;
  if (bodyExpectation && !textMatches(bodyExpectation, seen.body)) {
    return { ...base, passed: false, observed, reason: `the body ${describeMismatch(bodyExpectation)}` };
  }
  return { ...base, passed: true, observed };
}

export interface ProbeContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  groups?: ProcessGroups;
}

/** The headers of an HTTP probe, with `env:NAME` values read from the environment. */
export function resolveHeaders(
  headers: Record<string, string>,
  env: NodeJS.ProcessEnv,
): { headers: Record<string, string>; missing: string[] } {
  const resolved: Record<string, string> = {};
  const missing: string[] = [];
  for (const [name, ref] of Object.entries(headers)) {
    const variable = ref.replace(/^env:/, '');
    const value = env[variable];
    if (value === undefined || value === '') missing.push(variable);
    else resolved[name] = value;
  }
  return { headers: resolved, missing };
}

/** One HTTP request with a timeout; never throws. Redirects are not followed: the probe sees what the URL answers. */
export async function httpRequest(
  request: { url: string; method: string; headers: Record<string, string>; body?: string },
  timeoutMs: number,
  signal: AbortSignal,
): Promise<Extract<ProbeObservation, { kind: 'http' }>> {
  const started = performance.now();
  if (hasUrlCredentials(request.url))
    return {
      kind: 'http',
      body: '',
      error: 'the URL has a user name or password in it (AR122): no request was sent',
      interrupted: false,
      durationMs: 0,
    };
  const timeout = AbortSignal.timeout(timeoutMs);
  const both = AbortSignal.any([timeout, signal]);
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      redirect: 'manual',
      signal: both,
      ...(request.body !== undefined ? { body: request.body } : {}),
    });
    const read = request.method === 'HEAD' ? undefined : await readBodyBounded(response.body, MAX_BODY_BYTES);
    const body =
      read === undefined
        ? ''
        : read.bytes.toString('utf8') +
          (read.truncated ? `\n… the rest of the answer (past ${MAX_BODY_BYTES / 1024 / 1024} MB) was not read …` : '');
    return { kind: 'http', status: response.status, body, interrupted: false, durationMs: Math.round(performance.now() - started) };
  } catch (error) {
    const interrupted = signal.aborted;
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const message = timeout.aborted
      ? `no response within ${durationText(timeoutMs)}`
      : cause?.code
        ? `request failed: ${cause.code}${cause.message ? ` (${cause.message})` : ''}`
        : `request failed: ${(error as Error).message}`;
    return { kind: 'http', body: '', error: message, interrupted, durationMs: Math.round(performance.now() - started) };
  }
}

/** Runs one attempt of a probe. */
export async function observeProbe(probe: PlannedProbe, context: ProbeContext): Promise<ProbeObservation> {
  if (probe.command) {
    const outcome = await runCommand({
      argv: probe.command,
      cwd: context.cwd,
      env: context.env,
      timeoutMs: probe.timeoutMs,
      signal: context.signal,
      ...(context.groups ? { groups: context.groups } : {}),
    });
    return { kind: 'run', outcome };
  }
  const http = probe.http as NonNullable<PlannedProbe['http']>;
  const { headers } = resolveHeaders(http.headers, context.env);
  return httpRequest({ ...http, headers }, probe.timeoutMs, context.signal);
}

/** Waits, unless aborted first. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
