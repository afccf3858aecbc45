import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CallRejection } from '@tandem/contract';
import { AppError } from '../errors/index.js';
import {
  type AcceptedCall,
  type AcceptedCallsWire,
  decodeAcceptedCalls,
  type RejectedCall,
} from '../log/index.js';
import { type CallLimits, DEFAULT_CALL_LIMITS } from './call-limits.js';
import type { PreparationScreens, ScreenFinding, ScreensModule } from './preparation-screen.js';
import { type PreparedRequest, prepareRequest, type RawTrackingRequest } from './tracking-request.js';

export interface PreparationPoolOptions {
  /** Threads parsing and normalizing request bodies; 0 prepares every body on the calling thread. */
  readonly threads: number;
  /** Bodies smaller than this (bytes) are prepared on the calling thread: a hop costs more. Default 4 KB. */
  readonly minThreadedBytes?: number | undefined;
  /** Bytes of bodies being prepared past which requests are refused as `overloaded`. Default 64 MB. */
  readonly maxPendingBytes?: number | undefined;
  /** Bounds on each call's shape, the same on every thread. Default: DEFAULT_CALL_LIMITS. */
  readonly callLimits?: CallLimits | undefined;
  /**
   * A thread holding jobs that answers none for this long (ms) is ended and its jobs answered
   * with an error (it is replaced on the next job). Default 10 s; a body takes milliseconds.
   */
  readonly stallTimeoutMs?: number | undefined;
  /**
   * Old-generation heap (MB) of each thread; a body that needs more ends its thread. Default:
   * Node's. Keep it far above a body's size: a single allocation past it aborts the process.
   */
  readonly maxThreadHeapMb?: number | undefined;
}

/** What a preparation thread is started with. */
export interface PreparationThreadData {
  readonly callLimits: CallLimits;
  readonly screens?: ScreensModule | undefined;
}

/** What the main thread posts to a preparation thread. */
export interface PreparationJob extends RawTrackingRequest {
  readonly jobId: number;
}

/** A source's screen rules changed: posted to every thread, ahead of the jobs that follow. */
export interface ScreenRulesMessage {
  readonly sourceId: string;
  readonly rules: unknown;
}

/** What a thread found in a request's calls: the findings of the events at these positions. */
export interface ScreenedAnswer {
  readonly key: string;
  readonly positions: number[];
  readonly findings: ScreenFinding[];
}

/** What a preparation thread answers: the prepared request, or why the body is unusable. */
export type PreparationAnswer =
  | {
      readonly jobId: number;
      readonly calls: number;
      readonly writeKey: string | undefined;
      readonly events: AcceptedCallsWire;
      readonly rejections: RejectedCall[];
      readonly rejected: CallRejection[];
      readonly screened?: ScreenedAnswer | undefined;
    }
  | {
      readonly jobId: number;
      readonly error: {
        readonly code: AppError['code'];
        readonly message: string;
        readonly details?: AppError['details'];
      };
    };

const WORKER = new URL('./preparation-worker.js', import.meta.url);

interface Pending {
  resolve(prepared: PreparedRequest): void;
  reject(error: unknown): void;
}

/** Why the requests a thread held could not be prepared: an answer, never a lost promise. */
function threadFailed(why: string): AppError {
  return new AppError('internal', `The ingest thread preparing this request ${why}; retry the request`);
}

/** One preparation thread and the jobs it has not answered yet. */
class PreparationThread {
  readonly pending = new Map<number, Pending>();
  private readonly worker: Worker;
  private dead = false;
  private stall: NodeJS.Timeout | undefined;
  private readonly stallTimeoutMs: number;

