import type { PipelineStageStatus } from '@tandem/contract';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { LogPosition } from '../log/index.js';
import type { Database, StoreKind } from '../store/index.js';
import { readCheckpoint } from './checkpoints.js';
import { checkpointName, partitionOfWorkspace } from './pipeline-partitions.js';

/** Unconsumed events counted at most: past it `lagEvents` says "at least this many". */
export const WORKSPACE_LAG_COUNT_BOUND = 100_000;

// PostgreSQL: a transaction takes at most its first seq before its txid, so a transaction after
// the checkpoint's has no seq below the next one's first by more than the transactions running
// at that moment: far fewer than this.
const CONCURRENT_SEQ_SLACK = 1000;

/**
 * How far a stage is behind on one workspace's events, read through the workspace's own index
 * (`events_by_source`), never the other workspaces' events: its partition's checkpoint, its
 * unconsumed events (counted up to the bound), the age of the oldest of them, and its newest seq.
 */
export async function workspaceLag(
  db: Kysely<Database>,
  options: { kind: StoreKind; stage: string; partitions: number; workspaceId: string; now: number },
): Promise<PipelineStageStatus> {
  const { workspaceId, stage } = options;
  const partition = partitionOfWorkspace(workspaceId, options.partitions);
  const position = await readCheckpoint(db, checkpointName(stage, partition));
  const unread = await unreadCondition(db, options.kind, position);
  const { rows: ends } = await sql<{ first_unread: number | null; newest: number | null }>`
    SELECT
      (SELECT e.seq FROM events e WHERE e.workspace_id = s.workspace_id AND e.source_id = s.source_id
        AND ${unread} ORDER BY e.seq LIMIT 1) AS first_unread,
      (SELECT e.seq FROM events e WHERE e.workspace_id = s.workspace_id AND e.source_id = s.source_id
        ORDER BY e.seq DESC LIMIT 1) AS newest
    FROM sources s WHERE s.workspace_id = ${workspaceId}`.execute(db);
  const firstUnread = minOf(ends.map((row) => row.first_unread));
  const headSeq = maxOf(ends.map((row) => row.newest)) ?? 0;
  if (firstUnread === undefined) {
    return { stage, checkpointSeq: headSeq, headSeq, lagEvents: 0, lagSeconds: 0 };
  }
  const [counted, oldest] = await Promise.all([
    // Source by source: each count is a range of the index, bounded.
    sql<{ unread: number }>`SELECT (SELECT count(*) FROM (
        SELECT 1 FROM events e
        WHERE e.workspace_id = s.workspace_id AND e.source_id = s.source_id AND ${unread}
        LIMIT ${WORKSPACE_LAG_COUNT_BOUND}) AS bounded) AS unread
      FROM sources s WHERE s.workspace_id = ${workspaceId}`.execute(db),
    db.selectFrom('events').select('received_at').where('seq', '=', firstUnread).executeTakeFirst(),
  ]);
  const receivedAt = oldest ? Date.parse(oldest.received_at) : options.now;
  return {
    stage,
    checkpointSeq: firstUnread - 1,
    headSeq,
    lagEvents: Math.min(
      WORKSPACE_LAG_COUNT_BOUND,
      Math.max(
        1,
        counted.rows.reduce((sum, row) => sum + Number(row.unread), 0),
      ),
    ),
    lagSeconds: Math.max(0, (options.now - receivedAt) / 1000),
  };
}

/** `e` is past the checkpoint: by seq on SQLite, by (txid, seq) on PostgreSQL with a seq floor for the index. */
async function unreadCondition(
  db: Kysely<Database>,
  kind: StoreKind,
  position: LogPosition,
): Promise<RawBuilder<unknown>> {
  if (kind === 'sqlite') return sql`e.seq > ${position.seq}`;
  const { rows } = await sql<{ seq: number }>`SELECT seq FROM events WHERE txid > ${position.txid}
      ORDER BY txid, seq LIMIT 1`.execute(db);
  const next = rows[0];
  const floor = next ? Math.min(position.seq, Number(next.seq) - CONCURRENT_SEQ_SLACK) : position.seq;
  return sql`e.seq > ${floor} AND (e.txid, e.seq) > (${position.txid}, ${position.seq})`;
}

function minOf(values: readonly (number | null)[]): number | undefined {
  const present = values.filter((value): value is number => value !== null).map(Number);
  return present.length > 0 ? Math.min(...present) : undefined;
}

function maxOf(values: readonly (number | null)[]): number | undefined {
  const present = values.filter((value): value is number => value !== null).map(Number);
  return present.length > 0 ? Math.max(...present) : undefined;
}
