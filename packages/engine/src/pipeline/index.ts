export { type CommitCounter, Pipeline, type PipelineOptions, type PipelineStages } from './pipeline.js';
export { UnifyStage, type UnifyStageOptions } from './unify.js';
export { UNIFY_STAGE, type UnifiedBatch, type WorkspaceTraitsDropped } from './unify-stage.js';
