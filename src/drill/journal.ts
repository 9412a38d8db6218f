import { randomBytes } from 'node:crypto';
import type { FileWriteError } from '../files/atomic-write.js';
import { LineAppender, makeFolderSync } from '../files/atomic-write.js';
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
  readonly #file: LineAppender;
  readonly #startedAt: number;
  readonly #now: () => number;
  #seq = 0;

  private constructor(file: LineAppender, now: () => number) {
    this.#file = file;
    this.#now = now;
    this.#startedAt = now();
  }

  /**
   * Creates the journal file (and drills/), failing if it exists (FileWriteError when the disk
   * refuses). `now` is a monotonic clock in ms.
   */
  static create(folder: string, files: DrillFiles, now: () => number): DrillJournal {
    makeFolderSync(join(folder, DRILLS_DIR));
    return new DrillJournal(LineAppender.create(join(folder, files.journal)), now);
  }

  /** Milliseconds since the journal was opened (the drill's start). */
  elapsed(): number {
    return Math.round(this.#now() - this.#startedAt);
  }

  /**
   * Writes one event as a line and flushes it; returns the line. Never throws: a line that
   * cannot be written (a full disk) is cut back off and `failure` says why; nothing is written
   * after it. After close, does nothing.
   */
  append(event: DrillEvent): JournalLine {
    const line = { seq: ++this.#seq, at: new Date().toISOString(), t: Math.round(this.elapsed()), ...event } as JournalLine;
    this.#file.append(`${JSON.stringify(line)}\n`);
    return line;
  }

  /** Why the journal stopped being written, when it did. */
  get failure(): FileWriteError | undefined {
    return this.#file.failure;
  }

  close(): void {
    this.#file.close();
  }
}
