import type { RejectionCode, StoredEvent } from '@tandem/contract';
import type { Store } from '../store/index.js';
import { logWriterThread, logWriterThreadAvailable } from './log-writer-thread.js';
import { postgresLogWriter } from './postgres-log-writer.js';
import { sqliteLogWriter } from './sqlite-log-writer.js';

/**
 * A call collect/ accepted: the event to be, before the log gives it a `seq`. Its payload is
 * kept only as JSON (serialized once, size-checked on it): it may come from another thread.
 */
export interface AcceptedCall extends Omit<StoredEvent, 'seq' | 'sourceId' | 'payload'> {
  readonly payloadJson: string;
}

/** A call collect/ refused, kept for the source debugger. */
export interface RejectedCall {
  readonly code: RejectionCode;
  readonly message: string;
  /** The call as received, or a preview string when it was too large to keep whole. */
  readonly payload: unknown;
  readonly payloadJson: string;
  readonly receivedAt: string;
}

/** What one request appends: all of it commits in the same transaction. */
export interface AppendRequest {
  readonly workspaceId: string;
  readonly sourceId: string;
  readonly events: readonly AcceptedCall[];
  readonly rejections: readonly RejectedCall[];
}

/** Per event its `seq`, or 0 when its messageId was already in the log; per rejection its `seq`. */
export interface AppendOutcome {
  readonly eventSeqs: number[];
  readonly rejectionSeqs: number[];
}

/**
 * Commits many requests in one transaction, first purging rejections older than a cutoff. A
 * writer that isolates a failing request itself answers an Error in its place (the others
 * committed); one that rejects the whole commit leaves the isolating to GroupCommit.
 */
export interface LogWriter {
  commit(
    requests: readonly AppendRequest[],
    purgeRejectionsBefore?: string,
  ): Promise<(AppendOutcome | Error)[]>;
  /** Commits it may be handed at once (it runs them in order); default 1. */
  readonly commitsInFlight?: number;
  /** Fewest calls a group needs to be handed over while another commits (see GroupCommit). */
  readonly minItemsAhead?: number;
  /** Starts what the writer runs on (its thread) ahead of the first commit. */
  start?(): void;
  /** Releases what the writer holds (its thread), once every commit is done. */
  stop?(): Promise<void>;
}

// Each engine gets its own hot path (prepared statements on SQLite, multi-row statements on
// PostgreSQL). They live here, not in store/, because they know the log's tables.
export function logWriterFor(store: Store, options: { thread: boolean }): LogWriter {
  if (store.kind === 'postgres') return postgresLogWriter(store.db);
  if (!store.sqlite || !store.writeTurn) throw new Error('A SQLite store must expose its raw handle');
  const here = sqliteLogWriter(store.sqlite, store.writeTurn);
  // An in-memory store (tests) cannot be shared with a thread.
  if (!options.thread || store.location === ':memory:' || !logWriterThreadAvailable()) return here;
  const thread = logWriterThread({ file: store.location, writeTurn: store.writeTurn.buffer });
  return {
    ...thread,
    // Only large groups go ahead of a running commit: small ones then always commit alone.
    minItemsAhead: THREADED_COMMIT_MIN_ITEMS,
    // Large groups commit on the log writer thread, off the event loop; small ones (single
    // calls at a moderate rate) right here: a hop to the thread and back costs the event loop
    // more than inserting a few rows, and they only ever run when no other commit is in flight.
    commit: (requests, purgeRejectionsBefore) =>
      itemsOf(requests) < THREADED_COMMIT_MIN_ITEMS
        ? here.commit(requests, purgeRejectionsBefore)
        : thread.commit(requests, purgeRejectionsBefore),
  };
}

/** Fewest calls in a group for it to be committed on the log writer thread. */
const THREADED_COMMIT_MIN_ITEMS = 100;

function itemsOf(requests: readonly AppendRequest[]): number {
  let items = 0;
  for (const { events, rejections } of requests) items += events.length + rejections.length;
  return items;
}
