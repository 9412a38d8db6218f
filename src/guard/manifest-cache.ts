import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { readBounded } from '../files/bounded-read.js';
import { MAX_MANIFEST_BYTES } from '../manifest/load.js';
import type { Io } from '../ui/io.js';
import { openManifest } from '../commands/open-manifest.js';
import type { OpenManifest } from '../commands/open-manifest.js';
import { sha256 } from '../manifest/write.js';
import { pendingPathFor } from '../state/transaction.js';

/**
 * Opened manifests, kept by the hash of their bytes: the guard re-reads every served manifest
 * for each flag export and each decision, and a manifest that did not change need not be parsed
 * and validated again. A file with a pending change always goes through openManifest (which
 * finishes or undoes it first).
 */
export class ManifestCache {
  private readonly byPath = new Map<string, OpenManifest>();

  constructor(private readonly io: Io) {}

  /** Keeps a manifest the caller has just opened (guard serve opens every served one as it starts). */
  seed(opened: OpenManifest): void {
    this.byPath.set(opened.path, opened);
  }

  /** `path` as the user gave it, relative to the Io's folder (not this process's). */
  async open(path: string): Promise<OpenManifest> {
    const file = resolve(this.io.cwd, path);
    if (!existsSync(pendingPathFor(file))) {
      const cached = this.byPath.get(path);
      if (cached && sha256(await readBounded(file, { maxBytes: MAX_MANIFEST_BYTES })) === cached.loaded.sha256) return cached;
    }
    const opened = await openManifest(path, this.io);
    this.byPath.set(path, opened);
    return opened;
  }
}
