export * from './analytics-store/index.js';
export { type InsightsDeps, InsightsService } from './insights-service.js';
export { ANY_EVENT, type AnalyticsReader, PATH_END } from './queries/index.js';
