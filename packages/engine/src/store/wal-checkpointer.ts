import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

// Runs in its own thread with its own connection: copying the WAL back into the database file
// then never stalls the event loop that answers HTTP requests (SQLite's automatic checkpoint runs
// inside whichever commit crosses the threshold, which showed up as p99 latency spikes).
const CHECKPOINTER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 50');
const timer = setInterval(() => {
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    // A long WAL slows every reader; once fully copied, let the next writer start it over.
    if (result && result.log > workerData.restartPages && result.checkpointed === result.log) {
      db.pragma('wal_checkpoint(RESTART)');
    }
  } catch {
    // Busy: try again next tick.
  }
}, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface WalCheckpointer {
  stop(): Promise<void>;
}

/** Starts checkpointing `file` from a worker thread every `everyMs`. */
export function startWalCheckpointer(file: string, everyMs = 100): WalCheckpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(CHECKPOINTER, {
    eval: true,
    workerData: { driver, file, everyMs, restartPages: 16_384 },
  });
  worker.unref();
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        worker.once('exit', () => resolve());
        worker.ref(); // keep the process alive until the thread has closed its connection
        worker.postMessage('stop');
      }),
  };
}
