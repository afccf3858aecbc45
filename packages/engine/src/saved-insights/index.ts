export { DashboardsService, MAX_DASHBOARD_TILES } from './dashboards-service.js';
export { MAX_SAVED_INSIGHTS, SavedInsightsService } from './saved-insights-service.js';
