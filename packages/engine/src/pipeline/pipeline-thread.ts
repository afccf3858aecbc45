import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { PipelineOptions } from './pipeline.js';

/** What the pipeline thread is started with. */
export interface PipelineThreadData {
  readonly file: string;
  readonly options: Omit<PipelineOptions, 'clock'>;
}

export interface PipelineThread {
  stop(): Promise<void>;
}

const WORKER = new URL('./pipeline-worker.js', import.meta.url);

/** Whether a thread can run: only from compiled files (sources run under vitest stay in-process). */
export function pipelineThreadAvailable(): boolean {
  return existsSync(fileURLToPath(WORKER));
}

/** Runs the pipeline over a SQLite file in a worker thread; errors are reported to `onError`. */
export function startPipelineThread(
  data: PipelineThreadData,
  onError: (error: unknown) => void,
): PipelineThread {
  const worker = new Worker(WORKER, { workerData: data });
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    worker.once('exit', () => {
      exited = true;
      resolve();
    });
  });
  worker.on('message', (message: { error?: string }) => onError(new Error(message.error)));
  worker.on('error', onError);
  return {
    stop: async () => {
      // Finishes its current batch, closes its connection, then exits.
      if (!exited) worker.postMessage('stop');
      await exit;
    },
  };
}
