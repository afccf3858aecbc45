export { type SearchCandidate, type Searcher, SearchService } from './search-service.js';
export { alignedTypos, normalizeSearchText, typoLookups, typosBetween } from './typo-lookups.js';
