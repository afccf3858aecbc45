import type { InsightBreakdown, InsightFilter } from '@tandem/contract';
import type { AnalyticsSql } from './analytics-sql.js';

/** Aliases a query gives the event row and the person row it joins. */
export const EVENT = 'e';
export const PERSON = 'pp';

/** Whether filters or a breakdown read the person side (`analytics_people`), so it must be joined. */
export function readsPerson(filters: readonly InsightFilter[], breakdown?: InsightBreakdown): boolean {
  return [...filters, ...(breakdown ? [breakdown] : [])].some((item) => item.on !== 'event');
}

/** The join of an event row to its person (a person without a row has no traits). */
export function personJoin(event = EVENT, person = PERSON): string {
  return `LEFT JOIN analytics_people ${person} ON ${person}.workspace_id = ${event}.workspace_id AND ${person}.profile_id = ${event}.profile_id`;
}

/** The JSON column a subject reads. */
function columnOf(on: 'event' | 'person' | 'computed_trait', event: string, person: string): string {
  if (on === 'event') return `${event}.properties`;
  return on === 'person' ? `${person}.traits` : `${person}.computed_traits`;
}

/** One filter as a SQL condition (true when the row passes). */
export function filterCondition(
  sql: AnalyticsSql,
  filter: InsightFilter,
  event = EVENT,
  person = PERSON,
): string {
  if (filter.on === 'audience') {
    const member = sql.jsonArrayHas(`${person}.audiences`, filter.audienceId);
    return filter.member ? member : `NOT ${member}`;
  }
  const text = sql.jsonText(columnOf(filter.on, event, person), filter.property);
  const { value } = filter;
  switch (filter.operator) {
    case 'exists':
      return `${text} IS NOT NULL`;
    case 'not_exists':
      return `${text} IS NULL`;
    case 'equals':
      return typeof value === 'number'
        ? `${sql.number(text)} = ${sql.param(value)}`
        : `${text} = ${sql.param(String(value))}`;
    case 'not_equals':
      return typeof value === 'number'
        ? `${sql.number(text)} IS DISTINCT FROM ${sql.param(value)}`
        : `${text} IS DISTINCT FROM ${sql.param(String(value))}`;
    case 'contains':
      return `coalesce(strpos(lower(${text}), lower(${sql.param(String(value))})) > 0, false)`;
    case 'not_contains':
      return `NOT coalesce(strpos(lower(${text}), lower(${sql.param(String(value))})) > 0, false)`;
    case 'greater_than':
      return `${sql.number(text)} > ${sql.param(Number(value))}`;
    case 'less_than':
      return `${sql.number(text)} < ${sql.param(Number(value))}`;
    default: {
      const unknown: never = filter.operator;
      throw new Error(`unknown operator ${String(unknown)}`);
    }
  }
}

/** Filters joined with AND (`TRUE` when there are none). */
export function filtersCondition(
  sql: AnalyticsSql,
  filters: readonly InsightFilter[],
  event = EVENT,
  person = PERSON,
): string {
  if (filters.length === 0) return 'TRUE';
  return filters.map((filter) => `(${filterCondition(sql, filter, event, person)})`).join(' AND ');
}

/** How a query reads a breakdown: a join it adds, the value per row, a condition on the row. */
export interface BreakdownSource {
  readonly join: string;
  readonly value: string;
  readonly condition: string;
}

/**
 * A breakdown's value for a row as text: the property, trait or computed trait (null when
 * missing). For audiences each row is repeated once per listed audience its person is in, or
 * once as "(none)" when in none of them (a person in two audiences counts in both).
 */
export function breakdownSource(
  sql: AnalyticsSql,
  breakdown: InsightBreakdown,
  event = EVENT,
  person = PERSON,
): BreakdownSource {
  if (breakdown.on !== 'audience') {
    return {
      join: '',
      value: sql.jsonText(columnOf(breakdown.on, event, person), breakdown.property),
      condition: 'TRUE',
    };
  }
  const ids = breakdown.audienceIds.map((audienceId) => `(${sql.param(audienceId)})`).join(', ');
  const inAny = breakdown.audienceIds
    .map((audienceId) => sql.jsonArrayHas(`${person}.audiences`, audienceId))
    .join(' OR ');
  return {
    join: `CROSS JOIN (VALUES ${ids}, ('${NO_AUDIENCE}')) AS bd(audience_id)`,
    value: 'bd.audience_id',
    condition: `CASE WHEN bd.audience_id = '${NO_AUDIENCE}' THEN NOT (${inAny}) ELSE ${sql.jsonArrayHasColumn(`${person}.audiences`, 'bd.audience_id')} END`,
  };
}

/** The audience breakdown's series of people in none of the listed audiences. */
export const NO_AUDIENCE = '(none)';

/** The label of values beyond the top ones. */
export const OTHER = '(other)';
