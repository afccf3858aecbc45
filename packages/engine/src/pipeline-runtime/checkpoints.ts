import { type Kysely, sql } from 'kysely';
import { LOG_START, type LogPosition } from '../log/index.js';
import { type Database, nowIso, type StoreKind } from '../store/index.js';
import { adoptLayout } from './checkpoint-layout.js';
import {
  checkpointName,
  type PipelinePartition,
  partitionsOf,
  SINGLE_PARTITION,
} from './pipeline-partitions.js';

/**
 * A stage's position in one partition, locked for the rest of the transaction on PostgreSQL: two
 * processes never run the same partition of a stage at once (the second waits), and a crashed
 * one releases it with its connection.
 */
export async function lockCheckpoint(
  db: Kysely<Database>,
  kind: StoreKind,
  stage: string,
  partition: PipelinePartition = SINGLE_PARTITION,
): Promise<LogPosition> {
  const name = checkpointName(stage, partition);
  const query = sql<{
    txid: number;
    seq: number;
  }>`SELECT txid, seq FROM pipeline_checkpoints WHERE stage = ${name}`;
  const locked = kind === 'postgres' ? sql<{ txid: number; seq: number }>`${query} FOR UPDATE` : query;
  const row = (await locked.execute(db)).rows[0];
  if (row) return { txid: Number(row.txid), seq: Number(row.seq) };
  // The stage's first batch in this layout: create its rows (or refuse), then lock this one.
  await adoptLayout(db, kind, stage, partition.count);
  const adopted = (await locked.execute(db)).rows[0];
  return adopted ? { txid: Number(adopted.txid), seq: Number(adopted.seq) } : LOG_START;
}

/**
 * A stage's position in one checkpoint row (the start of the log when it has none yet).
 * `forUpdate` (PostgreSQL only) locks the row for the rest of the transaction, so the stage's
 * batches wait for what the caller does from that position; it never creates the row.
 */
export async function readCheckpoint(
  db: Kysely<Database>,
  stage: string,
  options: { forUpdate?: boolean } = {},
): Promise<LogPosition> {
  const query = db.selectFrom('pipeline_checkpoints').select(['txid', 'seq']).where('stage', '=', stage);
  const row = await (options.forUpdate ? query.forUpdate() : query).executeTakeFirst();
  return row ? { txid: Number(row.txid), seq: Number(row.seq) } : LOG_START;
}

/** How far a stage has got over all its partitions: the position of the one furthest behind. */
export async function readStagePosition(
  db: Kysely<Database>,
  stage: string,
  partitions: number,
): Promise<LogPosition> {
  if (partitions === 1) return readCheckpoint(db, stage);
  const names = partitionsOf(partitions).map((partition) => checkpointName(stage, partition));
  const rows = await db
    .selectFrom('pipeline_checkpoints')
    .select(['txid', 'seq'])
    .where('stage', 'in', names)
    .orderBy('txid')
    .orderBy('seq')
    .execute();
  const behind = rows[0];
  // A partition without a row has not started.
  return behind && rows.length === names.length
    ? { txid: Number(behind.txid), seq: Number(behind.seq) }
    : LOG_START;
}

export async function saveCheckpoint(
  db: Kysely<Database>,
  stage: string,
  position: LogPosition,
): Promise<void> {
  await db
    .updateTable('pipeline_checkpoints')
    .set({ txid: position.txid, seq: position.seq, updated_at: nowIso() })
    .where('stage', '=', stage)
    .execute();
}

/** Back to the start of the log, in every partition (and any layout) of the stage. */
export async function resetCheckpoints(db: Kysely<Database>, stage: string): Promise<void> {
  await db
    .updateTable('pipeline_checkpoints')
    .set({ txid: 0, seq: 0, updated_at: nowIso() })
    .where((eb) => eb.or([eb('stage', '=', stage), eb('stage', 'like', `${stage}#%`)]))
    .execute();
}
