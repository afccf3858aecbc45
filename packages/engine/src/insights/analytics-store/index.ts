export {
  ANALYTICS_COLUMNS,
  ANALYTICS_PEOPLE_COLUMNS,
  type AnalyticsDialect,
  type AnalyticsEventRow,
  type AnalyticsMerge,
  type AnalyticsPersonRow,
  type AnalyticsRow,
  type AnalyticsStore,
  isoOfSqlTimestamp,
  PAGE_EVENT,
  SCREEN_EVENT,
} from './analytics-store.js';
export {
  bytesOf,
  type DuckDbAnalyticsOptions,
  type DuckDbAnalyticsStore,
  openDuckDbAnalytics,
} from './duckdb-analytics-store.js';
export { postgresAnalytics } from './postgres-analytics-store.js';
