#!/usr/bin/env node
// `agent-rollout --version` needs nothing but package.json: answer it before loading the
// program, so scripts that probe the version pay only for Node's own start-up.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  const { readFileSync } = await import('node:fs');
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
} else {
  // Node 22.1+ can keep the code it compiled for the next run (in os.tmpdir(), unless
  // NODE_COMPILE_CACHE says where; NODE_DISABLE_COMPILE_CACHE=1 turns it off). Node 20 cannot;
  // there the schema validator, the largest module, has a cache of its own from the build.
  const { default: nodeModule } = await import('node:module');
  nodeModule.enableCompileCache?.();
  await import('../dist/bundle/main.js');
}
