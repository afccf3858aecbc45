export { pipelineOf, pipelinesOf } from './pipeline-reads.js';
export { DEFAULT_PIPELINE, PipelinesService, stageOf } from './pipelines-service.js';
