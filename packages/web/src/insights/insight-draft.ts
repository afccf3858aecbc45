import type { InsightChart, InsightKind, InsightQuery, InsightRange } from '@tandem/contract';

/** What the builder edits: the query, how it is drawn, the range it runs over. */
export type InsightDraft = { query: InsightQuery; chart: InsightChart; range: InsightRange };

export const KIND_LABELS: Record<InsightKind, string> = {
  trend: 'Trends',
  funnel: 'Funnels',
  paths: 'Paths',
  retention: 'Retention',
  attribution: 'Attribution',
};

/** The charts each kind can be drawn as; the first is its default. */
export const CHARTS_BY_KIND: Record<InsightKind, readonly InsightChart[]> = {
  trend: ['line', 'bar', 'table'],
  funnel: ['funnel', 'table'],
  paths: ['sankey', 'table'],
  retention: ['cohort'],
  attribution: ['bar', 'table'],
};

export const CHART_LABELS: Record<InsightChart, string> = {
  line: 'Line',
  bar: 'Bar',
  table: 'Table',
  funnel: 'Funnel',
  sankey: 'Sankey',
  cohort: 'Cohort table',
};

/** A fresh query of a kind, starting from `event` (the first event of the query being replaced). */
export function defaultQuery(kind: InsightKind, event = ''): InsightQuery {
  switch (kind) {
    case 'trend':
      return { kind, series: [{ event, measure: 'count', where: [] }], interval: 'day', where: [] };
    case 'funnel':
      return {
        kind,
        steps: [
          { event, where: [] },
          { event: '', where: [] },
        ],
        within: '7d',
        order: 'sequential',
        exclusions: [],
        where: [],
      };
    case 'paths':
      return { kind, event, direction: 'after', steps: 3, width: 8, where: [] };
    case 'retention':
      return { kind, startEvent: { event, where: [] }, interval: 'week', cohorts: 8, where: [] };
    case 'attribution':
      return {
        kind,
        conversion: { event, where: [] },
        revenueProperty: 'revenue',
        model: 'last_touch',
        lookback: '30d',
        by: 'campaign',
        halfLife: '7d',
        where: [],
      };
    default: {
      const never: never = kind;
      throw new Error(`unknown insight kind ${String(never)}`);
    }
  }
}

/** The query's first event, carried over when the kind changes. */
export function firstEvent(query: InsightQuery): string {
  switch (query.kind) {
    case 'trend':
      return query.series[0]?.event ?? '';
    case 'funnel':
      return query.steps[0]?.event ?? '';
    case 'paths':
      return query.event;
    case 'retention':
      return query.startEvent.event;
    case 'attribution':
      return query.conversion.event;
    default: {
      const never: never = query;
      throw new Error(`unknown insight ${String(never)}`);
    }
  }
}

export function switchKind(draft: InsightDraft, kind: InsightKind): InsightDraft {
  if (draft.query.kind === kind) return draft;
  return {
    ...draft,
    query: defaultQuery(kind, firstEvent(draft.query)),
    chart: CHARTS_BY_KIND[kind][0] ?? 'table',
  };
}

/** A filter or breakdown still being filled in (its property or audience not picked yet). */
function unfinishedPart(query: InsightQuery): string | null {
  const filters = [
    ...query.where,
    ...(query.kind === 'trend' ? query.series.flatMap((s) => s.where) : []),
    ...(query.kind === 'funnel' ? query.steps.flatMap((s) => s.where) : []),
  ];
  for (const filter of filters) {
    if (filter.on === 'audience' ? filter.audienceId === '' : filter.property === '') {
      return 'Finish or remove the filter';
    }
  }
  const breakdown = query.kind === 'trend' || query.kind === 'funnel' ? query.breakdown : undefined;
  if (
    breakdown &&
    (breakdown.on === 'audience' ? breakdown.audienceIds.length === 0 : breakdown.property === '')
  ) {
    return 'Pick what to break down by';
  }
  return null;
}

/** What must be filled before the query can run (its events, filters, breakdown), or null when it can. */
export function missingInput(query: InsightQuery): string | null {
  return missingEvent(query) ?? unfinishedPart(query);
}

function missingEvent(query: InsightQuery): string | null {
  switch (query.kind) {
    case 'trend':
      return query.series.some((s) => s.event === '') ? 'Pick an event for every series' : null;
    case 'funnel':
      return query.steps.some((s) => s.event === '') ? 'Pick an event for every step' : null;
    case 'paths':
      return query.event === '' ? 'Pick the event paths start (or end) at' : null;
    case 'retention':
      return query.startEvent.event === '' ? 'Pick the event that starts a cohort' : null;
    case 'attribution':
      return query.conversion.event === '' ? 'Pick the conversion event' : null;
    default:
      return null;
  }
}

export const NEW_DRAFT: InsightDraft = { query: defaultQuery('trend'), chart: 'line', range: '30d' };
