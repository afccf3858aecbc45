import { parentPort, workerData } from 'node:worker_threads';
import { Engine } from '../engine.js';
import { sqliteLogHead } from '../log/index.js';
import { Pipeline } from './pipeline.js';
import {
  type FromPipelineThread,
  type PipelineThreadData,
  type ToPipelineThread,
  threadFailureOf,
} from './pipeline-thread.js';

// The pipeline's own thread (embedded SQLite): its own connection, so batches never stall the
// main thread's HTTP and ingestion; WAL lets both work side by side, writes take turns.
// Typed by pipeline-thread.ts, which is the only code starting this file.
const data = workerData as PipelineThreadData;
const engine = await Engine.open({
  sqliteFile: data.file,
  walCheckpointer: false,
  migrate: false,
  pipelineWriteTurn: data.writeTurn,
  // The stages are the engine's: built with the pipeline's options (batch size, trait bound).
  pipeline: { ...data.options, thread: 'off' },
});
const sqlite = engine.store.sqlite;
if (!sqlite) throw new Error('the pipeline thread needs a SQLite store');
const head = sqliteLogHead(sqlite);
// Commits of other processes (a CLI import) show as a new log head, a primary-key read every
// wake check; the main thread's own commits also post a wake-up.
const commits = {
  get transactionsCommitted(): number {
    return head();
  },
};
const post = (message: FromPipelineThread) => parentPort?.postMessage(message);
const pipeline = new Pipeline(engine.store, commits, engine.stages, { ...data.options, thread: 'off' });
engine.segment.onChanges((changes) => post({ stage: engine.segment.name, changes }));
// Outbox rows written here wake the main thread's dispatcher.
engine.delivery.onWritten((written) => post({ stage: engine.delivery.name, changes: written }));
pipeline.onTraitsDropped((traitsDropped) => post({ traitsDropped }));
pipeline.start((error) =>
  post({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
);
parentPort?.on('message', async (message: ToPipelineThread) => {
  if (message === 'wake') {
    pipeline.wake();
    return;
  }
  if (typeof message === 'object' && 'unmerge' in message) {
    const { requestId, ...input } = message.unmerge;
    try {
      post({ unmerged: { requestId, split: await pipeline.unmerge(input) } });
    } catch (error) {
      post({ unmerged: { requestId, error: threadFailureOf(error) } });
    }
    return;
  }
  if (typeof message === 'object' && 'analytics' in message) {
    const { requestId, ...request } = message.analytics;
    try {
      post({ analyzed: { requestId, answer: await engine.analyticsCopy.run(request) } });
    } catch (error) {
      post({ analyzed: { requestId, error: threadFailureOf(error) } });
    }
    return;
  }
  if (typeof message === 'object' && 'removeEvents' in message) {
    const { requestId, workspaceId, seqs } = message.removeEvents;
    try {
      post({ removed: { requestId, result: await pipeline.removeEvents(workspaceId, seqs) } });
    } catch (error) {
      post({ removed: { requestId, error: threadFailureOf(error) } });
    }
    return;
  }
  if (typeof message === 'object') {
    const { requestId, workspaceId, audienceId } = message.evaluate;
    try {
      await engine.audiences.evaluateStored(workspaceId, audienceId);
      post({ evaluated: { requestId } });
    } catch (error) {
      post({ evaluated: { requestId, error: error instanceof Error ? error.message : String(error) } });
    }
    return;
  }
  await pipeline.stop();
  await engine.close();
  parentPort?.close();
});
