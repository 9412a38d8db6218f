import { relative } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer } from 'vitest/node';
import type { TestSpecification } from 'vitest/node';

/**
 * The order files start in. With the durations of an earlier run (node_modules/.vite), vitest's
 * own order is best: longest first. Without them (a fresh clone, CI) it starts larger files first,
 * and a small file that waits on processes and servers (npm pack and install, a real Prometheus)
 * then starts late and runs on alone after the rest are done: about 10 s of one busy core at the
 * end of a run. So without durations, the files that run processes (test/e2e, test/adversarial)
 * go first, each group still larger first, and the unit tests, which keep a core busy in the
 * worker, fill in behind them.
 */
class ProcessesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const timed = (file: TestSpecification): boolean =>
      this.ctx.cache.getFileTestResults(`${file.project.name}:${relative(this.ctx.config.root, file.moduleId)}`) !== undefined;
    if (sorted.every(timed)) return sorted;
    const unit = (file: TestSpecification): boolean => file.moduleId.includes('/test/unit/');
    return [...sorted.filter((file) => !unit(file)), ...sorted.filter(unit)];
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
    sequence: { sequencer: ProcessesFirst },
    // The in-process end-to-end tests import the build (dist/cli.js, test/helpers/cli.ts): Node
    // loads it as it is, as the binary does, instead of Vite transforming every module again.
    server: { deps: { external: [/\/dist\//] } },
  },
});
