export { type Condition, compileCondition, compileWhere } from './condition.js';
export { conditionHolds, isoAt } from './condition-match.js';
export { conditionSql } from './condition-sql.js';
export { durationMs } from './duration.js';
