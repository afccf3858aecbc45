export { validateDealFields } from './deal-fields.js';
export { companyNamesOf, dealPage, dealsOf, peopleOf, stageHistoryOf } from './deal-reads.js';
export { closedDealOutcomes, type DealMatch, dealsSearch } from './deal-search.js';
export { type ActorId, type DealsDeps, DealsService } from './deals-service.js';
