// npm run check: the type check (tsc) and Biome's linter and formatter check, side by side. tsc
// is one single-threaded process and Biome runs on the other core, so the two together take about
// as long as tsc alone. With --build (npm test), the build runs beside them too, on the core
// Biome leaves free: nothing the checks read is written by the build (dist/ is git-ignored,
// and no TypeScript file imports it). Each one's output is printed whole when it ends, under its
// name, and the script fails when any failed. The lint rules (biome.jsonc) include the layering
// of docs/architecture.md; test/unit/lint-rules.test.ts shows each of them firing.
import { spawn } from 'node:child_process';

const CHECKS = [
  ...(process.argv.includes('--build') ? [['build', process.execPath, ['scripts/build.js']]] : []),
  ['typecheck', 'node_modules/.bin/tsc', ['-p', 'tsconfig.json', '--noEmit']],
  ['lint and format', 'node_modules/.bin/biome', ['check', '--log-level=none']],
];

function run([name, command, args]) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    child.on('error', (error) => resolve({ name, ok: false, output: `${error.message}\n` }));
    child.on('close', (code) => resolve({ name, ok: code === 0, output }));
  });
}

const results = await Promise.all(CHECKS.map(run));
for (const { name, ok, output } of results) {
  process.stdout.write(`${ok ? '✔' : '✖'} ${name}\n${output}${output === '' || output.endsWith('\n') ? '' : '\n'}`);
}
if (results.some((result) => !result.ok)) process.exitCode = 1;
