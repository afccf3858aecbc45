import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RejectionCode } from '@tandem/contract';
import { type AcceptedCallsWire, transferablesOf, wireOf } from './accepted-calls-wire.js';
import type { AppendOutcome, AppendRequest, LogWriter } from './log-writer.js';

/** What the log writer thread is started with. */
export interface LogWriterThreadData {
  readonly file: string;
  /** The process's write turn (store/write-turn.ts). */
  readonly writeTurn: SharedArrayBuffer;
}

/** One group commit, as posted to the thread: events on the wire, rejections without their objects. */
export interface CommitJob {
  readonly jobId: number;
  readonly purgeRejectionsBefore: string | undefined;
  readonly requests: readonly {
    readonly workspaceId: string;
    readonly sourceId: string;
    readonly events: AcceptedCallsWire;
    readonly rejections: readonly {
      readonly code: RejectionCode;
      readonly message: string;
      readonly payloadJson: string;
      readonly receivedAt: string;
    }[];
  }[];
}

/** Per request its outcome, or why it alone failed; or why the whole job did. */
export type CommitAnswer =
  | { readonly jobId: number; readonly outcomes: (AppendOutcome | { readonly error: string })[] }
  | { readonly jobId: number; readonly error: string };

const WORKER = new URL('./log-writer-worker.js', import.meta.url);

/** Whether the thread can run: only from compiled files (sources run under vitest commit in-process). */
export function logWriterThreadAvailable(): boolean {
  return existsSync(fileURLToPath(WORKER));
}

/**
 * The log's writer on SQLite, run by a thread of its own: group commits no longer block the
 * event loop, which meanwhile reads, answers and hands out the next requests. The thread has
 * its own connection and takes the write turn like the main thread (ahead of the pipeline).
 */
export function logWriterThread(data: LogWriterThreadData): LogWriter {
  let worker: Worker | undefined;
  let nextJobId = 1;
  const pending = new Map<
    number,
    { resolve(outcomes: (AppendOutcome | Error)[]): void; reject(error: Error): void }
  >();

  const start = (): Worker => {
    // A small young generation, as on the ingest threads: a commit's strings are garbage once
    // it is done.
    const started = new Worker(WORKER, { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: 8 } });
    started.on('message', (answer: CommitAnswer) => {
      const job = pending.get(answer.jobId);
      pending.delete(answer.jobId);
      if ('error' in answer) job?.reject(new Error(answer.error));
      else job?.resolve(answer.outcomes.map((o) => ('error' in o ? new Error(o.error) : o)));
      if (pending.size === 0) started.unref();
    });
    const gone = (error: Error) => {
      // A thread that died is started again for the next commit.
      if (worker === started) worker = undefined;
      for (const job of pending.values()) job.reject(error);
      pending.clear();
    };
    // An answer the event loop cannot deserialize is dropped with only this event; the thread
    // answers its jobs in the order posted, so it was the oldest pending job's.
    started.on('messageerror', () => {
      const [oldest] = pending.entries();
      if (!oldest) return;
      pending.delete(oldest[0]);
      oldest[1].reject(new Error('the log writer thread could not hand back the outcome of a commit'));
    });
    started.on('error', gone);
    started.on('exit', (code) => gone(new Error(`the log writer thread exited (${code})`)));
    return started;
  };

  return {
    // The next group waits in the thread's queue while one commits: no gap between commits.
    commitsInFlight: 2,
    start() {
      worker ??= start();
      if (pending.size === 0) worker.unref();
    },
    commit(requests, purgeRejectionsBefore) {
      worker ??= start();
      const job: CommitJob = {
        jobId: nextJobId++,
        purgeRejectionsBefore,
        requests: requests.map(toThread),
      };
      const thread = worker;
      return new Promise<(AppendOutcome | Error)[]>((resolve, reject) => {
        pending.set(job.jobId, { resolve, reject });
        thread.ref();
        // The calls' bytes move to the thread rather than wait here for the next young
        // collection. Callers that still read calls after their commit keep them readable first
        // (keepReadable).
        thread.postMessage(job, transferablesOf(job.requests.map((request) => request.events)));
      });
    },
    async stop() {
      const stopping = worker;
      worker = undefined;
      await stopping?.terminate();
    },
  };
}

function toThread({
  workspaceId,
  sourceId,
  events,
  rejections,
}: AppendRequest): CommitJob['requests'][number] {
  return {
    workspaceId,
    sourceId,
    events: wireOf(events),
    rejections: rejections.map(({ code, message, payloadJson, receivedAt }) => ({
      code,
      message,
      payloadJson,
      receivedAt,
    })),
  };
}
