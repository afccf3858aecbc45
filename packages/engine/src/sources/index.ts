export { type SourceKind, type SourceRef, SourcesService } from './sources-service.js';
