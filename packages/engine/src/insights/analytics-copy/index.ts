export {
  AnalyticsAccess,
  type AnalyticsAnswer,
  type AnalyticsReader,
  type AnalyticsRequest,
} from './analytics-access.js';
export { analyticsPersonData } from './analytics-person-data.js';
export { ANALYTICS_STAGE, AnalyticsStage, type AnalyticsStageOptions } from './analytics-stage.js';
export type { CopyDeps } from './copy-work.js';
export { type EmbeddedCopyOptions, embeddedCopyPath } from './embedded-copy.js';
export { analyticsRowOf } from './event-rows.js';
