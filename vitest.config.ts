import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer } from 'vitest/node';
import type { TestSpecification } from 'vitest/node';

/** Each file's duration in a full run, committed (npm run test:durations writes it). */
const committed = JSON.parse(readFileSync(new URL('./test/durations.json', import.meta.url), 'utf8')) as Record<string, number>;

/**
 * The order files start in: longest first, so that the run does not end with one slow file started
 * late and running on alone while the other workers have nothing left. With the durations of an
 * earlier run (node_modules/.vite) that is vitest's own order. Without them (a fresh clone, CI)
 * vitest would start larger files first, and a small slow one (npm pack and install; a property
 * test) ran last; so the durations come from test/durations.json instead, and a file not listed
 * there (a new one) goes first, as vitest does with files it does not know.
 */
class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const key = (file: TestSpecification): string => relative(this.ctx.config.root, file.moduleId);
    const timed = (file: TestSpecification): boolean =>
      this.ctx.cache.getFileTestResults(`${file.project.name}:${key(file)}`) !== undefined;
    if (files.every(timed)) return super.sort(files);
    const duration = (file: TestSpecification): number => committed[key(file)] ?? Number.POSITIVE_INFINITY;
    return [...files].sort((a, b) => duration(b) - duration(a) || (key(a) < key(b) ? -1 : 1));
  }
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Worker processes, three at a time. On the 2-core machine vitest would run one worker (cores
    // - 1), and most end-to-end time is waiting on child processes and servers. Processes, not
    // threads: the tests start thousands of processes (the binary, scripts, tmux, git), and each
    // start forks the process that asks for it, at a cost that grows with that process's memory.
    // With threads all three workers share one process of over 1 GB; as processes each is about
    // 400 MB. Full suite, same machine and hour: threads/3 335 s of CPU (134 s of it in the
    // kernel), 187 s wall; forks/3 281 s (101 s), 169 s; forks/4 350 s, 192 s.
    pool: 'forks',
    maxWorkers: 3,
    // A worker keeps the modules it loaded from one test file to the next instead of building a
    // fresh module graph for each (measured over test/unit: 68 s of CPU isolated, 42 s not). No
    // test mocks modules or changes process-wide state (the one that sets an environment
    // variable restores it), and each file's own state lives in its own module.
    isolate: false,
    sequence: { sequencer: LongestFirst },
    // The in-process end-to-end tests import the build (dist/cli.js, test/helpers/cli.ts): Node
    // loads it as it is, as the binary does, instead of Vite transforming every module again.
    server: { deps: { external: [/\/dist\//] } },
  },
});
