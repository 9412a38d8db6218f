// npm run check: the type check (tsc), the linter (eslint) and the formatter check (biome),
// side by side. Each is one
// single-threaded process, so on a 2-core machine two run in the time of one; one after the
// other they took about 21 s of `npm test`'s wall time, side by side about 12 s. Each one's
// output is printed whole when it ends, under its name, and the script fails when any failed.
import { spawn } from 'node:child_process';

const CHECKS = [
  ['typecheck', 'tsc', ['-p', 'tsconfig.json', '--noEmit']],
  ['lint', 'eslint', ['.']],
  ['format', 'biome', ['format', '--log-level=none']],
];

function run([name, command, args]) {
  return new Promise((resolve) => {
    const child = spawn(`node_modules/.bin/${command}`, args, { stdio: ['ignore', 'pipe', 'pipe'] });
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
