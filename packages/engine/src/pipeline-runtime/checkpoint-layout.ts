import { type Kysely, sql } from 'kysely';
import { LOG_START, type LogPosition } from '../log/index.js';
import { type Database, nowIso, type StoreKind } from '../store/index.js';
import { checkpointName, partitionsOf } from './pipeline-partitions.js';

/** The partition count asked for does not match the stored checkpoints, and cannot take over. */
export class PartitionLayoutError extends Error {
  override name = 'PartitionLayoutError';
}

// Any number: the key of the advisory lock that makes layout changes take turns across processes.
const LAYOUT_LOCK = 0x74616e64;

/**
 * Makes a stage's checkpoint rows those of `count` partitions, or refuses. The rule: a stage
 * may change its partition count only while all its stored checkpoints sit at one position
 * (true of any stage with a single row, and of every stage once the pipeline has caught up:
 * each partition's checkpoint then meets the others at the log's end). The new rows start at
 * that position, the old ones go; no event is then skipped or seen twice. Otherwise events
 * between the positions would belong to partitions other than those that passed them.
 */
export async function adoptLayout(
  db: Kysely<Database>,
  kind: StoreKind,
  stage: string,
  count: number,
): Promise<void> {
  // Two processes adopting at once: the second sees the first's rows, never half of them.
  if (kind === 'postgres') await sql`SELECT pg_advisory_xact_lock(${sql.lit(LAYOUT_LOCK)})`.execute(db);
  const wanted = partitionsOf(count).map((partition) => checkpointName(stage, partition));
  // Locked: a batch of the old layout still running elsewhere commits its position first.
  const lock = kind === 'postgres' ? sql` FOR UPDATE` : sql``;
  const { rows: stored } = await sql<{ stage: string; txid: number; seq: number }>`SELECT stage, txid, seq
      FROM pipeline_checkpoints WHERE stage = ${stage} OR stage LIKE ${`${stage}#%`}${lock}`.execute(db);
  if (stored.length === wanted.length && stored.every((row) => wanted.includes(row.stage))) return;
  const positions = new Set(stored.map((row) => `${row.txid}:${row.seq}`));
  if (positions.size > 1) {
    const found = stored.map((row) => `${row.stage}@${row.txid}:${row.seq}`).join(', ');
    throw new PartitionLayoutError(
      `The pipeline's "${stage}" checkpoints (${found}) were made with another partition count and are ` +
        `not all at the same position, so ${count} partition(s) cannot take over safely. Run with the ` +
        'previous count (TANDEM_PIPELINE_PARTITIONS) until the pipeline has caught up, then change it.',
    );
  }
  const first = stored[0];
  const at: LogPosition = first ? { txid: Number(first.txid), seq: Number(first.seq) } : LOG_START;
  const retired = stored.map((row) => row.stage).filter((name) => !wanted.includes(name));
  if (retired.length > 0) await db.deleteFrom('pipeline_checkpoints').where('stage', 'in', retired).execute();
  await db
    .insertInto('pipeline_checkpoints')
    .values(wanted.map((name) => ({ stage: name, txid: at.txid, seq: at.seq, updated_at: nowIso() })))
    .onConflict((conflict) => conflict.column('stage').doNothing())
    .execute();
}
