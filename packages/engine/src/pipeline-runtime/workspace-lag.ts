import type { PipelineStageStatus } from '@tandem/contract';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { LOG_START, type LogPosition } from '../log/index.js';
import type { Database, StoreKind } from '../store/index.js';
import { checkpointName, partitionOfWorkspace } from './pipeline-partitions.js';

/** Unconsumed events counted at most: past it `lagEvents` says "at least this many". */
export const WORKSPACE_LAG_COUNT_BOUND = 10_000;

// PostgreSQL: a transaction takes at most its first seq before its txid, so a transaction after
// the checkpoint's has no seq below the next one's first by more than the transactions running
// at that moment: far fewer than this.
const CONCURRENT_SEQ_SLACK = 1000;

/**
 * How far each stage is behind on one workspace's events, read through the workspace's own
 * index (`events_by_source`), never the other workspaces' events, in one pass for all stages
 * (stages at one position share their reads): per stage its partition's checkpoint, its
 * unconsumed events (counted up to the bound), the age of the oldest of them, and the newest seq.
 */
export async function workspaceLag(
  db: Kysely<Database>,
  options: {
    kind: StoreKind;
    stages: readonly string[];
    partitions: number;
    workspaceId: string;
    now: number;
  },
): Promise<PipelineStageStatus[]> {
  const { workspaceId } = options;
  const partition = partitionOfWorkspace(workspaceId, options.partitions);
  const names = options.stages.map((stage) => checkpointName(stage, partition));
  const stored = await db
    .selectFrom('pipeline_checkpoints')
    .select(['stage', 'txid', 'seq'])
    .where('stage', 'in', names)
    .execute();
  const positionOf = (name: string): LogPosition => {
    const row = stored.find((r) => r.stage === name);
    return row ? { txid: Number(row.txid), seq: Number(row.seq) } : LOG_START;
  };
  // One read per distinct position, in the order of the stages.
  const positions = [...new Map(names.map((name) => [key(positionOf(name)), positionOf(name)])).values()];
  const unread = await Promise.all(positions.map((position) => unreadCondition(db, options.kind, position)));
  const { rows: ends } = await sql<Record<string, number | string | null>>`
    SELECT s.source_id, ${sql.join(
      unread.map(
        (condition, i) => sql`(SELECT e.seq FROM events e WHERE e.workspace_id = s.workspace_id
          AND e.source_id = s.source_id AND ${condition} ORDER BY e.seq LIMIT 1) AS ${sql.ref(`first_unread_${i}`)}`,
      ),
    )},
      (SELECT e.seq FROM events e WHERE e.workspace_id = s.workspace_id AND e.source_id = s.source_id
        ORDER BY e.seq DESC LIMIT 1) AS newest
    FROM sources s WHERE s.workspace_id = ${workspaceId}`.execute(db);
  const seqOf = (row: Record<string, number | string | null>, column: string) =>
    row[column] === null || row[column] === undefined ? null : Number(row[column]);
  const headSeq = maxOf(ends.map((row) => seqOf(row, 'newest'))) ?? 0;
  const firstUnread = positions.map((_, i) => minOf(ends.map((row) => seqOf(row, `first_unread_${i}`))));
  const behind = firstUnread.flatMap((seq, i) => (seq === undefined ? [] : [{ i, seq }]));
  // Stages behind, oldest position first: the events between one position and the next are
  // counted once (a bounded range of the index per source), and each stage's lag is the sum of
  // the ranges after its position.
  const ordered = [...behind].sort((a, b) => (before(positions[a.i], positions[b.i]) ? -1 : 1));
  const ranges = ordered.map(({ i }, k) => {
    const next = ordered[k + 1];
    if (!next) return unread[i];
    // SQLite: a range of seqs; PostgreSQL: not past the next position in (txid, seq) order.
    const upTo =
      options.kind === 'sqlite' ? sql`e.seq <= ${positions[next.i]?.seq ?? 0}` : sql`NOT (${unread[next.i]})`;
    return sql`${unread[i]} AND ${upTo}`;
  });
  const [counted, oldest] = await Promise.all([
    ranges.length === 0
      ? { rows: [] }
      : sql<Record<string, number>>`SELECT ${sql.join(
          ranges.map(
            (range, k) => sql`(SELECT count(*) FROM (
            SELECT 1 FROM events e
            WHERE e.workspace_id = s.workspace_id AND e.source_id = s.source_id AND ${range}
            LIMIT ${WORKSPACE_LAG_COUNT_BOUND}) AS bounded) AS ${sql.ref(`range_${k}`)}`,
          ),
        )}
          FROM sources s WHERE s.workspace_id = ${workspaceId}`.execute(db),
    behind.length === 0
      ? []
      : db
          .selectFrom('events')
          .select(['seq', 'received_at'])
          .where(
            'seq',
            'in',
            behind.map(({ seq }) => seq),
          )
          .execute(),
  ]);
  const statusAt = (stage: string, i: number): PipelineStageStatus => {
    const first = firstUnread[i];
    if (first === undefined) return { stage, checkpointSeq: headSeq, headSeq, lagEvents: 0, lagSeconds: 0 };
    const receivedAt = oldest.find((row) => Number(row.seq) === first)?.received_at;
    const from = ordered.findIndex((stage) => stage.i === i);
    const unreadCount = counted.rows.reduce(
      (sum, row) =>
        sum + ranges.slice(from).reduce((of, _, k) => of + Number(row[`range_${from + k}`] ?? 0), 0),
      0,
    );
    return {
      stage,
      checkpointSeq: first - 1,
      headSeq,
      lagEvents: Math.min(WORKSPACE_LAG_COUNT_BOUND, Math.max(1, unreadCount)),
      lagSeconds: Math.max(0, (options.now - (receivedAt ? Date.parse(receivedAt) : options.now)) / 1000),
    };
  };
  return options.stages.map((stage, s) => {
    const name = names[s] as string; // one name per stage
    return statusAt(
      stage,
      positions.findIndex((p) => key(p) === key(positionOf(name))),
    );
  });
}

function before(a: LogPosition | undefined, b: LogPosition | undefined): boolean {
  if (!a || !b) return false;
  return a.txid < b.txid || (a.txid === b.txid && a.seq < b.seq);
}

function key(position: LogPosition): string {
  return `${position.txid}:${position.seq}`;
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
