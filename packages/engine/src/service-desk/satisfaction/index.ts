export { CSAT_ANSWER_WINDOW_MS, type SatisfactionDeps, SatisfactionService } from './satisfaction-service.js';
export { type SlaAttainmentDeps, slaAttainmentReport } from './sla-attainment.js';
