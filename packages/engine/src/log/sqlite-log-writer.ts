import { setTimeout as delay } from 'node:timers/promises';
import type BetterSqlite3 from 'better-sqlite3';
import type { WriteTurn } from '../store/index.js';
import type { AppendOutcome, AppendRequest, LogWriter } from './log-writer.js';

/** One transaction appending many requests (after purging old rejections); synchronous. */
export type SqliteCommit = (
  requests: readonly AppendRequest[],
  purgeRejectionsBefore: string | undefined,
) => AppendOutcome[];

/** The log's writer on SQLite: prepared statements in one synchronous transaction. */
export function sqliteLogWriter(sqlite: BetterSqlite3.Database, turn: WriteTurn): LogWriter {
  let commitAll: SqliteCommit | undefined;
  return {
    async commit(requests, purgeRejectionsBefore) {
      // Kysely transactions of other domains hold this same connection across awaits; ours
      // would silently join theirs (and roll back with it), so wait until they are done.
      while (sqlite.inTransaction) await delay(1);
      // Prepared on first use: the tables exist only once migrations have run.
      commitAll ??= sqliteCommit(sqlite);
      const commit = commitAll;
      // The write turn first: the pipeline thread's transaction ends before this one begins.
      return turn.hold(() => commit(requests, purgeRejectionsBefore));
    },
  };
}

/** The log's commit on a SQLite connection, its statements prepared once. */
export function sqliteCommit(sqlite: BetterSqlite3.Database): SqliteCommit {
  const insertEvent = sqlite.prepare(
    `INSERT INTO events (workspace_id, event_id, source_id, message_id, type, event, user_id, anonymous_id,
       timestamp, original_timestamp, sent_at, received_at, payload)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  );
  const insertRejection = sqlite.prepare(
    `INSERT INTO rejections (workspace_id, source_id, code, message, payload, received_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const purgeRejections = sqlite.prepare('DELETE FROM rejections WHERE received_at < ?');

  return sqlite.transaction(
    (requests: readonly AppendRequest[], purgeRejectionsBefore: string | undefined) => {
      if (purgeRejectionsBefore !== undefined) purgeRejections.run(purgeRejectionsBefore);
      return requests.map(({ workspaceId, sourceId, events, rejections }) => {
        const eventSeqs = new Array<number>(events.length);
        for (let i = 0; i < events.length; i++) {
          const e = events[i]!;
          const result = insertEvent.run(
            workspaceId,
            e.id,
            sourceId,
            e.messageId,
            e.type,
            e.event,
            e.userId,
            e.anonymousId,
            e.timestamp,
            e.originalTimestamp,
            e.sentAt,
            e.receivedAt,
            e.payloadJson,
          );
          // No change: the unique (workspace, source, messageId) index said it is a duplicate.
          eventSeqs[i] = result.changes === 1 ? Number(result.lastInsertRowid) : 0;
        }
        const rejectionSeqs = rejections.map((r) =>
          Number(
            insertRejection.run(workspaceId, sourceId, r.code, r.message, r.payloadJson, r.receivedAt)
              .lastInsertRowid,
          ),
        );
        return { eventSeqs, rejectionSeqs };
      });
    },
  );
}
