export { type OverviewDeps, OverviewService } from './overview-service.js';
