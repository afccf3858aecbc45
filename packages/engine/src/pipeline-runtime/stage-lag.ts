import type { PipelineStageStatus } from '@tandem/contract';
import type { Kysely } from 'kysely';
import { logHeadSeq, oldestUnreadReceivedAt } from '../log/index.js';
import type { Database, StoreKind } from '../store/index.js';
import { readStagePosition } from './checkpoints.js';

/**
 * Each stage's lag over the whole log (for operators: metrics, backpressure): with partitions,
 * that of its partition furthest behind. The log's head is read once for all stages.
 */
export async function stagesLag(
  db: Kysely<Database>,
  options: { kind: StoreKind; stages: readonly string[]; partitions: number; now: number },
): Promise<PipelineStageStatus[]> {
  const head = await logHeadSeq(db);
  return Promise.all(
    options.stages.map(async (stage) => {
      const position = await readStagePosition(db, stage, options.partitions);
      const oldest = await oldestUnreadReceivedAt(db, options.kind, position);
      const lagSeconds = oldest === null ? 0 : Math.max(0, (options.now - Date.parse(oldest)) / 1000);
      const lagEvents = oldest === null ? 0 : Math.max(1, head - position.seq);
      return { stage, checkpointSeq: position.seq, headSeq: head, lagEvents, lagSeconds };
    }),
  );
}
