import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { DrillEvent, JournalLine } from './types.js';
import { isoSeconds } from '../time/timestamp.js';

/** The folder beside the manifest that holds drill journals and reports. */
export const DRILLS_DIR = 'drills';

/** The names of one drill's files, relative to the manifest's folder. */
export interface DrillFiles {
  id: string;
  journal: string;
  report: string;
  markdown: string;
}

/** `20261123T184501Z-3fa9c2`: sortable by time, unique by its random suffix. */
export function newDrillId(now: Date, random: string = randomBytes(3).toString('hex')): string {
  const stamp = isoSeconds(now).replace(/[-:]/g, '');
  return `${stamp}-${random}`;
}

export function drillFiles(id: string): DrillFiles {
  return {
    id,
    journal: `${DRILLS_DIR}/${id}.journal.jsonl`,
    report: `${DRILLS_DIR}/${id}.report.json`,
    markdown: `${DRILLS_DIR}/${id}.report.md`,
  };
}

/**
 * A drill's journal: one JSON object a line, written the moment the event happens. The file is
 * opened once; each line is written with one synchronous write and flushed to disk (fsync)
 * before `append` returns. A signal handler runs between lines, never inside one, so a drill that
 * is interrupted, killed or crashes leaves a journal whose every line is a complete JSON object.
 */
export class DrillJournal {
  readonly #fd: number;
  readonly #startedAt: number;
  readonly #now: () => number;
  #seq = 0;
  #closed = false;

  private constructor(fd: number, now: () => number) {
    this.#fd = fd;
    this.#now = now;
    this.#startedAt = now();
  }

  /** Creates the journal file (and drills/), failing if it exists. `now` is a monotonic clock in ms. */
  static create(folder: string, files: DrillFiles, now: () => number): DrillJournal {
    mkdirSync(join(folder, DRILLS_DIR), { recursive: true });
    const fd = openSync(join(folder, files.journal), 'wx', 0o644);
    return new DrillJournal(fd, now);
  }

  /** Milliseconds since the journal was opened (the drill's start). */
  elapsed(): number {
    return Math.round(this.#now() - this.#startedAt);
  }

  /** Writes one event as a line and flushes it; returns the line. After close, does nothing. */
  append(event: DrillEvent): JournalLine {
    const line = { seq: ++this.#seq, at: new Date().toISOString(), t: Math.round(this.elapsed()), ...event } as JournalLine;
    if (this.#closed) return line;
    const bytes = Buffer.from(`${JSON.stringify(line)}\n`, 'utf8');
    let written = 0;
    while (written < bytes.length) written += writeSync(this.#fd, bytes, written, bytes.length - written);
    try {
      fsyncSync(this.#fd);
    } catch {
      // Some file systems cannot fsync; the line is written all the same.
    }
    return line;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeSync(this.#fd);
  }
}
