import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileReadError, readBounded } from '../../src/files/bounded-read.js';
import { tempDir } from '../helpers/cli.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir('agent-rollout-bounded-')));
afterAll(() => cleanup());

async function failure(path: string, maxBytes: number): Promise<FileReadError> {
  const error = await readBounded(path, { maxBytes }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FileReadError);
  return error as FileReadError;
}

describe('readBounded on regular files', () => {
  it('reads a file of exactly the limit whole, and refuses one byte more by its size', async () => {
    const bytes = Buffer.from('x'.repeat(100_000));
    const path = join(dir, 'exact');
    await writeFile(path, bytes);
    expect((await readBounded(path, { maxBytes: 100_000 })).equals(bytes)).toBe(true);
    expect((await failure(path, 99_999)).reason).toBe('it is 100,000 bytes, more than 99,999 bytes');
  });

  it('reads an empty file as empty', async () => {
    const path = join(dir, 'empty');
    await writeFile(path, '');
    expect((await readBounded(path, { maxBytes: 10 })).length).toBe(0);
  });

  it('reads what a file holds when its size says 0 (a /proc file), and still stops at the limit', async () => {
    const path = '/proc/self/status';
    const text = (await readBounded(path, { maxBytes: 1024 * 1024 })).toString('utf8');
    expect(text).toMatch(/^Name:\t/);
    expect(text.length).toBeGreaterThan(100);
    expect(readFileSync(path, 'utf8').split('\n')[0]).toBe(text.split('\n')[0]);
    const cut = await failure(path, 10);
    expect(cut.code).toBe('ETOOBIG');
    expect(cut.reason).toBe('it is larger than 10 bytes');
  });

  it('names a missing file and a folder', async () => {
    expect((await failure(join(dir, 'nothing'), 10)).reason).toBe('no such file');
    expect((await failure(dir, 10)).reason).toBe('it is a folder, not a file');
  });
});
