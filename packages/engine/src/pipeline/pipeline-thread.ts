import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { PipelineOptions } from './pipeline.js';

/** What the pipeline thread is started with. */
export interface PipelineThreadData {
  readonly file: string;
  /** The main thread store's write turn (store/write-turn.ts). */
  readonly writeTurn: SharedArrayBuffer;
  readonly options: Omit<PipelineOptions, 'clock'>;
}

export interface PipelineThread {
  /** New events are in the log (posted, so the thread skips the rest of its idle wait). */
  wake(): void;
  stop(): Promise<void>;
}

/** Messages between this thread and the pipeline thread. */
export type ToPipelineThread = 'wake' | 'stop';
export type FromPipelineThread = { readonly error: string } | { readonly changes: readonly unknown[] };

const WORKER = new URL('./pipeline-worker.js', import.meta.url);

/** Whether a thread can run: only from compiled files (sources run under vitest stay in-process). */
export function pipelineThreadAvailable(): boolean {
  return existsSync(fileURLToPath(WORKER));
}

/**
 * Runs the pipeline over a SQLite file in a worker thread; errors are reported to `onError`,
 * the segment stage's membership changes to `onChanges`.
 */
export function startPipelineThread(
  data: PipelineThreadData,
  handlers: { onError: (error: unknown) => void; onChanges: (changes: readonly unknown[]) => void },
): PipelineThread {
  const { onError } = handlers;
  const worker = new Worker(WORKER, { workerData: data });
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    worker.once('exit', () => {
      exited = true;
      resolve();
    });
  });
  worker.on('message', (message: FromPipelineThread) => {
    if ('error' in message) onError(new Error(message.error));
    else handlers.onChanges(message.changes);
  });
  worker.on('error', onError);
  const post = (message: ToPipelineThread) => {
    if (!exited) worker.postMessage(message);
  };
  return {
    wake: () => post('wake'),
    stop: async () => {
      // Finishes its current batch, closes its connection, then exits.
      post('stop');
      await exit;
    },
  };
}
