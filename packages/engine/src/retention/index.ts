export { ALL_OTHER_EVENTS } from './retention-run.js';
export { type RetentionOptions, RetentionService } from './retention-service.js';
export { RetentionWorker } from './retention-worker.js';
