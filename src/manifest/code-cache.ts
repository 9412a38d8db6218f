import { createHash } from 'node:crypto';
// biome-ignore lint/style/noRestrictedImports: reads agent-rollout's own build output (package.json, dist/), never input
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

/**
 * Loading a generated CommonJS module with a V8 code cache: the build runs the module once, warms
 * it, and saves what V8 compiled (`script.createCachedData()`); a later run hands that back to V8
 * instead of parsing and compiling 250 kB of generated code again. Node 20 has no compile cache of
 * its own (`module.enableCompileCache` came in Node 22.1). A cache is made for one V8 version and
 * architecture. V8 checks a cache against its flags and only the length of the source, so the file
 * starts with the SHA-256 of the source it was made from, and a cache for other text is not used.
 * A cache that is not used costs the read; the module compiles as usual.
 */

// The wrapper Node puts around a CommonJS module. Build and run must use the same text, or V8
// rejects the cache.
const HEAD = '(function (exports, require, module, __filename, __dirname) { ';
const TAIL = '\n});';

/** Where the code cache of `file` for this Node's V8 lives. */
export function codeCachePath(file: string): string {
  return `${file}.${process.arch}-v8-${process.versions.v8}.cache`;
}

const HASH_BYTES = 32;

function sourceHash(source: string): Buffer {
  return createHash('sha256').update(source).digest();
}

/** The cache file's bytes: the source's hash, then what V8 compiled. */
export function codeCacheData(source: string, script: Script): Buffer {
  return Buffer.concat([sourceHash(source), script.createCachedData()]);
}

/** Runs `source` (the text of `file`) as a CommonJS module, with `cachedData` when given. */
export function runCommonJs(file: string, source: string, cachedData?: Buffer): { exports: unknown; script: Script } {
  const script = new Script(HEAD + source + TAIL, { filename: file, ...(cachedData ? { cachedData } : {}) });
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  const module = { exports: {} as unknown };
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return { exports: module.exports, script };
}

/** Whether a load used a code cache: none for this V8, made from other text, rejected by V8, or used. */
export type CodeCacheUse = 'none' | 'stale' | 'rejected' | 'used';

/** `require(file)`, with its code cache when the build made one for this V8 and this text. Throws ENOENT when `file` is missing. */
export function requireWithCodeCache(file: string): { exports: unknown; cache: CodeCacheUse } {
  const source = readFileSync(file, 'utf8');
  let cache: Buffer | undefined;
  try {
    cache = readFileSync(codeCachePath(file));
  } catch {
    // no cache for this Node: compile as usual
  }
  const fresh = cache?.subarray(0, HASH_BYTES).equals(sourceHash(source)) === true;
  const { exports, script } = runCommonJs(file, source, fresh ? cache?.subarray(HASH_BYTES) : undefined);
  return { exports, cache: cache === undefined ? 'none' : !fresh ? 'stale' : script.cachedDataRejected ? 'rejected' : 'used' };
}
