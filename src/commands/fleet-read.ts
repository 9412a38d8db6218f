import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Io } from '../ui/io.js';
import type { ReadRow } from './fleet-row.js';
import { fleetRow } from './fleet-row.js';
import type { FleetBatch, FleetBatchResult, FleetWorkerData } from './fleet-worker.js';

/** How many manifests one thread reads at once: reading overlaps the work on the ones already read. */
const AT_ONCE = 8;

/** From this many manifests on, a second thread reads some of them (starting it costs about as much as a few manifests). */
export const SECOND_THREAD_FROM = 48;

/** How many manifests the second thread is handed at a time. */
const BATCH = 8;

/**
 * Every manifest's row, in the order of `paths`. With enough manifests and more than one core,
 * a worker thread (src/commands/fleet-worker.ts) reads batches of them while this thread reads
 * the rest, both taking the next unread manifest from one queue; the rows are the same either
 * way (the worker runs the same fleetRow, and hands back anything it should not read itself).
 * AGENT_ROLLOUT_FLEET_THREADS=1 keeps it to one thread.
 */
export async function readFleet(paths: readonly string[], io: Io, now: number, redact: (text: string) => string): Promise<ReadRow[]> {
  const results = new Array<ReadRow>(paths.length);
  let next = 0;
  const take = (): number | undefined => (next < paths.length ? next++ : undefined);
  const readHere = async (index: number): Promise<void> => {
    results[index] = await fleetRow(paths[index] as string, io, now, redact);
  };
  const mainThread = async (): Promise<void> => {
    for (let index = take(); index !== undefined; index = take()) await readHere(index);
  };
  const threads = io.env['AGENT_ROLLOUT_FLEET_THREADS'] === '1' ? 1 : availableParallelism();
  const second = threads > 1 && paths.length >= SECOND_THREAD_FROM ? secondThread(io, now, take, paths, results, readHere) : undefined;
  await Promise.all([...Array.from({ length: Math.min(AT_ONCE, paths.length) }, mainThread), ...(second ? [second] : [])]);
  return results;
}

/** Runs the worker until the queue is empty; whatever it could not read, or all it was handed if it fails, is read here. */
function secondThread(
  io: Io,
  now: number,
  take: () => number | undefined,
  paths: readonly string[],
  results: ReadRow[],
  readHere: (index: number) => Promise<void>,
): Promise<void> {
  const workerData: FleetWorkerData = { cwd: io.cwd, env: { ...io.env }, now };
  const worker = new Worker(new URL('./fleet-worker.js', import.meta.url), { workerData });
  let handed: number[] = [];
  const hand = (): boolean => {
    handed = [];
    for (let index = take(); index !== undefined; index = handed.length < BATCH ? take() : undefined) handed.push(index);
    if (handed.length === 0) return false;
    const batch: FleetBatch = handed.map((index) => ({ index, path: paths[index] as string }));
    worker.postMessage(batch);
    return true;
  };
  return new Promise<void>((resolve, rejectWith) => {
    const reject = (error: unknown): void => {
      void worker.terminate();
      rejectWith(error);
    };
    let settled = false;
    const finish = (work: Promise<unknown>): void => {
      if (settled) return;
      settled = true;
      work.then(() => resolve(), reject);
    };
    worker.on('online', () => {
      if (!hand()) {
        worker.postMessage(null satisfies FleetBatch);
        finish(Promise.resolve());
      }
    });
    worker.on('message', (answers: FleetBatchResult) => {
      const missing: number[] = [];
      for (const { index, read } of answers) {
        if (read) results[index] = read;
        else missing.push(index);
      }
      const more = hand();
      const local = Promise.all(missing.map(readHere));
      if (!more) {
        worker.postMessage(null satisfies FleetBatch);
        finish(local);
      } else {
        local.catch(reject);
      }
    });
    // A worker that cannot start or fails: what it was handed is read here (and the rest by this thread's readers).
    worker.on('error', () => finish(Promise.all(handed.map(readHere))));
    worker.on('exit', () => finish(Promise.all(handed.map(readHere))));
  });
}
