// The log writer thread (see log-writer-thread.ts): group commits of the event log on its own
// SQLite connection, taking the process's write turn.
import { parentPort, workerData } from 'node:worker_threads';
import { openSqliteConnection, WriteTurn } from '../store/index.js';
import { decodeAcceptedCalls } from './accepted-calls-wire.js';
import type { CommitAnswer, CommitJob, LogWriterThreadData } from './log-writer-thread.js';
import { sqliteCommit } from './sqlite-log-writer.js';

const port = parentPort;
if (!port) throw new Error('log-writer-worker runs as a worker thread');
const data = workerData as LogWriterThreadData;
// Appends touch the ends of the log's indexes and the user / anonymous id leaves: 32 MB holds
// them (64 MB, the default, only added ~60 MB of resident memory).
const sqlite = openSqliteConnection(data.file, 32);
const turn = new WriteTurn(data.writeTurn, 'log');
const commit = sqliteCommit(sqlite);

// One commit at a time, in the order posted (the group commit hands over up to two at once).
let previous: Promise<void> = Promise.resolve();
port.on('message', (job: CommitJob) => {
  previous = previous.then(() => run(job));
});

async function run(job: CommitJob): Promise<void> {
  let answer: CommitAnswer;
  try {
    const requests = job.requests.map((request) => ({
      ...request,
      events: decodeAcceptedCalls(request.events),
      // Rejections are stored by their JSON; the object form stays with the caller.
      rejections: request.rejections.map((rejection) => ({ ...rejection, payload: undefined })),
    }));
    const outcomes = await turn.hold(() => commit(requests, job.purgeRejectionsBefore));
    answer = { jobId: job.jobId, outcomes };
  } catch (error) {
    answer = { jobId: job.jobId, error: error instanceof Error ? error.message : String(error) };
  }
  port?.postMessage(answer);
}
