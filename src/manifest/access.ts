import type { Access, Credential, DataClass, Manifest, Stage, Tool } from './types.js';

const RANK: Record<Access, number> = { read: 0, write: 1, admin: 2 };
const WRITE_WORDS = new Set(['write', 'writer', 'create', 'update', 'edit', 'post', 'send', 'publish']);
const ADMIN_WORDS = new Set(['admin', 'delete', 'manage', 'owner', 'root', '*', 'all', 'full']);

/** The access a scope string implies, read from its last segment: tickets:read, ledger:write, repo/admin, chat.*. */
export function scopeAccess(scope: string): Access {
  const last = scope.toLowerCase().split(/[:./]/).at(-1) ?? '';
  if (ADMIN_WORDS.has(last)) return 'admin';
  if (WRITE_WORDS.has(last)) return 'write';
  return 'read';
}

/** The higher of two access levels. */
export function maxAccess(a: Access, b: Access): Access {
  return RANK[a] >= RANK[b] ? a : b;
}

/** Whether an access level allows changing things. */
export function canWrite(access: Access): boolean {
  return RANK[access] >= RANK.write;
}

/**
 * What a credential lets the agent do: the highest of its declared access, its scopes, and the
 * tools that use it (a declared "read" cannot hide a write scope).
 */
export function credentialAccess(credential: Credential, tools: readonly Tool[]): Access {
  let access: Access = credential.access ?? 'read';
  for (const scope of credential.scopes ?? []) access = maxAccess(access, scopeAccess(scope));
  for (const tool of tools) if (tool.credential === credential.id) access = maxAccess(access, tool.access);
  return access;
}

/** Data classes that need output inspection unless the manifest says otherwise. */
export const SENSITIVE_DATA_CLASSES: ReadonlySet<string> = new Set(['pii', 'financial', 'credentials', 'health']);

/** Whether a data class is sensitive: its own `sensitive` flag, else the built-in list. */
export function isSensitive(dataClass: DataClass): boolean {
  return dataClass.sensitive ?? SENSITIVE_DATA_CLASSES.has(dataClass.id);
}

/** Whether the agent can read a data class. */
export function canRead(dataClass: DataClass): boolean {
  return dataClass.access === 'read' || dataClass.access === 'read-write';
}

/** Whether a stage's audience reaches everyone. */
export function reachesEveryone(stage: Stage): boolean {
  return stage.audience.percent === 100;
}

/** The stage `state.stage` names, if any. */
export function currentStage(manifest: Manifest): Stage | undefined {
  return manifest.stages.find((stage) => stage.id === manifest.state.stage);
}
