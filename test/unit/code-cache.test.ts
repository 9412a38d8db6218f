import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { codeCachePath, requireWithCodeCache } from '../../src/manifest/code-cache.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'agent-rollout-code-cache-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

/** A CommonJS module that requires a sibling, the way the generated validator requires its formats. */
function writeModule(answer: string): string {
  writeFileSync(join(dir, 'sibling.cjs'), 'module.exports = 40;\n');
  const file = join(dir, 'module.cjs');
  writeFileSync(
    file,
    `'use strict';\nconst base = require('./sibling.cjs');\nmodule.exports = { answer: () => base + ${answer}, file: __filename };\n`,
  );
  return file;
}

// V8 keeps what a process compiled, and a script compiled twice in one process does not look at
// its cache at all; so caches are made, and used, in fresh processes, as the build and a run do.
// They run the built module (npm test builds first).
const BUILT = new URL('../../dist/manifest/code-cache.js', import.meta.url).href;

function inChild(code: string): string {
  return execFileSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(BUILT)});\n${code}`], {
    encoding: 'utf8',
  }).trim();
}

function makeCache(file: string): void {
  inChild(`
    import('node:fs').then(({ readFileSync, writeFileSync }) => {
      const source = readFileSync(${JSON.stringify(file)}, 'utf8');
      const { exports, script } = m.runCommonJs(${JSON.stringify(file)}, source);
      exports.answer();
      writeFileSync(m.codeCachePath(${JSON.stringify(file)}), m.codeCacheData(source, script));
    });`);
}

/** Loads `file` in a fresh process: whether the cache was used, and what answer() returns. */
function loadInChild(file: string): string {
  return inChild(`const { exports, cache } = m.requireWithCodeCache(${JSON.stringify(file)}); console.log(cache, exports.answer());`);
}

describe('a generated CommonJS module with a V8 code cache', () => {
  it('runs as require would (module.exports, require of a sibling, __filename) without a cache', () => {
    const file = writeModule('2');
    const loaded = requireWithCodeCache(file);
    expect(loaded.cache).toBe('none');
    const exports = loaded.exports as { answer: () => number; file: string };
    expect([exports.answer(), exports.file]).toEqual([42, file]);
  });

  it('uses the cache the build made for this V8', () => {
    const file = writeModule('2');
    makeCache(file);
    expect(loadInChild(file)).toBe('used 42');
  });

  it('does not use a cache made from other text of the same length, which V8 alone would accept', () => {
    const file = writeModule('2');
    makeCache(file);
    writeModule('3'); // the same length: V8 checks only the length, and would run the old code
    expect(loadInChild(file)).toBe('stale 43');
  });

  it('compiles as usual when V8 rejects the cache', () => {
    const file = writeModule('2');
    const hash = createHash('sha256').update(readFileSync(file, 'utf8')).digest();
    writeFileSync(codeCachePath(file), Buffer.concat([hash, Buffer.from('not a code cache')]));
    expect(loadInChild(file)).toBe('rejected 42');
  });

  it('the build made a cache for its own Node, which a run on that Node uses', () => {
    const validator = new URL('../../dist/manifest/schema-validator.cjs', import.meta.url).pathname;
    const caches = readdirSync(dirname(validator)).filter((name) => name.startsWith('schema-validator.cjs.') && name.endsWith('.cache'));
    expect(caches).toHaveLength(1);
    // test:matrix runs Node 22 and 24 on the build Node 20 made: there, no cache is the answer.
    const expected = existsSync(codeCachePath(validator)) ? 'used' : 'none';
    expect(inChild(`console.log(m.requireWithCodeCache(${JSON.stringify(validator)}).cache)`)).toBe(expected);
  });

  it('a missing module is ENOENT, which the schema loader takes as "compile at run time"', () => {
    expect(() => requireWithCodeCache(join(dir, 'absent.cjs'))).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });
});
