import { createHash } from 'node:crypto';
import { type RawBuilder, sql } from 'kysely';
import type { StoreKind } from '../store/index.js';

/**
 * One slice of the pipeline's work: the workspaces whose hash falls on `index` modulo `count`.
 * Workspaces, not profiles: the profile of an event is what unify decides, and two workspaces
 * never share an identity, so a workspace's events can all be resolved by one consumer at a time.
 */
export interface PipelinePartition {
  readonly index: number;
  readonly count: number;
}

export const SINGLE_PARTITION: PipelinePartition = { index: 0, count: 1 };

/** The partition count a store runs with: SQLite has one writer anyway, so one partition. */
export function partitionCountFor(kind: StoreKind, requested: number | undefined): number {
  const count = kind === 'postgres' ? (requested ?? 1) : 1;
  if (!Number.isInteger(count) || count < 1) throw new Error(`pipeline partitions must be ≥ 1, got ${count}`);
  return count;
}

export function partitionsOf(count: number): PipelinePartition[] {
  return Array.from({ length: count }, (_, index) => ({ index, count }));
}

/**
 * A stage's checkpoint row for one partition. One partition keeps the stage's plain name, so
 * stores from before partitioning keep their position; otherwise `unify#3/8`: the count is part
 * of the name, so rows of another layout are never mistaken for this one's.
 */
export function checkpointName(stage: string, partition: PipelinePartition): string {
  return partition.count === 1 ? stage : `${stage}#${partition.index}/${partition.count}`;
}

/** The partition of a workspace: the first 28 bits of its id's MD5, modulo the count. */
export function partitionOfWorkspace(workspaceId: string, count: number): PipelinePartition {
  const hash = Number.parseInt(createHash('md5').update(workspaceId).digest('hex').slice(0, 7), 16);
  return { index: hash % count, count };
}

/**
 * PostgreSQL: whether a row's `workspace_id` is in the partition — the same hash as
 * partitionOfWorkspace (MD5 is stable across versions, unlike the internal hashtext()).
 */
export function workspaceInPartition(partition: PipelinePartition): RawBuilder<boolean> {
  return sql<boolean>`mod(('x' || substr(md5(workspace_id), 1, 7))::bit(28)::int, ${sql.lit(partition.count)}) = ${sql.lit(partition.index)}`;
}
