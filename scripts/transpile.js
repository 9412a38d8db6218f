// Transpiles src/**/*.ts into dist/ one file per file (the layout tsc would write), with source
// maps. Why esbuild and not `tsc`: type checking is `npm run typecheck`'s job (over src and the
// tests at once); emitting through tsc checked src a second time, about 10 s of a 2-core
// machine's `npm test`. esbuild only strips types, which is sound here because the tsconfig sets
// `isolatedModules` and `verbatimModuleSyntax`: every file compiles on its own, and type-only
// imports say so.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const src = join(root, 'src');

function tsFiles(folder) {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

await build({
  entryPoints: tsFiles(src),
  outdir: join(root, 'dist'),
  outbase: src,
  bundle: false,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  tsconfig: join(root, 'tsconfig.build.json'),
  logLevel: 'warning',
});
