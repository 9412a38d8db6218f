import type { Observation } from './types.js';
import { isCountSignal } from './types.js';
import { formatTime } from '../time/timestamp.js';

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(?:nan|inf|infinity)$/i;

/** A number as text (`12`, `0.08`, `1e-3`), or why it is not one. `NaN` and `Inf` are not numbers here. */
export function parseNumberText(text: string): { value: number } | { problem: string } {
  const trimmed = text.trim();
  if (DECIMAL.test(trimmed)) {
    const value = Number(trimmed);
    if (Number.isFinite(value)) return { value };
    return { problem: `${trimmed} is too large to be a finite number` };
  }
  if (NON_FINITE.test(trimmed)) return { problem: `${trimmed} is not a finite number` };
  if (trimmed === '') return { problem: 'the value is empty' };
  return { problem: `"${shorten(trimmed)}" is not a number` };
}

/** A JSON value in a few words, for a message about what it should have been: `the string "x"`, `a list`, `an object`, `true`. */
export function jsonValueText(value: unknown): string {
  if (typeof value === 'string') return `the string "${shorten(value)}"`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** Describes a JSON value that should have been a number. */
export function notANumber(value: unknown): string {
  return `${jsonValueText(value)} is not a number`;
}

function shorten(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > 40 ? `${oneLine.slice(0, 39)}…` : oneLine;
}

/**
 * Applies the checks every value passes whatever its origin: finite, and not negative when the
 * signal counts things. A bad value becomes an error observation, never a pass.
 */
export function checkObservation(signal: string, observation: Observation, sampleSignal: string | undefined): Observation {
  const counts = isCountSignal(signal, sampleSignal);
  if (observation.status === 'value') {
    if (!Number.isFinite(observation.value))
      return { status: 'error', origin: observation.origin, reason: `${signal} is ${String(observation.value)}, not a finite number` };
    if (counts && observation.value < 0)
      return {
        status: 'error',
        origin: observation.origin,
        reason: `${signal} counts events, so ${observation.value} (negative) cannot be right`,
      };
  }
  if (observation.status === 'series') {
    const bad = observation.points.find(([, v]) => !Number.isFinite(v));
    if (bad)
      return {
        status: 'error',
        origin: observation.origin,
        reason: `${signal} has ${String(bad[1])} at ${formatTime(bad[0])}, not a finite number`,
      };
    const negative = counts ? observation.points.find(([, v]) => v < 0) : undefined;
    if (negative)
      return {
        status: 'error',
        origin: observation.origin,
        reason: `${signal} counts events, so ${negative[1]} (negative) at ${formatTime(negative[0])} cannot be right`,
      };
  }
  return observation;
}
