// The log writer thread (see log-writer-thread.ts): group commits of the event log on its own
// SQLite connection, taking the process's write turn.
import { parentPort, workerData } from 'node:worker_threads';
import { openSqliteConnection, WriteTurn } from '../store/index.js';
import { decodeAcceptedCalls } from './accepted-calls-wire.js';
import type { AppendOutcome, AppendRequest } from './log-writer.js';
import type { CommitAnswer, CommitJob, LogWriterThreadData } from './log-writer-thread.js';
import { sqliteCommit } from './sqlite-log-writer.js';

const port = parentPort;
if (!port) throw new Error('log-writer-worker runs as a worker thread');
const data = workerData as LogWriterThreadData;
// Appends touch the ends of the log's indexes and the user / anonymous id leaves: the default
// page cache holds the hot ones.
const sqlite = openSqliteConnection(data.file);
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
    answer = { jobId: job.jobId, outcomes: await commitIsolating(requests, job.purgeRejectionsBefore) };
  } catch (error) {
    answer = { jobId: job.jobId, error: messageOf(error) };
  }
  port?.postMessage(answer);
}

/**
 * One transaction for the group; should it fail, each request in its own, so that one bad
 * request fails alone. Here, not on the event loop: the calls' bytes came to this thread, and
 * could not be handed over again.
 */
async function commitIsolating(
  requests: AppendRequest[],
  purgeRejectionsBefore: string | undefined,
): Promise<(AppendOutcome | { error: string })[]> {
  try {
    return await turn.hold(() => commit(requests, purgeRejectionsBefore));
  } catch (error) {
    if (requests.length === 1) return [{ error: messageOf(error) }];
  }
  const outcomes: (AppendOutcome | { error: string })[] = [];
  for (const request of requests) {
    try {
      const [outcome] = await turn.hold(() => commit([request], purgeRejectionsBefore));
      outcomes.push(outcome as AppendOutcome);
    } catch (error) {
      outcomes.push({ error: messageOf(error) });
    }
  }
  return outcomes;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
