import {
  type CallRejection,
  MAX_PAGE_BYTES,
  type SourceStats,
  type StoredEvent,
  type StoredRejection,
} from '@tandem/contract';
import {
  type AcceptedCall,
  type EventLog,
  type EventLogOptions,
  keepReadable,
  type RejectedCall,
  stillReadable,
} from '../log/index.js';
import type { SourceRef } from '../sources/index.js';
import type { CallAdmission } from './call-admission.js';
import type { CallLimits } from './call-limits.js';
import type { RequestInfo } from './enrich-context.js';
import type { SharedFields } from './normalize-call.js';
import { PreparationPool } from './preparation-pool.js';
import type { PreparationScreens } from './preparation-screen.js';
import {
  type PreparedCalls,
  type PreparedRequest,
  prepareCalls,
  type RawTrackingRequest,
} from './tracking-request.js';

/** Tuning of collection; all optional. */
export interface CollectorOptions extends EventLogOptions {
  /**
   * Threads that parse and normalize large request bodies, off the event loop. Default 0:
   * everything on the calling thread (the server sets it).
   */
  readonly preparationThreads?: number | undefined;
  /** Bounds on each call's shape (properties, traits, nesting). Default: DEFAULT_CALL_LIMITS. */
  readonly callLimits?: CallLimits | undefined;
}

export interface CollectInput {
  /** The source the write key resolved to. */
  readonly source: SourceRef;
  /** Parsed Segment calls, each with its `type`. */
  readonly calls: readonly unknown[];
  /** Batch-level `context`, `integrations` and `sentAt`, for calls lacking their own. */
  readonly shared?: SharedFields | undefined;
  readonly request: RequestInfo;
  /** When the server received the request. Default: now. */
  readonly receivedAt?: Date | undefined;
}

export interface CollectResult {
  /** Calls that became new events. */
  readonly stored: number;
  /** Valid calls whose messageId the source had already sent: no second event. */
  readonly duplicates: number;
  readonly rejected: CallRejection[];
}

/** What a live debugger of a source sees, as it is committed. */
export type CollectedItem =
  | { readonly kind: 'event'; readonly event: StoredEvent }
  | { readonly kind: 'rejection'; readonly rejection: StoredRejection };

export type CollectedListener = (item: CollectedItem) => void;

/** The entry of Segment-compatible calls: validate, normalize, enrich, dedupe, append to the log. */
export class Collector {
  private readonly listeners = new Map<string, Set<CollectedListener>>();
  private readonly clock: () => number;
  private readonly preparation: PreparationPool;
  private readonly callLimits: CallLimits | undefined;
  private readonly admissions: CallAdmission[] = [];

  constructor(
    private readonly log: EventLog,
    options: CollectorOptions = {},
  ) {
    this.clock = options.clock ?? Date.now;
    this.callLimits = options.callLimits;
    this.preparation = new PreparationPool({
      threads: options.preparationThreads ?? 0,
      callLimits: options.callLimits,
    });
  }

  /**
   * Stores the valid calls and refuses the others, resolving once all is committed.
   * Throws `overloaded` (with retryAfterSeconds) when the log's write queue is full.
   */
  async collect(input: CollectInput): Promise<CollectResult> {
    const { source, calls } = input;
    // Before any work: under overload, refusing must stay cheap.
    this.log.assertRoomFor(calls.length);
    const receivedAt = input.receivedAt ?? new Date(this.clock());
    const received = { ms: receivedAt.getTime(), iso: receivedAt.toISOString() };
    return this.store(
      source,
      prepareCalls(calls, {
        shared: input.shared,
        request: input.request,
        received,
        limits: this.callLimits,
      }),
    );
  }

  /**
   * Parses, validates and normalizes a raw Tracking API request (on a preparation thread when it
   * is large). Throws an AppError when the body as a whole is unusable, `overloaded` when the log
   * or the preparation threads are too far behind.
   */
  prepare(
    raw: Omit<RawTrackingRequest, 'receivedAtMs'> & { receivedAtMs?: number },
  ): Promise<PreparedRequest> {
    // At least one call: under overload, a request is refused before its body is read.
    this.log.assertRoomFor(1);
    return this.preparation.prepare({ ...raw, receivedAtMs: raw.receivedAtMs ?? this.clock() });
  }

  /** Request bodies prepared so far, on the event loop and on preparation threads. */
  get bodiesPrepared(): { readonly inline: number; readonly threaded: number } {
    return this.preparation.prepared;
  }

  /** Calls waiting to be committed (the bound past which the Tracking API answers 429). */
  get queuedCalls(): number {
    return this.log.queuedCalls;
  }

  /**
   * Screens calls where they are parsed (see preparation-screen.ts): `local` on the event loop,
   * and in preparation threads the screens `url`'s module creates. Set before threads start.
   */
  useScreens(local: PreparationScreens, url: string): void {
    this.preparation.useScreens(local, url);
  }

  /** Hands a source's changed screen rules (null: none) to the preparation threads. */
  shareScreenRules(sourceId: string, rules: unknown): void {
    this.preparation.shareScreenRules(sourceId, rules);
  }

  /** Adds a check every call passes before the log, after those added before it. */
  useAdmission(admission: CallAdmission): void {
    this.admissions.push(admission);
  }

