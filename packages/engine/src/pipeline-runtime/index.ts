export { adoptLayout, PartitionLayoutError } from './checkpoint-layout.js';
export {
  lockCheckpoint,
  readCheckpoint,
  readStagePosition,
  resetCheckpoints,
  saveCheckpoint,
} from './checkpoints.js';
export {
  FollowerBatches,
  type FollowerOptions,
  type FollowerWork,
} from './follower-batches.js';
export { leasePartition, type PartitionLease, readLeasedWindow } from './partition-lease.js';
export {
  checkpointName,
  type PipelinePartition,
  partitionCountFor,
  partitionOfWorkspace,
  partitionsOf,
  SINGLE_PARTITION,
  workspaceInPartition,
} from './pipeline-partitions.js';
export type {
  AfterCommit,
  PipelineStage,
  ProfiledBatch,
  Rederivation,
  StageBatch,
} from './pipeline-stage.js';
export { stagesLag } from './stage-lag.js';
export { WORKSPACE_LAG_COUNT_BOUND, workspaceLag } from './workspace-lag.js';
