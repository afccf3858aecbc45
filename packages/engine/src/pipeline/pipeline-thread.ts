import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ErrorCode } from '@tandem/contract';
import { AppError } from '../errors/index.js';
import type { PipelineOptions } from './pipeline.js';
import type { WorkspaceTraitsDropped } from './unify-stage.js';

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
  /** Has the thread evaluate a stored audience in full; resolves once it is recorded. */
  evaluateAudience(workspaceId: string, audienceId: string): Promise<void>;
  /** Has the thread run a statement on the analytics copy it owns; resolves to its rows. */
  analytics(request: AnalyticsRequest): Promise<AnalyticsAnswer>;
  /** Has the thread split a merge between its batches; resolves to the two profiles. */
  unmerge(input: UnmergeInput): Promise<UnmergedProfiles>;
  /** Has the thread remove events and re-derive their profiles between its batches. */
  removeEvents(input: RemoveEventsInput): Promise<RemovedEvents>;
  stop(): Promise<void>;
}

/** A statement for the analytics copy: a query (its rows) or a write (rows changed). */
export interface AnalyticsRequest {
  readonly sql: string;
  readonly params: readonly (string | number | boolean | null)[];
  readonly write: boolean;
}

/** What the copy answered: rows of plain values, or for a write how many rows it changed. */
export interface AnalyticsAnswer {
  readonly rows: readonly Record<string, string | number | boolean | null>[];
}

/** Events to remove from the log (a deletion by scope). */
export interface RemoveEventsInput {
  readonly workspaceId: string;
  readonly seqs: readonly number[];
}

/** How many events were removed, and how many profiles they were attributed to. */
export interface RemovedEvents {
  readonly events: number;
  readonly profiles: number;
}

export interface UnmergeInput {
  readonly workspaceId: string;
  readonly profileId: string;
  readonly mergeId: string;
}

export interface UnmergedProfiles {
  readonly survivorId: string;
  readonly restoredId: string;
}

/** A failure in the thread, its AppError code kept (not_found, conflict) for the caller. */
export interface ThreadFailure {
  readonly message: string;
  readonly code?: ErrorCode | undefined;
}

/** A full evaluation the main thread asks of the pipeline thread. */
export interface EvaluationRequest {
  readonly requestId: number;
  readonly workspaceId: string;
  readonly audienceId: string;
}

/** Messages between this thread and the pipeline thread. */
export type ToPipelineThread =
  | 'wake'
  | 'stop'
  | { readonly evaluate: EvaluationRequest }
  | { readonly analytics: AnalyticsRequest & { readonly requestId: number } }
  | { readonly unmerge: UnmergeInput & { readonly requestId: number } }
  | { readonly removeEvents: RemoveEventsInput & { readonly requestId: number } };
export type FromPipelineThread =
  | { readonly error: string }
  | { readonly stage: string; readonly changes: readonly unknown[] }
  | { readonly traitsDropped: WorkspaceTraitsDropped }
  | { readonly evaluated: { readonly requestId: number; readonly error?: string } }
  | {
      readonly analyzed: {
        readonly requestId: number;
        readonly answer?: AnalyticsAnswer;
        readonly error?: ThreadFailure;
      };
    }
  | {
      readonly unmerged: {
        readonly requestId: number;
        readonly split?: UnmergedProfiles;
        readonly error?: ThreadFailure;
      };
    }
  | {
      readonly removed: {
        readonly requestId: number;
        readonly result?: RemovedEvents;
        readonly error?: ThreadFailure;
      };
    };

const WORKER = new URL('./pipeline-worker.js', import.meta.url);

/** Whether a thread can run: only from compiled files (sources run under vitest stay in-process). */
export function pipelineThreadAvailable(): boolean {
  return existsSync(fileURLToPath(WORKER));
}

/**
 * Runs the pipeline over a SQLite file in a worker thread; errors are reported to `onError`,
 * a stage's changes (the segment stage's memberships) to `onChanges`, traits left out at the bound to
 * `onTraitsDropped`.
 */