  /** Appends a source's prepared calls, resolving once committed. */
  async store(source: SourceRef, prepared: PreparedCalls): Promise<CollectResult> {
    let admitted = prepared;
    for (const admission of this.admissions) admitted = admission.admit(source, admitted);
    const { events, rejections, rejected } = admitted;
    if (events.length + rejections.length === 0) return { stored: 0, duplicates: 0, rejected };
    this.log.assertRoomFor(events.length + rejections.length);
    // A debugger reads the calls once committed; the log writer thread takes their bytes.
    if (this.listeners.has(source.sourceId)) keepReadable(events);
    const outcome = await this.log.append({ ...source, events, rejections });
    const stored = outcome.eventSeqs.reduce((count, seq) => (seq > 0 ? count + 1 : count), 0);
    this.publish(source.sourceId, events, rejections, outcome);
    return { stored, duplicates: events.length - stored, rejected };
  }

  /** Calls `listener` with every event and rejection of the source once committed. Returns unsubscribe. */
  subscribe(sourceId: string, listener: CollectedListener): () => void {
    const listeners = this.listeners.get(sourceId) ?? new Set<CollectedListener>();
    this.listeners.set(sourceId, listeners);
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.listeners.get(sourceId) === listeners) this.listeners.delete(sourceId);
    };
  }

  /** A source's latest events, newest first: `limit` of them, or fewer once they pass MAX_PAGE_BYTES. */
  recentEvents(workspaceId: string, sourceId: string, limit: number): Promise<StoredEvent[]> {
    return latestWithinBudget(limit, (count, beforeSeq) =>
      this.log.recentEvents(workspaceId, sourceId, count, beforeSeq),
    );
  }

  /** A source's latest rejections, newest first: `limit` of them, or fewer once they pass MAX_PAGE_BYTES. */
  recentRejections(workspaceId: string, sourceId: string, limit: number): Promise<StoredRejection[]> {
    return latestWithinBudget(limit, (count, beforeSeq) =>
      this.log.recentRejections(workspaceId, sourceId, count, beforeSeq),
    );
  }

  sourceStats(workspaceId: string, sourceId: string): Promise<SourceStats> {
    return this.log.sourceStats(workspaceId, sourceId);
  }

  /** Whether a live debugger follows this source (omitted: any source). */
  hasSubscribers(sourceId?: string): boolean {
    return sourceId === undefined ? this.listeners.size > 0 : this.listeners.has(sourceId);
  }

  /** Hands a source's debuggers events committed without the collector (audience events). */
  publishCommitted(sourceId: string, events: readonly StoredEvent[]): void {
    this.deliver(
      sourceId,
      events.map((event) => ({ kind: 'event', event })),
    );
  }

  /** Waits for every pending write (on shutdown). */
  flush(): Promise<void> {
    return this.log.flush();
  }

  /** Starts the preparation threads and the log's writer thread ahead of the first request. */
  startThreads(): void {
    this.preparation.start();
    this.log.startWriter();
  }

  /** Stops the preparation threads (once no request is coming in). */
  close(): Promise<void> {
    return this.preparation.stop();
  }

  private publish(
    sourceId: string,
    events: AcceptedCall[],
    rejections: RejectedCall[],
    outcome: { eventSeqs: number[]; rejectionSeqs: number[] },
  ): void {
    if (!this.listeners.has(sourceId)) return;
    const items: CollectedItem[] = [];
    // A debugger that started following while these calls were committing finds them gone to
    // the log writer thread: it sees the next ones (the request must not fail for it).
    if (stillReadable(events)) {
      events.forEach((e, i) => {
        const seq = outcome.eventSeqs[i] ?? 0;
        if (seq > 0) items.push({ kind: 'event', event: storedEventOf(e, seq, sourceId) });
      });
    }
    rejections.forEach((r, i) => {
      const seq = outcome.rejectionSeqs[i] ?? 0;
      const { code, message, payload, receivedAt } = r;
      items.push({ kind: 'rejection', rejection: { seq, sourceId, code, message, payload, receivedAt } });
    });
    this.deliver(sourceId, items);
  }

  private deliver(sourceId: string, items: readonly CollectedItem[]): void {
    for (const listener of this.listeners.get(sourceId) ?? []) {
      for (const item of items) {
        try {
          listener(item);
        } catch {
          // A failing debugger connection must never fail ingestion; the listener owns its errors.
        }
      }
    }
  }
}

// Calls are read this many at a time, so a list stops soon after its byte budget: at most one
// such group (32 KB a call) is read past it.
const READ_GROUP = 50;

/** Reads the latest items group by group, stopping at `limit` or after the one that passes MAX_PAGE_BYTES. */
async function latestWithinBudget<T extends { seq: number }>(
  limit: number,
  read: (count: number, beforeSeq: number | undefined) => Promise<T[]>,
): Promise<T[]> {
  const items: T[] = [];
  let bytes = 0;
  while (items.length < limit) {
    // SQLite answers synchronously: between groups, the event loop gets a turn.
    if (items.length > 0) await new Promise((resolve) => setImmediate(resolve));
    const count = Math.min(READ_GROUP, limit - items.length);
    const group = await read(count, items.at(-1)?.seq);
    for (const item of group) {
      items.push(item);
      bytes += JSON.stringify(item).length;
      if (bytes >= MAX_PAGE_BYTES) return items;
    }
    if (group.length < count) break;
  }
  return items;
}

function storedEventOf(e: AcceptedCall, seq: number, sourceId: string): StoredEvent {
  return {
    id: e.id,
    seq,
    sourceId,
    messageId: e.messageId,
    type: e.type,
    event: e.event,
    userId: e.userId,
    anonymousId: e.anonymousId,
    timestamp: e.timestamp,
    originalTimestamp: e.originalTimestamp,
    sentAt: e.sentAt,
    receivedAt: e.receivedAt,
    payload: JSON.parse(e.payloadJson),
  };
}
