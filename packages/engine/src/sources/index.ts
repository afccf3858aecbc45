export { type SourceRef, SourcesService } from './sources-service.js';
