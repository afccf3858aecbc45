import type { CallRejection, SourceStats, StoredEvent, StoredRejection } from '@tandem/contract';
import type { AcceptedCall, EventLog, EventLogOptions, RejectedCall } from '../log/index.js';
import type { SourceRef } from '../sources/index.js';
import type { RequestInfo } from './enrich-context.js';
import { normalizeCall, type SharedFields } from './normalize-call.js';
import { rejectedCallOf } from './rejected-call.js';

/** Tuning of collection; all optional. */
export type CollectorOptions = EventLogOptions;

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

  constructor(
    private readonly log: EventLog,
    options: CollectorOptions = {},
  ) {
    this.clock = options.clock ?? Date.now;
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
    const scope = {
      shared: input.shared,
      request: input.request,
      received: { ms: receivedAt.getTime(), iso: receivedAt.toISOString() },
    };
    const events: AcceptedCall[] = [];
    const rejections: RejectedCall[] = [];
    const rejected: CallRejection[] = [];
    calls.forEach((call, index) => {
      const verdict = normalizeCall(call, scope);
      if (verdict.ok) events.push(verdict.value);
      else {
        rejected.push({ index, ...verdict.error });
        rejections.push(rejectedCallOf(call, verdict.error, scope.received.iso));
      }
    });
    if (calls.length === 0) return { stored: 0, duplicates: 0, rejected };

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

  recentEvents(workspaceId: string, sourceId: string, limit: number): Promise<StoredEvent[]> {
    return this.log.recentEvents(workspaceId, sourceId, limit);
  }

  recentRejections(workspaceId: string, sourceId: string, limit: number): Promise<StoredRejection[]> {
    return this.log.recentRejections(workspaceId, sourceId, limit);
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

  private publish(
    sourceId: string,
    events: AcceptedCall[],
    rejections: RejectedCall[],
    outcome: { eventSeqs: number[]; rejectionSeqs: number[] },
  ): void {
    if (!this.listeners.has(sourceId)) return;
    const items: CollectedItem[] = [];
    events.forEach((e, i) => {
      const seq = outcome.eventSeqs[i] ?? 0;
      if (seq > 0) items.push({ kind: 'event', event: storedEventOf(e, seq, sourceId) });
    });
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
    payload: e.payload,
  };
}
