import { parentPort, workerData } from 'node:worker_threads';
import { IdentityService } from '../identity/index.js';
import { openStore, prepared } from '../store/index.js';
import { Pipeline } from './pipeline.js';
import type { PipelineThreadData } from './pipeline-thread.js';

// The pipeline's own thread (embedded SQLite): its own connection, so batches never stall the
// main thread's HTTP and ingestion; WAL lets both work side by side, writes take turns.
// Typed by pipeline-thread.ts, which is the only code starting this file.
const data = workerData as PipelineThreadData;
const store = await openStore({ sqliteFile: data.file, walCheckpointer: false });
const sqlite = store.sqlite;
if (!sqlite) throw new Error('the pipeline thread needs a SQLite store');
const head = prepared(sqlite, 'SELECT max(seq) AS seq FROM events');
// New commits show as a new log head: a primary-key read every wake check, no message needed.
const commits = {
  get transactionsCommitted(): number {
    // A row of this shape, as selected.
    return Number((head.get() as { seq: number | null }).seq ?? 0);
  },
};
const pipeline = new Pipeline(store, new IdentityService(store), commits, { ...data.options, thread: 'off' });
pipeline.start((error) =>
  parentPort?.postMessage({ error: error instanceof Error ? error.stack : String(error) }),
);
parentPort?.once('message', async () => {
  await pipeline.stop();
  await store.close();
  parentPort?.close();
});
