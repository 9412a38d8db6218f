// biome-ignore lint/style/noRestrictedImports: reads agent-rollout's own build output (package.json, dist/), never input
import { readFileSync } from 'node:fs';

/**
 * This agent-rollout's version, from its package.json: one folder up from src/ and dist/, two
 * from the bundle in dist/bundle/.
 */
function readVersion(): string {
  for (const relative of ['../package.json', '../../package.json']) {
    try {
      const json = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (json.name === 'agent-rollout' && json.version) return json.version;
    } catch {
      // not here: try the next folder up
    }
  }
  return '0.0.0-unknown';
}

export const TOOL_VERSION: string = readVersion();

export const TOOL_NAME = 'agent-rollout';
export const TOOL_URL = 'https://github.com/agent-rollout/agent-rollout';
