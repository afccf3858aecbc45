export { lockCheckpoint, readCheckpoint, saveCheckpoint } from './checkpoints.js';
export { type CommitCounter, Pipeline, type PipelineOptions } from './pipeline.js';
export { UNIFY_STAGE, type UnifiedBatch } from './unify-stage.js';
