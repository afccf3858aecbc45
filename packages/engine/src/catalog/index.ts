export { type CatalogLimits, CatalogService, DEFAULT_CATALOG_LIMITS } from './catalog-service.js';
export { commonTypeOf, examplesOf, valueTypeOf } from './value-types.js';
