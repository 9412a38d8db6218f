import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // The in-process end-to-end tests import the build (dist/cli.js, test/helpers/cli.ts): Node
    // loads it as it is, as the binary does, instead of Vite transforming every module again.
    server: { deps: { external: [/\/dist\//] } },
  },
});
