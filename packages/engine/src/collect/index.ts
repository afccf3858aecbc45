export type { CallAdmission } from './call-admission.js';
export { type CallLimits, DEFAULT_CALL_LIMITS } from './call-limits.js';
export {
  type CollectedItem,
  type CollectedListener,
  type CollectInput,
  Collector,
  type CollectorOptions,
  type CollectResult,
} from './collector.js';
export type { RequestInfo } from './enrich-context.js';
export { type CallProblem, normalizeCall, type SharedFields } from './normalize-call.js';
export { PreparationPool, type PreparationPoolOptions } from './preparation-pool.js';
export type {
  CallScreen,
  PreparationScreens,
  ScreenedCall,
  ScreenedCalls,
  ScreenFinding,
} from './preparation-screen.js';
export {
  MAX_BATCH_CALLS,
  type PreparedCalls,
  type PreparedRequest,
  prepareCalls,
  prepareRequest,
  type RawTrackingRequest,
  type TrackingRoute,
} from './tracking-request.js';
