export { analyticsActivity } from './analytics-activity.js';
export type { DayFigures, DayFiguresLifetimes } from './day-figures-cache.js';
export { type OverviewDeps, OverviewService } from './overview-service.js';
export { type ActivitySource, rowStoreActivity } from './row-store-activity.js';
