// Bundles dist/cli.js and everything of ours it imports into dist/bundle/, which bin/ runs.
// Why: start-up was dominated by Node resolving and linking ~80 small ES modules one by one;
// one module per command (code splitting keeps each command's code loaded only when it runs)
// starts in about half the time. Dependencies in node_modules stay external and load as usual.
import { renameSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const dist = new URL('../dist/', import.meta.url).pathname;
const outdir = `${dist}bundle`;
// Built beside the old bundle and swapped in, so a command running during a rebuild never
// finds half a bundle.
const fresh = `${dist}.bundle-${process.pid}`;
await build({
  entryPoints: [`${dist}cli.js`],
  outdir: fresh,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
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
