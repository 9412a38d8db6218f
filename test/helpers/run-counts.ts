/**
 * How many cases the property tests and the kill and race loops run: one home for each count,
 * read from the environment so `npm test` stays quick and `npm run fuzz` / `npm run test:stress`
 * run the same tests many more times.
 *
 * - FUZZ_RUNS (default 1,000): cases per property. `npm run fuzz` sets 100,000.
 * - KILL_ITERATIONS (default 10): commands killed at a random moment in the stress loop of
 *   test/e2e/write-interrupted.test.ts. `npm run test:stress` sets 400.
 * - RACE_ROUNDS (default 2): rounds of three writers started together in
 *   test/e2e/state-concurrency.test.ts. `npm run test:stress` sets 40.
 */

function count(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number of at least 1, not ${JSON.stringify(raw)}`);
  return value;
}

export const FUZZ_RUNS = count('FUZZ_RUNS', 1_000);
export const KILL_ITERATIONS = count('KILL_ITERATIONS', 10);
export const RACE_ROUNDS = count('RACE_ROUNDS', 2);

/**
 * Cases for a property that costs more per case than most: `share` of FUZZ_RUNS (at least 1),
 * so it scales with FUZZ_RUNS like the others.
 */
export function fuzzRuns(share = 1): number {
  return Math.max(1, Math.round(FUZZ_RUNS * share));
}

/** A test timeout that grows with the number of cases: `msPerCase` each, never under `floor`. */
export function fuzzTimeout(msPerCase: number, floor = 60_000): number {
  return Math.max(floor, FUZZ_RUNS * msPerCase);
}