export function startPipelineThread(
  data: PipelineThreadData,
  handlers: {
    onError: (error: unknown) => void;
    onChanges: (stage: string, changes: readonly unknown[]) => void;
    onTraitsDropped: (dropped: WorkspaceTraitsDropped) => void;
  },
): PipelineThread {
  const { onError } = handlers;
  // A young generation of 16 MB (the default grows to 48, all of it resident once grown): a batch's
  // garbage dies young either way, and an idle server holds ~40 MB less.
  const worker = new Worker(WORKER, { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: 16 } });
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    worker.once('exit', () => {
      exited = true;
      resolve();
    });
  });
  const evaluations = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  const unmerges = new Map<
    number,
    { resolve: (split: UnmergedProfiles) => void; reject: (error: Error) => void }
  >();
  const removals = new Map<
    number,
    { resolve: (removed: RemovedEvents) => void; reject: (error: Error) => void }
  >();
  const analyses = new Map<
    number,
    { resolve: (answer: AnalyticsAnswer) => void; reject: (error: Error) => void }
  >();
  let nextRequestId = 1;
  worker.on('message', (message: FromPipelineThread) => {
    if ('error' in message) onError(new Error(message.error));
    else if ('changes' in message) handlers.onChanges(message.stage, message.changes);
    else if ('traitsDropped' in message) handlers.onTraitsDropped(message.traitsDropped);
    else if ('unmerged' in message) {
      const { requestId, split, error } = message.unmerged;
      const pending = unmerges.get(requestId);
      unmerges.delete(requestId);
      if (split) pending?.resolve(split);
      else pending?.reject(failureOf(error));
    } else if ('analyzed' in message) {
      const { requestId, answer, error } = message.analyzed;
      const pending = analyses.get(requestId);
      analyses.delete(requestId);
      if (answer) pending?.resolve(answer);
      else pending?.reject(failureOf(error));
    } else if ('removed' in message) {
      const { requestId, result, error } = message.removed;
      const pending = removals.get(requestId);
      removals.delete(requestId);
      if (result) pending?.resolve(result);
      else pending?.reject(failureOf(error));
    } else {
      const { requestId, error } = message.evaluated;
      const pending = evaluations.get(requestId);
      evaluations.delete(requestId);
      if (error === undefined) pending?.resolve();
      else pending?.reject(new Error(error));
    }
  });
  worker.on('error', onError);
  worker.once('exit', () => {
    for (const pending of [
      ...evaluations.values(),
      ...unmerges.values(),
      ...removals.values(),
      ...analyses.values(),
    ])
      pending.reject(new Error('the pipeline thread stopped'));
    evaluations.clear();
    analyses.clear();
    unmerges.clear();
    removals.clear();
  });
  const post = (message: ToPipelineThread) => {
    if (!exited) worker.postMessage(message);
  };
  return {
    wake: () => post('wake'),
    evaluateAudience: (workspaceId, audienceId) =>
      new Promise<void>((resolve, reject) => {
        if (exited) return reject(new Error('the pipeline thread stopped'));
        const requestId = nextRequestId++;
        evaluations.set(requestId, { resolve, reject });
        post({ evaluate: { requestId, workspaceId, audienceId } });
      }),
    analytics: (request) =>
      new Promise<AnalyticsAnswer>((resolve, reject) => {
        if (exited) return reject(new Error('the pipeline thread stopped'));
        const requestId = nextRequestId++;
        analyses.set(requestId, { resolve, reject });
        post({ analytics: { ...request, requestId } });
      }),
    unmerge: (input) =>
      new Promise<UnmergedProfiles>((resolve, reject) => {
        if (exited) return reject(new Error('the pipeline thread stopped'));
        const requestId = nextRequestId++;
        unmerges.set(requestId, { resolve, reject });
        post({ unmerge: { ...input, requestId } });
      }),
    removeEvents: (input) =>
      new Promise<RemovedEvents>((resolve, reject) => {
        if (exited) return reject(new Error('the pipeline thread stopped'));
        const requestId = nextRequestId++;
        removals.set(requestId, { resolve, reject });
        post({ removeEvents: { ...input, requestId } });
      }),
    stop: async () => {
      // Finishes its current batch, closes its connection, then exits.
      post('stop');
      await exit;
    },
  };
}

/** What the thread posts for an error: an AppError keeps its code. */
export function threadFailureOf(error: unknown): ThreadFailure {
  if (error instanceof AppError) return { message: error.message, code: error.code };
  return { message: error instanceof Error ? error.message : String(error) };
}

function failureOf(failure: ThreadFailure | undefined): Error {
  if (failure?.code) return new AppError(failure.code, failure.message);
  return new Error(failure?.message ?? 'the pipeline thread failed');
}
