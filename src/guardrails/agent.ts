import { performance } from 'node:perf_hooks';
import { durationText } from '../time/duration.js';
import type { ProcessGroups } from '../process/child-process.js';
import { runCommand } from '../process/child-process.js';
import type { Decision } from './cases.js';
import { DECISIONS, isDecision } from './cases.js';
import { SourceFailure, httpRequest } from '../metrics/http-get.js';

/** How the agent is asked: a command (input on stdin) or an endpoint (POST {"input"}). */
export type AgentTarget =
  | { kind: 'run'; argv: string[]; cwd: string; env: NodeJS.ProcessEnv }
  | { kind: 'http'; url: string; headers: Record<string, string> };

/** What the agent answered, or why there is no answer. */
export interface AgentAnswer {
  decision?: Decision;
  /** The agent's own reason. */
  reason?: string;
  /** Why no decision could be read: a crash, a timeout, garbage. */
  error?: string;
  durationMs: number;
}

const EXCERPT = 200;
/** An agent's answer (one decision) larger than this is refused; it is read no further. */
const MAX_ANSWER_BYTES = 1024 * 1024;

function excerpt(text: string): string {
  const clean = text.trim().replace(/\s+/g, ' ');
  return clean.length > EXCERPT ? `${clean.slice(0, EXCERPT - 1)}…` : clean;
}

/** Reads `{"decision": ..., "reason": ...}` from what the agent printed or returned. Pure. */
export function parseDecision(text: string): { decision: Decision; reason?: string } | { error: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { error: 'the agent printed nothing; expected {"decision": ..., "reason": ...}' };
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return { error: `the agent's answer is not JSON: ${JSON.stringify(excerpt(trimmed))}` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { error: `the agent's answer is not a JSON object: ${JSON.stringify(excerpt(trimmed))}` };
  }
  const { decision, reason } = value as { decision?: unknown; reason?: unknown };
  if (!isDecision(decision)) {
    return {
      error: `the agent's decision ${decision === undefined ? 'is missing' : JSON.stringify(decision)}; expected one of ${DECISIONS.join(', ')}`,
    };
  }
  return typeof reason === 'string' ? { decision, reason } : { decision };
}

/** Asks the agent about one input, within the timeout; never throws. */
export async function askAgent(
  target: AgentTarget,
  input: string,
  options: { timeoutMs: number; signal: AbortSignal; groups?: ProcessGroups },
): Promise<AgentAnswer> {
  if (target.kind === 'run') {
    const outcome = await runCommand({
      argv: target.argv,
      cwd: target.cwd,
      env: target.env,
      timeoutMs: options.timeoutMs,
      input,
      signal: options.signal,
      ...(options.groups ? { groups: options.groups } : {}),
      maxOutputBytes: 2 * MAX_ANSWER_BYTES,
      overflow: 'fail',
    });
    const durationMs = outcome.durationMs;
    if (outcome.interrupted) return { error: 'interrupted (Ctrl-C)', durationMs };
    if (outcome.timedOut)
      return { error: `no answer within ${durationText(options.timeoutMs)}: the agent was killed with its children`, durationMs };
    if (outcome.startError) return { error: `the agent could not start: ${outcome.startError}`, durationMs };
    if (outcome.overflowed)
      return { error: `the agent printed more than ${(2 * MAX_ANSWER_BYTES) / 1024 / 1024} MB; it was stopped`, durationMs };
    if (outcome.signal) return { error: `the agent was killed by ${outcome.signal}`, durationMs };
    if (outcome.exitCode !== 0) {
      const stderr = excerpt(outcome.stderr);
      return { error: `the agent exited with code ${String(outcome.exitCode)}${stderr ? `: ${stderr}` : ''}`, durationMs };
    }
    const parsed = parseDecision(outcome.stdout);
    return 'error' in parsed ? { error: parsed.error, durationMs } : { ...parsed, durationMs };
  }
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  try {
    const answer = await httpRequest(new URL(target.url), {
      method: 'POST',
      headers: target.headers,
      body: JSON.stringify({ input }),
      timeoutMs: options.timeoutMs,
      signal: options.signal,
    });
    if (answer.status < 200 || answer.status > 299)
      return {
        error: `the agent answered HTTP ${answer.status}${answer.text.trim() ? `: ${excerpt(answer.text)}` : ''}`,
        durationMs: elapsed(),
      };
    const parsed = parseDecision(answer.text);
    return 'error' in parsed ? { error: parsed.error, durationMs: elapsed() } : { ...parsed, durationMs: elapsed() };
  } catch (error) {
    if (options.signal.aborted) return { error: 'interrupted (Ctrl-C)', durationMs: elapsed() };
    if (error instanceof SourceFailure)
      return {
        error: error.message.startsWith('no answer') ? error.message : `the request failed: ${error.message}`,
        durationMs: elapsed(),
      };
    if (error instanceof TypeError) return { error: `the request failed: ${error.message}`, durationMs: elapsed() };
    throw error;
  }
}
