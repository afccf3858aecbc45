import { type Kysely, sql } from 'kysely';
import { type LogEntry, type LogPosition, readLogWindow } from '../log/index.js';
import type { Database } from '../store/index.js';
import { adoptLayout } from './checkpoint-layout.js';
import {
  checkpointName,
  type PipelinePartition,
  partitionsOf,
  workspaceInPartition,
} from './pipeline-partitions.js';

/** A partition of a stage, leased for the rest of the transaction (its checkpoint row locked). */
export interface PartitionLease {
  readonly partition: PipelinePartition;
  /** The checkpoint row. */
  readonly checkpoint: string;
  readonly position: LogPosition;
  /** How far the feeding stage has got in this partition (segment: unify's checkpoint). */
  readonly upTo: LogPosition | undefined;
}

export interface LeaseRequest {
  readonly stage: string;
  readonly count: number;
  /** The stage this one follows: only partitions it has passed events in are preferred. */
  readonly feeder?: string | undefined;
  /** Partitions tried already in this turn. */
  readonly skip?: ReadonlySet<number> | undefined;
  /** The partition to take if it is free (the one a hand-off comes from). */
  readonly prefer?: number | undefined;
}

/**
 * PostgreSQL: leases a partition no other transaction holds (`SKIP LOCKED`), the one furthest
 * behind — or, behind a feeder, the furthest behind among those with events the feeder has
 * passed. Furthest behind rather than least recently used: an idle partition never writes its
 * row, so it would stay "least recent" and starve the others. Undefined when every partition is
 * held elsewhere (or skipped). A crashed holder's lock ends with its connection.
 */
export async function leasePartition(
  db: Kysely<Database>,
  request: LeaseRequest,
): Promise<PartitionLease | undefined> {
  const leased = await lockFreePartition(db, request);
  if (leased) return leased;
  // Nothing free: held elsewhere, or this layout's rows do not exist yet (first run, or a
  // changed partition count): create them or refuse, then try once more.
  const names = partitionsOf(request.count).map((partition) => checkpointName(request.stage, partition));
  const { rows } = await sql<{ stored: number }>`SELECT count(*) AS stored FROM pipeline_checkpoints
      WHERE stage IN (${sql.join(names)})`.execute(db);
  if (Number(rows[0]?.stored ?? 0) === names.length) return undefined;
  await adoptLayout(db, 'postgres', request.stage, request.count);
  return lockFreePartition(db, request);
}

async function lockFreePartition(
  db: Kysely<Database>,
  request: LeaseRequest,
): Promise<PartitionLease | undefined> {
  const { stage, feeder, prefer = -1 } = request;
  const candidates = partitionsOf(request.count).filter((p) => !request.skip?.has(p.index));
  if (candidates.length === 0) return undefined;
  const layout = sql.join(
    candidates.map(
      (p) =>
        sql`(${checkpointName(stage, p)}, ${feeder ? checkpointName(feeder, p) : null}, ${sql.lit(p.index)})`,
    ),
  );
  const { rows } = await sql<{
    partition: number;
    txid: number;
    seq: number;
    up_to_txid: number | null;
    up_to_seq: number | null;
  }>`SELECT p.partition, c.txid, c.seq, f.txid AS up_to_txid, f.seq AS up_to_seq
      FROM (VALUES ${layout}) AS p(stage, feeder, partition)
      JOIN pipeline_checkpoints c ON c.stage = p.stage
      LEFT JOIN pipeline_checkpoints f ON f.stage = p.feeder
      WHERE (p.feeder IS NULL) = (f.stage IS NULL)
      ORDER BY p.partition = ${sql.lit(prefer)} DESC,
        coalesce((c.txid, c.seq) < (f.txid, f.seq), true) DESC,
        c.txid, c.seq, p.partition
      LIMIT 1 FOR UPDATE OF c SKIP LOCKED`.execute(db);
  const row = rows[0];
  if (!row) return undefined;
  const partition = { index: Number(row.partition), count: request.count };
  const upTo =
    row.up_to_txid === null || row.up_to_seq === null
      ? undefined
      : { txid: Number(row.up_to_txid), seq: Number(row.up_to_seq) };
  return {
    partition,
    checkpoint: checkpointName(stage, partition),
    position: { txid: Number(row.txid), seq: Number(row.seq) },
    upTo,
  };
}

/** A leased partition's next events: the log window after its checkpoint (up to the feeder's). */
export function readLeasedWindow(
  db: Kysely<Database>,
  lease: PartitionLease,
  limit: number,
): Promise<{ to: LogPosition; passed: number; entries: LogEntry[] } | undefined> {
  return readLogWindow(db, lease.position, {
    limit,
    upTo: lease.upTo,
    inPartition: workspaceInPartition(lease.partition),
  });
}
