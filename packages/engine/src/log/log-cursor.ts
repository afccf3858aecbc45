import type { StoredEvent } from '@tandem/contract';
import type BetterSqlite3 from 'better-sqlite3';
import { type Kysely, type RawBuilder, type Selectable, sql } from 'kysely';
import { type Database, type EventsTable, prepared, rawSqliteOf, type StoreKind } from '../store/index.js';
import { storedEventOf } from './log-queries.js';
import { LOG_HORIZON } from './transaction-base.js';

/**
 * A consumer's position in the log. On SQLite writes are serialized, so `seq` alone orders the
 * log and `txid` stays 0. On PostgreSQL a transaction may commit after another that took a
 * later seq; reading in (txid, seq) order, only below the oldest transaction still running
 * (`txid` is the transaction's id plus the store's base, transaction-base.ts), gives an order
 * in which nothing can ever appear behind a position already passed.
 */
export interface LogPosition {
  readonly txid: number;
  readonly seq: number;
}

/** An event of the log with its position. */
export interface LogEntry {
  readonly position: LogPosition;
  readonly workspaceId: string;
  readonly event: StoredEvent;
}

export const LOG_START: LogPosition = { txid: 0, seq: 0 };

/** Log entries grouped by workspace, each group in log order. */
export function entriesByWorkspace(entries: readonly LogEntry[]): Map<string, LogEntry[]> {
  const groups = new Map<string, LogEntry[]>();
  for (const entry of entries) {
    const group = groups.get(entry.workspaceId) ?? [];
    groups.set(entry.workspaceId, group);
    group.push(entry);
  }
  return groups;
}

const COLUMN_LIST =
  'seq, workspace_id, event_id, source_id, message_id, type, event, user_id, anonymous_id, timestamp, original_timestamp, sent_at, received_at, payload';
const COLUMNS = sql.raw(COLUMN_LIST);

/** A log row as read here: the events table's columns, plus the PostgreSQL txid when asked. */
type EventRow = Selectable<EventsTable> & { txid?: number };

/** Up to `limit` events after `after`, in log order, that no late commit can precede. */
export async function readLogAfter(
  db: Kysely<Database>,
  kind: StoreKind,
  after: LogPosition,
  limit: number,
): Promise<LogEntry[]> {
  const sqlite = rawSqliteOf(db);
  // A pipeline batch on SQLite: the same read through a statement prepared once.
  const rows = sqlite
    ? // Rows of this shape, as selected.
      (prepared(sqlite, `SELECT ${COLUMN_LIST} FROM events WHERE seq > ? ORDER BY seq LIMIT ?`).all(
        after.seq,
        limit,
      ) as EventRow[])
    : await readRows(db, kind, after, limit);
  return rows.map(entryOf);
}

function entryOf(row: EventRow): LogEntry {
  return {
    position: { txid: Number(row.txid ?? 0), seq: Number(row.seq) },
    workspaceId: row.workspace_id,
    event: storedEventOf(row),
  };
}

async function readRows(db: Kysely<Database>, kind: StoreKind, after: LogPosition, limit: number) {
  if (kind === 'sqlite') {
    const query = sql<EventRow>`SELECT ${COLUMNS} FROM events WHERE seq > ${after.seq} ORDER BY seq LIMIT ${limit}`;
    return (await query.execute(db)).rows;
  }
  return inLogOrder(db, async () => {
    const query = sql<EventRow>`SELECT ${COLUMNS}, txid FROM events
        WHERE (txid, seq) > (${after.txid}, ${after.seq})
          AND txid < ${LOG_HORIZON}
        ORDER BY txid, seq LIMIT ${limit}`;
    return (await query.execute(db)).rows;
  });
}

/**
 * PostgreSQL: runs a read of the next events with the planner held to walking `events_by_txid`
 * in order. Without statistics on `events` (a new, fast-growing table that autovacuum has not
 * analyzed yet) it picks a bitmap scan of every event after the position plus a sort, so each
 * batch cost grew with the backlog. The settings are local to the transaction and restored after.
 */
async function inLogOrder<T>(db: Kysely<Database>, read: () => Promise<T>): Promise<T> {
  const { rows } = await sql<{ bitmap: string; seqscan: string }>`SELECT
      current_setting('enable_bitmapscan') AS bitmap, current_setting('enable_seqscan') AS seqscan,
      set_config('enable_bitmapscan', 'off', true), set_config('enable_seqscan', 'off', true)`.execute(db);
  const result = await read();
  const previous = rows[0];
  if (previous) {
    await sql`SELECT set_config('enable_bitmapscan', ${previous.bitmap}, true),
        set_config('enable_seqscan', ${previous.seqscan}, true)`.execute(db);
  }
  return result;
}

