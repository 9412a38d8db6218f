// Bundles dist/cli.js and everything of ours it imports into dist/bundle/, which bin/ runs.
// Why: start-up was dominated by Node resolving and linking ~80 small ES modules one by one;
// one module per command (code splitting keeps each command's code loaded only when it runs)
// starts in about half the time. Dependencies in node_modules stay external and load as usual,
// except env-paths: a few lines that every command runs (to find the operator config), where
// resolving its package "exports" through Node's ES-module resolver cost about 5 ms a start.
import { renameSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const dist = new URL('../dist/', import.meta.url).pathname;
const outdir = `${dist}bundle`;
// Built beside the old bundle and swapped in, so a command running during a rebuild never
// finds half a bundle.
const fresh = `${dist}.bundle-${process.pid}`;

/** esbuild's `packages: 'external'`, but bundling the packages named. */
function externalPackagesExcept(bundled) {
  return {
    name: 'external-packages',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
        return bundled.includes(name) ? undefined : { path: args.path, external: true };
      });
    },
  };
}
await build({
  entryPoints: [`${dist}cli.js`],
  outdir: fresh,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  plugins: [externalPackagesExcept(['env-paths'])],
  logLevel: 'warning',
});
const old = `${dist}.bundle-old-${process.pid}`;
try {
  renameSync(outdir, old);
} catch {
  // no earlier bundle
}
renameSync(fresh, outdir);
rmSync(old, { recursive: true, force: true });
