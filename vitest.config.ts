import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Worker threads, three at a time: on the 2-core machine vitest would run one worker (cores
    // - 1), and most end-to-end time is waiting on child processes and servers. Measured on eight
    // in-process e2e files under load: forks/1 worker 20.1 s CPU, 97 s wall; forks/2 20.1 s, 83 s;
    // threads/2 18.8 s, 77 s; forks/3 22.1 s, 68 s; threads/3 16.7 s, 61 s. Threads are safe here:
    // the program takes its folder, environment and signals from its Io, and no test changes
    // process-wide state (process.chdir, process.env, process.on).
    pool: 'threads',
    maxWorkers: 3,
    // A worker keeps the modules it loaded from one test file to the next instead of building a
    // fresh module graph for each (measured over test/unit: 68 s of CPU isolated, 42 s not). No
    // test mocks modules or changes process-wide state (the one that sets an environment
    // variable restores it), and each file's own state lives in its own module.
    isolate: false,
    // The in-process end-to-end tests import the build (dist/cli.js, test/helpers/cli.ts): Node
    // loads it as it is, as the binary does, instead of Vite transforming every module again.
    server: { deps: { external: [/\/dist\//] } },
  },
});
