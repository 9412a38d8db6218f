import type { Manifest, Signal } from './types.js';

/** What a signal can declare it measures (`metrics.signals.*.measures`). */
export type Measure = NonNullable<Signal['measures']>;

/**
 * The categories the practice asks to be observed before a rollout leaves its first stage: cost
 * per invocation, tool call volume and latency, guardrail triggers, and errors, refusals and
 * policy blocks kept apart. Each needs a signal that says which label attributes it.
 */
export const REQUIRED_MEASURES = [
  'cost-per-invocation',
  'tool-calls',
  'tool-latency',
  'guardrail-triggers',
  'errors',
  'refusals',
  'policy-blocks',
] as const satisfies readonly Measure[];

/** Recommended, not required: shown by `plan` and `inventory --check`, never a finding or a blocker. */
export const RECOMMENDED_MEASURES = ['cost-per-session'] as const satisfies readonly Measure[];

/** How one category is covered. */
export interface MeasureCoverage {
  measure: Measure;
  required: boolean;
  /** Signals that declare this measure, attributed or not. */
  signals: string[];
  /** The first signal that declares it with an attribution, and that label. */
  attributedBy?: { signal: string; attribution: string };
  /** covered: a signal with an attribution; unattributed: signals, none with an attribution; missing: no signal. */
  status: 'covered' | 'unattributed' | 'missing';
}

/** The signal coverage of a manifest: `plan`, `inventory --check` and validate's AR131. */
export interface SignalCoverage {
  /** True when every required category is covered with an attribution. */
  complete: boolean;
  measures: MeasureCoverage[];
  /** The required categories not covered (missing or unattributed), in the order of REQUIRED_MEASURES. */
  incomplete: Measure[];
}

function coverageOf(manifest: Manifest, measure: Measure, required: boolean): MeasureCoverage {
  const declaring = Object.entries(manifest.metrics?.signals ?? {}).filter(
    (entry): entry is [string, Signal] => entry[1]?.measures === measure,
  );
  const attributed = declaring.find(([, signal]) => signal.attribution !== undefined);
  return {
    measure,
    required,
    signals: declaring.map(([name]) => name),
    ...(attributed ? { attributedBy: { signal: attributed[0], attribution: attributed[1].attribution as string } } : {}),
    status: attributed ? 'covered' : declaring.length > 0 ? 'unattributed' : 'missing',
  };
}

/** Which required and recommended categories the manifest's signals cover. Pure. */
export function signalCoverage(manifest: Manifest): SignalCoverage {
  const measures = [
    ...REQUIRED_MEASURES.map((measure) => coverageOf(manifest, measure, true)),
    ...RECOMMENDED_MEASURES.map((measure) => coverageOf(manifest, measure, false)),
  ];
  const incomplete = measures.filter((m) => m.required && m.status !== 'covered').map((m) => m.measure);
  return { complete: incomplete.length === 0, measures, incomplete };
}

/** One line on a category that is not covered: for validate, plan and inventory --check. */
export function coverageGapText(coverage: MeasureCoverage): string {
  if (coverage.status === 'unattributed')
    return `${coverage.signals.map((s) => `signal ${s}`).join(', ')} measure${coverage.signals.length === 1 ? 's' : ''} ${coverage.measure} but ${coverage.signals.length === 1 ? 'does' : 'do'} not say which label attributes it ("attribution")`;
  return `no signal measures ${coverage.measure}`;
}
