export { validateDealFields } from './deal-fields.js';
export {
  type DealCell,
  type DealImportDeps,
  type DealImportOutcome,
  type DealImportRow,
  DealImportSession,
  isDealRole,
} from './deal-import.js';
export { companyNamesOf, dealPage, dealsOf, peopleOf, stageHistoryOf } from './deal-reads.js';
export { closedDealOutcomes, type DealMatch, dealsSearch } from './deal-search.js';
export { type ActorId, type DealsDeps, DealsService, type ReadyDeal } from './deals-service.js';
