// Bundles dist/main.js (the entry: src/cli.ts's program run with the process's Io) and everything
// of ours it imports into dist/bundle/, which bin/ runs.
// Why: start-up was dominated by Node resolving and linking ~80 small ES modules one by one;
// one module per command (code splitting keeps each command's code loaded only when it runs)
// starts in about half the time. Dependencies in node_modules stay external and load as usual,
// except env-paths: a few lines that every command runs (to find the operator config), where
// resolving its package "exports" through Node's ES-module resolver cost about 5 ms a start.
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const dist = new URL('../dist/', import.meta.url).pathname;
const outdir = `${dist}bundle`;
// Built beside the old bundle and swapped in, so a command running during a rebuild never
// finds half a bundle.
const fresh = `${dist}.bundle-${process.pid}`;

/**
 * Node's built-in modules through `require` instead of `import`, in every chunk: an ES import of
 * a built-in makes Node build an ES-module facade of it, reading every export (lazy getters
 * included: `import { readFileSync } from 'node:fs'` loads fs's streams). Measured in-process,
 * importing the status command's chunks took about 7 ms less. Built-ins depend on nothing of
 * ours, so the requires go first in each file, where ES imports are hoisted to anyway.
 */
function builtinsThroughRequire(folder) {
  const statement = /^import (\{[^}]*\}|\* as [\w$]+|[\w$]+) from "(node:(?!module")[^"]+)";\n/gm;
  for (const name of readdirSync(folder).filter((file) => file.endsWith('.js'))) {
    const path = `${folder}/${name}`;
    const code = readFileSync(path, 'utf8');
    const requires = [];
    const rest = code.replace(statement, (_, what, from) => {
      const binding = what.startsWith('{') ? what.replace(/ as /g, ': ') : what.replace(/^\* as /, '');
      requires.push(`const ${binding} = __requireBuiltin(${JSON.stringify(from)});`);
      return '';
    });
    if (/ from "node:(?!module")/.test(rest) || (requires.length > 0 && /__requireBuiltin|__createRequire/.test(code))) {
      throw new Error(`bundle: ${name} imports a built-in in a form builtinsThroughRequire does not rewrite`);
    }
    if (requires.length === 0) continue;
    const head = [
      'import { createRequire as __createRequire } from "node:module";',
      'const __requireBuiltin = __createRequire(import.meta.url);',
      ...requires,
    ];
    writeFileSync(path, `${head.join('\n')}\n${rest}`);
  }
}

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
  // The fleet's second thread (src/commands/fleet-worker.ts) is loaded by its file name, beside the chunks.
  entryPoints: [`${dist}main.js`, { in: `${dist}commands/fleet-worker.js`, out: 'fleet-worker' }],
  outdir: fresh,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  plugins: [externalPackagesExcept(['env-paths'])],
  logLevel: 'warning',
});
builtinsThroughRequire(fresh);
const old = `${dist}.bundle-old-${process.pid}`;
try {
  renameSync(outdir, old);
} catch {
  // no earlier bundle
}
renameSync(fresh, outdir);
rmSync(old, { recursive: true, force: true });
