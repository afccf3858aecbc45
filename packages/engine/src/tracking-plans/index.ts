export { CompiledPlan, type PlanViolation } from './compiled-plan.js';
export { draftPlanFrom } from './plan-draft.js';
export { createPreparationScreens, type PlanRules, PlanScreens } from './plan-screens.js';
export { type ForwardedViolation, TrackingPlanAdmission } from './tracking-plan-admission.js';
export { type TrackingPlansOptions, TrackingPlansService } from './tracking-plans-service.js';
export { MAX_VIOLATION_SAMPLES } from './violation-counter.js';
