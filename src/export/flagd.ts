import { currentStage } from '../manifest/access.js';
import type { GovernanceMode, Manifest } from '../manifest/types.js';
import { escapeJsonOutput } from '../render/safe-text.js';

/**
 * The rollout state as an OpenFeature flagd flag definition: per agent, `<agent>.enabled`
 * (boolean) and `<agent>.governance-mode` (string). Pure: manifests in, a document out.
 * docs/runtime.md explains the targeting to the people who run it.
 */

export const FLAGD_SCHEMA_URL = 'https://flagd.dev/schema/v0/flags.json';

/** JsonLogic as flagd's targeting schema allows it. */
export type JsonLogic = string | number | boolean | null | JsonLogic[] | { [operator: string]: JsonLogic };

/** Flag and flag-set metadata: flagd's schema allows strings, numbers and booleans, never arrays. */
export type FlagMetadata = Record<string, string | number>;

export interface FlagdFlag {
  state: 'ENABLED' | 'DISABLED';
  variants: Record<string, boolean | string>;
  defaultVariant: string;
  targeting?: JsonLogic;
  metadata: FlagMetadata;
}

export interface FlagdDocument {
  $schema: typeof FLAGD_SCHEMA_URL;
  metadata: FlagMetadata;
  flags: Record<string, FlagdFlag>;
}

/** One manifest to export, with the hash of the file it was read from. */
export interface FlagdSource {
  manifest: Manifest;
  sha256: string;
}

export interface FlagdOptions {
  /** The evaluation-context key that carries the organization id (default `orgId`). */
  contextKey: string;
  /** The evaluation-context key that carries the user id matched against `audience.users` (default `userId`). */
  userKey: string;
  /** RFC 3339 time of the export, in every flag's metadata. */
  exportedAt: string;
  /** Who wrote the file, e.g. `agent-rollout 0.1.0`, in the flag set's metadata. */
  generatedBy: string;
}

export const DEFAULT_CONTEXT_KEY = 'orgId';
export const DEFAULT_USER_KEY = 'userId';

const ON = 'on';
const OFF = 'off';
const BOOLEAN_VARIANTS = { [ON]: true, [OFF]: false } as const;

/** Why a context key cannot be used in targeting, or undefined when it can. */
export function contextKeyProblem(key: string): string | undefined {
  if (key.trim() === '' || key !== key.trim()) return 'it must be a non-empty name without surrounding spaces';
  if (key.startsWith('$flagd.') || key === '$flagd') return '$flagd is reserved by flagd';
  if (key.startsWith('.') || key.endsWith('.') || key.includes('..'))
    return 'a dot separates nested keys, so it cannot start, end or repeat';
  return undefined;
}

/**
 * The weights of a `percent` split: integers summing to 100 for a whole percent, and to 1000,
 * 10000... for a fractional one (2.5% is 25 of 1000), so the share is exact.
 */
export function percentWeights(percent: number): { on: number; off: number } {
  let scale = 1;
  while (scale < 1_000_000 && Math.abs(percent * scale - Math.round(percent * scale)) > 1e-9) scale *= 10;
  const total = 100 * scale;
  const on = Math.min(total, Math.max(0, Math.round(percent * scale)));
  return { on, off: total - on };
}

function orgsWhere(manifest: Manifest, test: (enabled: boolean | undefined, mode: GovernanceMode | undefined) => boolean): string[] {
  return Object.entries(manifest.state.orgs ?? {})
    .filter(([, org]) => org !== undefined && test(org.enabled, org.governanceMode))
    .map(([id]) => id)
    .sort();
}

function isIn(key: string, values: readonly string[]): JsonLogic {
  return { in: [{ var: key }, [...values]] };
}

/**
 * The targeting of `<agent>.enabled`, first match wins: no org in the context → off; an org
 * forced off → off; an org forced on → on; the current stage's orgs and users → on; its
 * percent as a fractional split bucketed on the flag key plus the org id; else off.
 * Undefined when the kill switch is off: the flag then has no targeting and serves `off`.
 */