  constructor(
    data: PreparationThreadData,
    limits: { readonly stallTimeoutMs: number; readonly maxHeapMb: number | undefined },
    private readonly onGone: (thread: PreparationThread) => void,
  ) {
    // A small young generation: what a job allocates is garbage once it is answered, so the
    // default (up to 48 MB, all of it resident once grown) only held garbage longer.
    this.worker = new Worker(WORKER, {
      workerData: data,
      resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: limits.maxHeapMb },
    });
    this.stallTimeoutMs = limits.stallTimeoutMs;
    // An idle pool must not keep the process alive (one with jobs pending must).
    this.worker.unref();
    this.worker.on('message', (answer: PreparationAnswer) => this.settle(answer));
    // An answer the event loop cannot deserialize is dropped by Node with only this event. The
    // thread answers its jobs in the order posted, so the lost answer is the oldest pending job's.
    this.worker.on('messageerror', () => {
      const [oldest] = this.pending.keys();
      if (oldest !== undefined) this.finish(oldest)?.reject(threadFailed('could not hand back its answer'));
    });
    this.worker.on('error', (error) => this.fail(`failed (${error.message})`));
    this.worker.on('exit', (code) => this.fail(`exited (code ${code})`));
  }

  post(job: PreparationJob, pending: Pending): void {
    if (this.pending.size === 0) {
      this.worker.ref();
      this.watch();
    }
    this.pending.set(job.jobId, pending);
    const { buffer, byteOffset, byteLength } = job.body;
    // A body that owns its whole buffer moves to the thread; a slice of a shared pool is copied.
    const owned = byteOffset === 0 && byteLength === buffer.byteLength && buffer instanceof ArrayBuffer;
    this.worker.postMessage(owned ? job : { ...job, body: job.body.slice() }, owned ? [buffer] : []);
  }

  postRules(message: ScreenRulesMessage): void {
    this.worker.postMessage(message);
  }

  stop(): Promise<number> {
    this.fail('was stopped');
    return this.worker.terminate();
  }

  /** A thread that answers nothing for stallTimeoutMs while it holds jobs is stuck: it is ended. */
  private watch(): void {
    clearTimeout(this.stall);
    this.stall = setTimeout(() => {
      this.fail(`answered nothing for ${this.stallTimeoutMs} ms`);
      void this.worker.terminate();
    }, this.stallTimeoutMs);
    this.stall.unref();
  }

  /** The thread is gone (or given up on): every job it holds is answered with the reason. */
  private fail(why: string): void {
    if (this.dead) return;
    this.dead = true;
    clearTimeout(this.stall);
    this.onGone(this);
    const error = threadFailed(why);
    for (const job of this.pending.values()) job.reject(error);
    this.pending.clear();
  }

  /** Takes a job out of the pending ones; the thread may idle (and the watch ends) once none is left. */
  private finish(jobId: number): Pending | undefined {
    const job = this.pending.get(jobId);
    if (!job) return undefined;
    this.pending.delete(jobId);
    if (this.pending.size === 0) {
      clearTimeout(this.stall);
      this.worker.unref();
    } else this.watch();
    return job;
  }

  private settle(answer: PreparationAnswer): void {
    const job = this.finish(answer.jobId);
    if (!job) return;
    if ('error' in answer) {
      const { code, message, details } = answer.error;
      job.reject(new AppError(code, message, details ? { details } : {}));
      return;
    }
    try {
      const { calls, writeKey, rejections, rejected, screened } = answer;
      const events = decodeAcceptedCalls(answer.events);
      job.resolve({
        calls,
        writeKey,
        events,
        rejections,
        rejected,
        screened: screened && {
          key: screened.key,
          findings: new Map(
            screened.positions.map((at, i) => [
              events[at] as AcceptedCall,
              screened.findings[i] as ScreenFinding,
            ]),
          ),
        },
      });
    } catch {
      // Thrown here, it would be an uncaught exception of the event loop, and the request unanswered.
      job.reject(threadFailed('handed back an unreadable answer'));
    }
  }
}

/**
 * Parses and normalizes Tracking API bodies on worker threads, off the event loop that reads
 * and answers every request. Small bodies stay on the caller.
 */
export class PreparationPool {
  private readonly threads: PreparationThread[] = [];
  private readonly size: number;
  private readonly minThreadedBytes: number;
  private readonly maxPendingBytes: number;
  private readonly callLimits: CallLimits;
  private readonly threadLimits: { readonly stallTimeoutMs: number; readonly maxHeapMb: number | undefined };
  private screens: { readonly local: PreparationScreens; readonly url: string } | undefined;
  /** Every source's screen rules, for threads started later. */
  private readonly screenRules = new Map<string, unknown>();
  private pendingBytes = 0;
  private nextJobId = 1;
  private inline = 0;
  private threaded = 0;

