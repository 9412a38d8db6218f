/** bench/fleet.js: writes `count` agents under `dir`/agents, each with a `trail`-entry trail; returns their manifest paths. */
export function writeFleet(dir: string, count: number, trail?: number): string[];