export function enabledTargeting(manifest: Manifest, options: Pick<FlagdOptions, 'contextKey' | 'userKey'>): JsonLogic | undefined {
  if (!manifest.state.enabled) return undefined;
  const org = options.contextKey;
  const audience = currentStage(manifest)?.audience ?? {};
  const branches: JsonLogic[] = [{ '!': { var: org } }, OFF];
  const forcedOff = orgsWhere(manifest, (enabled) => enabled === false);
  const forcedOn = orgsWhere(manifest, (enabled) => enabled === true);
  if (forcedOff.length > 0) branches.push(isIn(org, forcedOff), OFF);
  if (forcedOn.length > 0) branches.push(isIn(org, forcedOn), ON);
  const overridden = new Set([...forcedOff, ...forcedOn]);
  const orgs = [...new Set(audience.orgs ?? [])].filter((id) => !overridden.has(id)).sort();
  const users = [...new Set(audience.users ?? [])].sort();
  if (orgs.length > 0) branches.push(isIn(org, orgs), ON);
  if (users.length > 0) branches.push(isIn(options.userKey, users), ON);
  const percent = audience.percent ?? 0;
  if (percent >= 100) {
    branches.push(ON);
  } else if (percent > 0) {
    const weights = percentWeights(percent);
    branches.push({
      fractional: [{ cat: [{ var: '$flagd.flagKey' }, { var: org }] }, [ON, weights.on], [OFF, weights.off]],
    });
  } else {
    branches.push(OFF);
  }
  return { if: branches };
}

/** The governance mode that applies without an org override: state's, else the current stage's, else enforce. */
export function globalGovernanceMode(manifest: Manifest): GovernanceMode {
  return manifest.state.governanceMode ?? currentStage(manifest)?.governanceMode ?? 'enforce';
}

/** The targeting of `<agent>.governance-mode`: per-org overrides; undefined when there are none. */
export function governanceTargeting(manifest: Manifest, contextKey: string): JsonLogic | undefined {
  const enforce = orgsWhere(manifest, (_, mode) => mode === 'enforce');
  const observe = orgsWhere(manifest, (_, mode) => mode === 'observe');
  if (enforce.length === 0 && observe.length === 0) return undefined;
  const branches: JsonLogic[] = [];
  if (enforce.length > 0) branches.push(isIn(contextKey, enforce), 'enforce');
  if (observe.length > 0) branches.push(isIn(contextKey, observe), 'observe');
  branches.push(globalGovernanceMode(manifest));
  return { if: branches };
}

function flagMetadata(source: FlagdSource, options: FlagdOptions): FlagMetadata {
  return {
    agent: source.manifest.agent.id,
    stage: source.manifest.state.stage,
    manifestSha256: source.sha256,
    exportedAt: options.exportedAt,
  };
}

function withTargeting(
  flag: Omit<FlagdFlag, 'targeting' | 'metadata'>,
  targeting: JsonLogic | undefined,
  metadata: FlagMetadata,
): FlagdFlag {
  return targeting === undefined ? { ...flag, metadata } : { ...flag, targeting, metadata };
}

/** The flags of one agent, by key. */
export function agentFlags(source: FlagdSource, options: FlagdOptions): Record<string, FlagdFlag> {
  const { manifest } = source;
  const id = manifest.agent.id;
  const metadata = flagMetadata(source, options);
  // The kill switch is an ENABLED flag that serves `off`: a DISABLED flagd flag makes the SDK
  // return the caller's code default, which may well be `true`.
  const enabled = withTargeting(
    { state: 'ENABLED', variants: { ...BOOLEAN_VARIANTS }, defaultVariant: OFF },
    enabledTargeting(manifest, options),
    { ...metadata, killSwitch: manifest.state.enabled ? 'on' : 'off', percent: currentStage(manifest)?.audience.percent ?? 0 },
  );
  const mode = withTargeting(
    { state: 'ENABLED', variants: { observe: 'observe', enforce: 'enforce' }, defaultVariant: globalGovernanceMode(manifest) },
    governanceTargeting(manifest, options.contextKey),
    metadata,
  );
  return { [`${id}.enabled`]: enabled, [`${id}.governance-mode`]: mode };
}

/** Two manifests that declare the same agent would write the same flag keys. */
export class DuplicateAgentError extends Error {
  constructor(readonly agentId: string) {
    super(`two manifests declare agent "${agentId}"`);
    this.name = 'DuplicateAgentError';
  }
}

/** The flag definition for every manifest, flags sorted by key so the file diffs cleanly. */
export function buildFlagdDocument(sources: readonly FlagdSource[], options: FlagdOptions): FlagdDocument {
  const seen = new Set<string>();
  const flags: Record<string, FlagdFlag> = {};
  for (const source of sources) {
    const id = source.manifest.agent.id;
    if (seen.has(id)) throw new DuplicateAgentError(id);
    seen.add(id);
    Object.assign(flags, agentFlags(source, options));
  }
  const sorted: Record<string, FlagdFlag> = {};
  for (const key of Object.keys(flags).sort()) sorted[key] = flags[key] as FlagdFlag;
  return { $schema: FLAGD_SCHEMA_URL, metadata: { generatedBy: options.generatedBy }, flags: sorted };
}

/** The flag file's text: two-space JSON and a final newline. */
export function renderFlagdDocument(document: FlagdDocument): string {
  return escapeJsonOutput(`${JSON.stringify(document, null, 2)}\n`);
}
