import { readFileSync } from 'node:fs';

/** This agent-rollout's version, from package.json. */
export const TOOL_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export const TOOL_NAME = 'agent-rollout';
export const TOOL_URL = 'https://github.com/agent-rollout/agent-rollout';
