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
