export { calibrationOf, type DealOutcome } from './calibration.js';
export { leadScorePersonData } from './lead-score-person-data.js';
export {
  type LeadScoreSummary,
  LeadScoringService,
  leadScoresOf,
  type OutcomesOf,
} from './lead-scoring-service.js';
export {
  LEAD_SCORING_STAGE,
  LeadScoringStage,
  type LeadScoringStageOptions,
} from './lead-scoring-stage.js';
export { type CompiledScoring, DAY_MS, type ScoreFacts, scoreOf } from './score-evaluation.js';
export { HISTORY_LIMIT } from './score-store.js';
