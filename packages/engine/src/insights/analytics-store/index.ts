export {
  ANALYTICS_COLUMNS,
  type AnalyticsDialect,
  type AnalyticsEventRow,
  type AnalyticsRow,
  type AnalyticsStore,
  isoOfSqlTimestamp,
  PAGE_EVENT,
  SCREEN_EVENT,
} from './analytics-store.js';
export { type DuckDbAnalyticsOptions, openDuckDbAnalytics } from './duckdb-analytics-store.js';
export { postgresAnalytics } from './postgres-analytics-store.js';
