// npm run test:durations: writes test/durations.json, each test file's duration in the last full
// run (from vitest's cache in node_modules/.vite), rounded to 100 ms. vitest.config.ts starts the
// longest files first; without a cache of its own (a fresh clone, CI) it reads this file, so the
// run does not end with one slow file started late. Run it after a full `npm test` when files
// were added or their weight changed a lot; a stale entry only makes the order a little worse.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const cacheRoot = join(root, 'node_modules', '.vite', 'vitest');
const caches = existsSync(cacheRoot) ? readdirSync(cacheRoot).map((dir) => join(cacheRoot, dir, 'results.json')) : [];
const cache = caches.find((path) => existsSync(path));
if (!cache) {
  process.stderr.write('no vitest results in node_modules/.vite/vitest: run npm test first\n');
  process.exitCode = 1;
} else {
  const { results } = JSON.parse(readFileSync(cache, 'utf8'));
  const durations = Object.fromEntries(
    results
      .map(([key, { duration }]) => [key.replace(/^[^:]*:/, ''), Math.round(duration / 100) * 100])
      .filter(([file]) => existsSync(join(root, file)))
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  writeFileSync(join(root, 'test', 'durations.json'), `${JSON.stringify(durations, null, 2)}\n`);
  process.stdout.write(`test/durations.json: ${Object.keys(durations).length} files\n`);
}
