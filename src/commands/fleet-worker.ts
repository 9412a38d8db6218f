/**
 * The second thread of `status` over a fleet (src/commands/fleet-read.ts): it computes the rows
 * of the manifests the main thread hands it, in batches, exactly as the main thread does
 * (fleetRow). A manifest with an interrupted change to recover (that takes the lock and answers
 * signals) or one whose reading fails in an unexpected way comes back unanswered, and the main
 * thread reads it itself, so what it shows is what one thread would have shown.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { createRedactor } from '../manifest/redactor.js';
import { pendingPathFor } from '../state/transaction.js';
import type { Io } from '../ui/io.js';
import type { ReadRow } from './fleet-row.js';
import { fleetRow } from './fleet-row.js';

/** What the main thread sends: the manifests to read, by their place in the fleet; null when there are no more. */
export type FleetBatch = { index: number; path: string }[] | null;

/** What comes back for each: its row, or undefined for the main thread to read it. */
export type FleetBatchResult = { index: number; read: ReadRow | undefined }[];

export interface FleetWorkerData {
  cwd: string;
  env: NodeJS.ProcessEnv;
  now: number;
}

const { cwd, env, now } = workerData as FleetWorkerData;

function unavailable(): never {
  throw new Error('the fleet worker has no terminal: this manifest is read on the main thread');
}

/** Reading a manifest needs only the folder; nothing it does here writes, prompts or waits for a signal. */
const io: Io = {
  out: unavailable,
  err: unavailable,
  get stdin(): NodeJS.ReadableStream {
    return unavailable();
  },
  stdoutIsTTY: false,
  stderrIsTTY: false,
  stdinIsTTY: false,
  columns: undefined,
  color: false,
  errColor: false,
  env,
  cwd,
  onSignal: unavailable,
  handlesSignal: () => false,
  exitNow: unavailable,
};

const redactor = createRedactor();

async function readOne(path: string): Promise<ReadRow | undefined> {
  if (existsSync(pendingPathFor(resolve(cwd, path)))) return undefined;
  try {
    return await fleetRow(path, io, now, (text) => redactor.text(text));
  } catch {
    return undefined;
  }
}

const port = parentPort;
port?.on('message', (batch: FleetBatch) => {
  if (batch === null) {
    port.close();
    return;
  }
  void Promise.all(batch.map(async ({ index, path }) => ({ index, read: await readOne(path) }))).then((results: FleetBatchResult) => {
    try {
      port.postMessage(results);
    } catch {
      // A row that cannot be copied across: the main thread reads the batch itself.
      port.postMessage(results.map(({ index }) => ({ index, read: undefined })));
    }
  });
});
