import { createHash } from 'node:crypto';
import type { Manifest } from '../manifest/types.js';
import { canonicalJson } from '../state/canonical-json.js';

/**
 * What a guardrail test run is evidence about: the cases file, the manifest's `guardrails`
 * section, and the agent (its model, its version and its system prompt). A run is *current* only
 * while all three are what they were when it ran; a change to any of them is a different agent
 * behaviour, probabilistic like the last, that nobody has tested. Pure.
 */
export interface EvidenceIdentity {
  /** SHA-256 of the cases file's bytes; undefined when it could not be read (`problems` says why). */
  casesSha256?: string;
  /** SHA-256 of the canonical JSON of the `guardrails` section. */
  guardrailsSha256: string;
  /** SHA-256 of the canonical JSON of {model, version, prompt}; undefined when the prompt file could not be read. */
  agentSha256?: string;
  /** The parts of the agent, so a later reader can say which one changed. */
  agent: AgentParts;
  /** Why a part could not be read: `cannot read agent.promptFile prompts/system.md: no such file`. */
  problems: string[];
}

/** The agent's parts as an audit entry records them (the prompt by its hash). */
export interface AgentParts {
  model?: string;
  version?: string;
  promptSha256?: string;
}

function sha256Hex(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/** SHA-256 of the canonical JSON of the manifest's `guardrails` section (`null` when there is none), as rollbackSha256 hashes `rollback`. */
export function guardrailsSha256(manifest: Pick<Manifest, 'guardrails'>): string {
  return sha256Hex(canonicalJson(manifest.guardrails ?? null));
}

/**
 * SHA-256 of the canonical JSON of `{model, version, prompt}`: `agent.model`, `agent.version`
 * and the text of the file `agent.promptFile` names (each left out when absent).
 */
export function agentSha256(agent: Pick<Manifest['agent'], 'model' | 'version'>, prompt: string | undefined): string {
  return sha256Hex(canonicalJson({ model: agent.model, version: agent.version, prompt }));
}

/**
 * The identity of the evidence for a manifest, from the bytes of its cases file and its prompt
 * file (undefined when the manifest names none; a string when it names one that cannot be read).
 */
export function evidenceIdentity(
  manifest: Pick<Manifest, 'agent' | 'guardrails'>,
  files: { cases?: Uint8Array | { problem: string }; prompt?: Uint8Array | { problem: string } },
): EvidenceIdentity {
  const problems: string[] = [];
  const identity: EvidenceIdentity = { guardrailsSha256: guardrailsSha256(manifest), agent: {}, problems };
  if (files.cases instanceof Uint8Array) identity.casesSha256 = sha256Hex(files.cases);
  else if (files.cases) problems.push(files.cases.problem);
  const { model, version, promptFile } = manifest.agent;
  if (model !== undefined) identity.agent.model = model;
  if (version !== undefined) identity.agent.version = version;
  if (promptFile === undefined) {
    identity.agentSha256 = agentSha256(manifest.agent, undefined);
  } else if (files.prompt instanceof Uint8Array) {
    identity.agent.promptSha256 = sha256Hex(files.prompt);
    identity.agentSha256 = agentSha256(manifest.agent, Buffer.from(files.prompt).toString('utf8'));
  } else {
    problems.push(files.prompt?.problem ?? `agent.promptFile ${promptFile} was not read`);
  }
  return identity;
}
