export { Pipeline, type PipelineOptions } from './pipeline.js';
export { UNIFY_STAGE } from './unify-stage.js';
