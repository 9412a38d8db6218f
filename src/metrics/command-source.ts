import { runCommand } from '../process/child-process.js';
import { MAX_INPUT_BYTES } from './read-input.js';
import type { Observation, Origin, Point } from './types.js';
import { notANumber, parseNumberText } from './value-check.js';
import { durationText } from '../time/duration.js';
import type { Redactor } from '../manifest/redactor.js';
import { secondsToMs } from '../time/timestamp-parse.js';

/** A command source: the argv to run and where. */
export interface CommandTarget {
  name: string;
  argv: string[];
  /** The manifest's folder; relative commands resolve from here. */
  cwd: string;
  timeoutMs: number;
  env: NodeJS.ProcessEnv;
  /** The run's redactor: what the command prints goes through it before it is read or quoted. */
  redactor?: Redactor;
}

function lastLine(text: string): string {
  const line = text.trim().split('\n').at(-1) ?? '';
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}

function parseOutput(stdout: string, wantSeries: boolean): { value: number } | { points: Point[] } | { problem: string } | { empty: true } {
  const text = stdout.trim();
  if (text === '') return { problem: 'printed nothing; it must print a number or {"value": n}' };
  if (text.startsWith('{')) {
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch {
      return { problem: `printed something that is not JSON: ${lastLine(text)}` };
    }
    const record = document as Record<string, unknown>;
    if (wantSeries && Array.isArray(record['series'])) {
      const points: Point[] = [];
      for (const pair of record['series'] as unknown[]) {
        if (!Array.isArray(pair) || typeof pair[0] !== 'number')
          return { problem: 'printed a "series" that is not [[seconds, number], ...]' };
        const ms = secondsToMs(pair[0]);
        if (ms === undefined) return { problem: 'printed a sample whose time is not seconds since the epoch from 1970 to 9999' };
        points.push([ms, typeof pair[1] === 'number' ? pair[1] : Number.NaN]);
      }
      return { points: points.sort((a, b) => a[0] - b[0]) };
    }
    if (!Object.hasOwn(record, 'value')) return { problem: 'printed JSON without "value"' };
    if (record['value'] === null) return { empty: true };
    if (typeof record['value'] !== 'number') return { problem: `printed {"value": ...} where ${notANumber(record['value'])}` };
    return { value: record['value'] };
  }
  const parsed = parseNumberText(text);
  return 'value' in parsed
    ? parsed
    : { problem: `printed ${parsed.problem.replace(/^"(.*)" is not a number$/, '"$1", which is not a number')}` };
}

/**
 * Runs a command source (no shell) with a timeout and reads the number it prints: a bare number
 * or `{"value": n}` (`{"value": null}` is no data; `{"series": [[seconds, n], ...]}` for a series
 * request). It runs in its own process group, so a timeout stops everything it started.
 * The environment carries AGENT_ROLLOUT_WINDOW (e.g. 7d), AGENT_ROLLOUT_WINDOW_START and _END.
 */
export async function commandSignal(
  target: CommandTarget,
  window: { startMs: number; endMs: number; text: string },
  wantSeries: boolean,
): Promise<Observation> {
  const origin: Origin = { kind: 'source', source: target.name, type: 'command', argv: target.argv };
  const fail = (message: string): Observation => ({
    status: 'error',
    origin,
    reason: `${target.name} (command ${target.argv[0] ?? ''}): ${message}`,
  });
  const redact = (text: string): string => (target.redactor ? target.redactor.text(text) : text);
  const file = target.argv[0];
  if (!file) return fail('the command is empty');
  const result = await runCommand({
    argv: target.argv,
    cwd: target.cwd,
    env: {
      ...target.env,
      AGENT_ROLLOUT_WINDOW: window.text,
      AGENT_ROLLOUT_WINDOW_START: new Date(window.startMs).toISOString(),
      AGENT_ROLLOUT_WINDOW_END: new Date(window.endMs).toISOString(),
      AGENT_ROLLOUT_SERIES: wantSeries ? '1' : '0',
    },
    timeoutMs: target.timeoutMs,
    maxOutputBytes: MAX_INPUT_BYTES,
    overflow: 'fail',
  });
  if (result.timedOut) return fail(`did not finish within ${durationText(target.timeoutMs)}; it was stopped`);
  if (result.startErrorCode === 'ENOENT') return fail(`cannot run ${file}: no such file (paths are relative to the manifest's folder)`);
  if (result.startErrorCode === 'EACCES') return fail(`cannot run ${file}: not executable`);
  if (result.startError) return fail(`cannot run ${file}: ${result.startError}`);
  if (result.overflowed) return fail(`printed more than ${MAX_INPUT_BYTES / 1024 / 1024} MB; it was stopped`);
  if (result.exitCode !== 0) {
    const why = result.signal ? `was killed by ${result.signal}` : `exited with code ${String(result.exitCode)}`;
    const stderr = lastLine(redact(result.stderr));
    return fail(`${why}${stderr ? `: ${stderr}` : ''}`);
  }
  const output = parseOutput(redact(result.stdout), wantSeries);
  if ('problem' in output) return fail(output.problem);
  if ('empty' in output) return { status: 'no-data', origin, reason: 'no data: the command printed {"value": null}' };
  if ('points' in output) return { status: 'series', points: output.points, origin, dated: true };
  return { status: 'value', value: output.value, origin, dated: true };
}
