export { type ColumnMapping, type MappingTarget, parseColumnMapping } from './column-mapping.js';
export { type DealImportRequest, runDealImport } from './deal-import-runner.js';
export { type DealColumnMapping, type DealMappingTarget, parseDealMapping } from './deal-mapping.js';
export { type ImportProgress, type ImportRequest, runImport } from './import-runner.js';
export { type DealImportsFactory, ImportsService } from './imports-service.js';
export type { ImportFormat } from './read-rows.js';