  constructor(options: PreparationPoolOptions) {
    this.size = preparationThreadsAvailable() ? Math.max(0, Math.floor(options.threads)) : 0;
    this.minThreadedBytes = options.minThreadedBytes ?? 4096;
    this.maxPendingBytes = options.maxPendingBytes ?? 64 * 1024 * 1024;
    this.callLimits = options.callLimits ?? DEFAULT_CALL_LIMITS;
    this.threadLimits = {
      stallTimeoutMs: options.stallTimeoutMs ?? 10_000,
      maxHeapMb: options.maxThreadHeapMb,
    };
  }

  /** Throws `overloaded` when the bodies already being prepared pass the bound. */
  private assertRoom(): void {
    if (this.pendingBytes <= this.maxPendingBytes) return;
    throw new AppError('overloaded', 'Too many request bodies are being read', { retryAfterSeconds: 1 });
  }

  /** Bodies prepared so far, on the calling thread and on preparation threads. */
  get prepared(): { readonly inline: number; readonly threaded: number } {
    return { inline: this.inline, threaded: this.threaded };
  }

  /**
   * Screens calls as they are prepared: `local` on this thread, and on each preparation thread the
   * screens `url`'s module creates. Set before threads start.
   */
  useScreens(local: PreparationScreens, url: string): void {
    this.screens = { local, url };
  }

  /** Hands a source's changed screen rules (null: none) to every thread, ahead of later jobs. */
  shareScreenRules(sourceId: string, rules: unknown): void {
    if (rules === null) this.screenRules.delete(sourceId);
    else this.screenRules.set(sourceId, rules);
    for (const thread of this.threads) thread.postRules({ sourceId, rules });
  }

  prepare(raw: RawTrackingRequest): Promise<PreparedRequest> {
    if (this.size === 0 || raw.body.byteLength < this.minThreadedBytes) {
      this.inline++;
      try {
        return Promise.resolve(prepareRequest(raw, this.callLimits, this.screens?.local));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    this.assertRoom();
    const thread = this.leastBusyThread();
    this.threaded++;
    const bytes = raw.body.byteLength;
    this.pendingBytes += bytes;
    return new Promise<PreparedRequest>((resolve, reject) => {
      const done = () => {
        this.pendingBytes -= bytes;
      };
      thread.post(
        { ...raw, jobId: this.nextJobId++ },
        {
          resolve: (prepared) => {
            done();
            resolve(prepared);
          },
          reject: (error) => {
            done();
            reject(error);
          },
        },
      );
    });
  }

  /** Starts every thread now, so the first large bodies do not wait for one to load. */
  start(): void {
    while (this.threads.length < this.size) this.startThread();
  }

  async stop(): Promise<void> {
    await Promise.all(this.threads.splice(0).map((thread) => thread.stop()));
  }

  /** Unless started, threads start on first use (a process that never ingests large bodies starts none). */
  private leastBusyThread(): PreparationThread {
    if (this.threads.length < this.size) return this.startThread();
    let best = this.threads[0] as PreparationThread;
    for (const thread of this.threads) if (thread.pending.size < best.pending.size) best = thread;
    return best;
  }

  private startThread(): PreparationThread {
    const screens = this.screens && { url: this.screens.url, rules: [...this.screenRules] };
    const thread = new PreparationThread(
      { callLimits: this.callLimits, screens },
      this.threadLimits,
      (gone) => {
        // A thread that died is replaced on the next job.
        const at = this.threads.indexOf(gone);
        if (at >= 0) this.threads.splice(at, 1);
      },
    );
    this.threads.push(thread);
    return thread;
  }
}

/** Whether threads can run: only from compiled files (sources run under vitest prepare in-process). */
export function preparationThreadsAvailable(): boolean {
  return existsSync(fileURLToPath(WORKER));
}
