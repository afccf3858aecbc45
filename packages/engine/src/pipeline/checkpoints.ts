import { type Kysely, sql } from 'kysely';
import { LOG_START, type LogPosition } from '../log/index.js';
import { type Database, nowIso, type StoreKind } from '../store/index.js';

/**
 * A stage's position, locked for the rest of the transaction on PostgreSQL: two processes never
 * run the same stage at once (the second waits), and a crashed one releases it with its connection.
 */
export async function lockCheckpoint(
  db: Kysely<Database>,
  kind: StoreKind,
  stage: string,
): Promise<LogPosition> {
  const query = sql<{
    txid: number;
    seq: number;
  }>`SELECT txid, seq FROM pipeline_checkpoints WHERE stage = ${stage}`;
  const locked = kind === 'postgres' ? sql<{ txid: number; seq: number }>`${query} FOR UPDATE` : query;
  const row = (await locked.execute(db)).rows[0];
  if (row) return { txid: Number(row.txid), seq: Number(row.seq) };
  // The stage's first batch; a concurrent first batch elsewhere conflicts here and retries later.
  await db
    .insertInto('pipeline_checkpoints')
    .values({ stage, txid: 0, seq: 0, updated_at: nowIso() })
    .execute();
  return LOG_START;
}

export async function readCheckpoint(db: Kysely<Database>, stage: string): Promise<LogPosition> {
  const row = await db
    .selectFrom('pipeline_checkpoints')
    .select(['txid', 'seq'])
    .where('stage', '=', stage)
    .executeTakeFirst();
  return row ? { txid: Number(row.txid), seq: Number(row.seq) } : LOG_START;
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
