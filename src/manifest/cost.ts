import type { CostEnvelope, Stage } from './types.js';

/** What a stage is expected to cost per day, from the cost envelope and the stage's audience. */
export interface DailyEstimate {
  invocationsPerDay: number;
  usdPerDay: number;
  /** How the volume was worked out, for messages. */
  basis: string;
}

/**
 * The expected daily volume and spend of a stage: the audience's own invocationsPerDay when
 * given, else its percent of the envelope's full-rollout volume. Undefined when the envelope
 * or the audience does not say enough.
 */
export function dailyEstimate(stage: Stage, envelope: CostEnvelope | undefined): DailyEstimate | undefined {
  const usdPerInvocation = envelope?.usdPerInvocation;
  if (usdPerInvocation === undefined) return undefined;
  const { audience } = stage;
  let invocationsPerDay: number;
  let basis: string;
  if (audience.invocationsPerDay !== undefined) {
    invocationsPerDay = audience.invocationsPerDay;
    basis = `${invocationsPerDay} invocations/day (audience.invocationsPerDay)`;
  } else if (audience.percent !== undefined && envelope?.invocationsPerDay !== undefined) {
    invocationsPerDay = (envelope.invocationsPerDay * audience.percent) / 100;
    basis = `${audience.percent}% of ${envelope.invocationsPerDay} invocations/day`;
  } else {
    return undefined;
  }
  return { invocationsPerDay, usdPerDay: invocationsPerDay * usdPerInvocation, basis: `${basis} × ${usdPerInvocation} USD` };
}
