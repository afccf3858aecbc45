export { adoptLayout, PartitionLayoutError } from './checkpoint-layout.js';
export { lockCheckpoint, readCheckpoint, resetCheckpoints, saveCheckpoint } from './checkpoints.js';
export { leasePartition, type PartitionLease, readLeasedWindow } from './partition-lease.js';
export { type CommitCounter, Pipeline, type PipelineOptions } from './pipeline.js';
export {
  checkpointName,
  type PipelinePartition,
  partitionCountFor,
  partitionOfWorkspace,
  SINGLE_PARTITION,
  workspaceInPartition,
} from './pipeline-partitions.js';
export { UNIFY_STAGE, type UnifiedBatch, type WorkspaceTraitsDropped } from './unify-stage.js';
export { WORKSPACE_LAG_COUNT_BOUND } from './workspace-lag.js';