/**
 * PostgreSQL, one partition of the log: the next `limit` events of the whole log after `after`
 * (and not after `upTo`) that no late commit can precede — the window, `passed` events up to
 * `to` — and among them those of `inPartition`. The reader's checkpoint moves to `to`, past the
 * other partitions' events too, so a quiet partition never rescans others' events.
 * Undefined when the window is empty.
 */
export async function readLogWindow(
  db: Kysely<Database>,
  after: LogPosition,
  options: { limit: number; upTo?: LogPosition | undefined; inPartition: RawBuilder<boolean> },
): Promise<{ to: LogPosition; passed: number; entries: LogEntry[] } | undefined> {
  const { upTo } = options;
  const bound = upTo ? sql`AND (txid, seq) <= (${upTo.txid}, ${upTo.seq})` : sql``;
  // One statement (one snapshot): the window's end and size, and the partition's events in it;
  // a window without any of them still yields one row (its end), the event columns null.
  const read = sql<EventRow & { window_txid: number; window_seq: number; passed: number }>`
      WITH window_rows AS (
        SELECT txid, seq FROM events
        WHERE (txid, seq) > (${after.txid}, ${after.seq}) ${bound}
          AND txid < ${LOG_HORIZON}
        ORDER BY txid, seq LIMIT ${options.limit}),
      window_end AS (
        SELECT txid AS window_txid, seq AS window_seq, (SELECT count(*) FROM window_rows) AS passed
        FROM window_rows ORDER BY txid DESC, seq DESC LIMIT 1)
      SELECT w.window_txid, w.window_seq, w.passed, p.*
      FROM window_end w LEFT JOIN LATERAL (
        SELECT ${COLUMNS}, txid FROM events
        WHERE (txid, seq) > (${after.txid}, ${after.seq}) AND (txid, seq) <= (w.window_txid, w.window_seq)
          AND ${options.inPartition}
      ) p ON true
      ORDER BY p.txid, p.seq`;
  const { rows } = await inLogOrder(db, () => read.execute(db));
  const end = rows[0];
  if (!end) return undefined;
  const to = { txid: Number(end.window_txid), seq: Number(end.window_seq) };
  const entries = rows.filter((row) => row.seq !== null).map(entryOf);
  return { to, passed: Number(end.passed), entries };
}

/** The newest seq of the log (0 when empty). */
export async function logHeadSeq(db: Kysely<Database>): Promise<number> {
  const head = await db
    .selectFrom('events')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .executeTakeFirst();
  return Number(head?.seq ?? 0);
}

/**
 * The log's head (its highest seq, 0 when empty) as a synchronous read on a SQLite connection:
 * a prepared primary-key read, cheap enough for a wake check.
 */
export function sqliteLogHead(sqlite: BetterSqlite3.Database): () => number {
  const head = prepared(sqlite, 'SELECT max(seq) AS seq FROM events');
  // A row of this shape, as selected.
  return () => Number((head.get() as { seq: number | null }).seq ?? 0);
}

/** When the oldest event not yet passed by `after` was received, or null when there is none. */
export async function oldestUnreadReceivedAt(
  db: Kysely<Database>,
  kind: StoreKind,
  after: LogPosition,
): Promise<string | null> {
  const query =
    kind === 'sqlite'
      ? sql<{
          received_at: string;
        }>`SELECT received_at FROM events WHERE seq > ${after.seq} ORDER BY seq LIMIT 1`
      : sql<{
          received_at: string;
        }>`SELECT received_at FROM events WHERE (txid, seq) > (${after.txid}, ${after.seq})
          ORDER BY txid, seq LIMIT 1`;
  const { rows } = await query.execute(db);
  return rows[0]?.received_at ?? null;
}

/** Whether some event with a seq up to `headSeq` is still ahead of `after`. */
export async function hasUnreadUpTo(
  db: Kysely<Database>,
  kind: StoreKind,
  after: LogPosition,
  headSeq: number,
): Promise<boolean> {
  if (kind === 'sqlite') return after.seq < headSeq;
  const { rows } = await sql<{ seq: number }>`SELECT seq FROM events
      WHERE (txid, seq) > (${after.txid}, ${after.seq}) AND seq <= ${headSeq} LIMIT 1`.execute(db);
  return rows.length > 0;
}

/** The events of a workspace with these seqs, in seq order. */
export async function eventsBySeq(
  db: Kysely<Database>,
  workspaceId: string,
  seqs: readonly number[],
): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for (let start = 0; start < seqs.length; start += 1000) {
    const chunk = seqs.slice(start, start + 1000);
    // By seq alone (the key), the workspace checked here: with workspace_id in the filter SQLite
    // scans the workspace's rows of events_by_source instead (about a second at 1M events).
    const { rows } = await sql<EventRow>`SELECT ${COLUMNS} FROM events
        WHERE seq IN (${sql.join(chunk)})`.execute(db);
    events.push(...rows.filter((row) => row.workspace_id === workspaceId).map(storedEventOf));
  }
  return events.sort((a, b) => a.seq - b.seq);
}
