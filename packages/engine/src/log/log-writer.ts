import type { RejectionCode, StoredEvent } from '@tandem/contract';
import type { Store } from '../store/index.js';
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

/** Commits many requests in one transaction, first purging rejections older than a cutoff. */
export interface LogWriter {
  commit(requests: readonly AppendRequest[], purgeRejectionsBefore?: string): Promise<AppendOutcome[]>;
}

// Each engine gets its own hot path (prepared statements on SQLite, multi-row statements on
// PostgreSQL). They live here, not in store/, because they know the log's tables.
export function logWriterFor(store: Store): LogWriter {
  if (store.kind === 'postgres') return postgresLogWriter(store.db);
  if (!store.sqlite || !store.writeTurn) throw new Error('A SQLite store must expose its raw handle');
  return sqliteLogWriter(store.sqlite, store.writeTurn);
}
