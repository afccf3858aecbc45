import type { Insertable, Kysely } from 'kysely';
import type { Database, EventsTable, RejectionsTable } from '../store/index.js';
import type { AppendOutcome, AppendRequest, LogWriter } from './log-writer.js';

// Rows per statement: 13 parameters a row stays far below PostgreSQL's 65,535 per statement.
const ROWS_PER_STATEMENT = 1000;

/** The log's writer on PostgreSQL: one multi-row INSERT per chunk, all in one transaction. */
export function postgresLogWriter(db: Kysely<Database>): LogWriter {
  return {
    commit: (requests, purgeRejectionsBefore) =>
      db.transaction().execute(async (trx) => {
        if (purgeRejectionsBefore !== undefined) {
          await trx.deleteFrom('rejections').where('received_at', '<', purgeRejectionsBefore).execute();
        }
        const seqByEventId = new Map<string, number>();
        for (const chunk of chunks(requests.flatMap(eventRows))) {
          const inserted = await trx
            .insertInto('events')
            .values(chunk)
            .onConflict((conflict) => conflict.doNothing())
            .returning(['event_id', 'seq'])
            .execute();
          for (const row of inserted) seqByEventId.set(row.event_id, row.seq);
        }
        const rejectionSeqs: number[] = [];
        for (const chunk of chunks(requests.flatMap(rejectionRows))) {
          // RETURNING of an INSERT … VALUES comes back in VALUES order (ORMs rely on it too).
          const inserted = await trx.insertInto('rejections').values(chunk).returning('seq').execute();
          for (const row of inserted) rejectionSeqs.push(row.seq);
        }
        let nextRejection = 0;
        return requests.map(
          (request): AppendOutcome => ({
            // A missing row: ON CONFLICT skipped it, the messageId was already in the log.
            eventSeqs: request.events.map((e) => seqByEventId.get(e.id) ?? 0),
            rejectionSeqs: request.rejections.map(() => rejectionSeqs[nextRejection++] ?? 0),
          }),
        );
      }),
  };
}

/** The events table's rows of one request (also used to append inside another stage's transaction). */
export function eventRows({ workspaceId, sourceId, events }: AppendRequest): Insertable<EventsTable>[] {
  return events.map((e) => ({
    workspace_id: workspaceId,
    event_id: e.id,
    source_id: sourceId,
    message_id: e.messageId,
    type: e.type,
    event: e.event,
    user_id: e.userId,
    anonymous_id: e.anonymousId,
    timestamp: e.timestamp,
    original_timestamp: e.originalTimestamp,
    sent_at: e.sentAt,
    received_at: e.receivedAt,
    payload: e.payloadJson,
  }));
}

function rejectionRows({ workspaceId, sourceId, rejections }: AppendRequest): Insertable<RejectionsTable>[] {
  return rejections.map((r) => ({
    workspace_id: workspaceId,
    source_id: sourceId,
    code: r.code,
    message: r.message,
    payload: r.payloadJson,
    received_at: r.receivedAt,
  }));
}

function* chunks<T>(rows: T[]): Generator<T[]> {
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    yield rows.slice(start, start + ROWS_PER_STATEMENT);
  }
}
