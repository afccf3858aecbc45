export { type ColumnMapping, type MappingTarget, parseColumnMapping } from './column-mapping.js';
export { type ImportProgress, type ImportRequest, runImport } from './import-runner.js';
export { ImportsService } from './imports-service.js';
export type { ImportFormat } from './read-rows.js';
