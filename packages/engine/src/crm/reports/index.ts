export { categoryOf, monthsFrom } from './forecast-report.js';
export { CrmReportsService } from './reports-service.js';
