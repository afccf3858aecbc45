export { type AnalyticsReader, AnalyticsSql } from './analytics-sql.js';
export { attributionOf } from './attribution-query.js';
export { funnelOf, funnelPeopleOf } from './funnel-query.js';
export { PATH_END, pathsOf } from './paths-query.js';
export { retentionOf } from './retention-query.js';
export { ANY_EVENT, trendOf } from './trend-query.js';
export { type CopiedValuedEvent, valuedEventsOf } from './valued-events.js';
